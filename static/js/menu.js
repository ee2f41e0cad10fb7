// The account menu in the header, a <details>: Esc closes it and gives focus back to its button,
// and a click or a focus outside it closes it, as a menu does. Without JavaScript it still opens
// and closes like any <details>.
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.user-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });

  function closeOutside(event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  }
  document.addEventListener("click", closeOutside);
  document.addEventListener("focusin", closeOutside);
})();
