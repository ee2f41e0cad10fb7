// Names for the search boxes select2 draws in the admin's autocomplete fields: select2 makes them
// without a label, so each takes the label of the field it searches (or its inline column's).
(function () {
  "use strict";
  function nameFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) return label.textContent.replace(/:\s*$/, "").trim();
    return select.getAttribute("aria-label") || "Search";
  }
  function labelSearchBoxes() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      box.setAttribute("aria-label", select && select.tagName === "SELECT" ? nameFor(select) : "Search");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelSearchBoxes();
    new MutationObserver(labelSearchBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
