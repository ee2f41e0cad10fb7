// Curator insights' "Refresh now": while the figures are computed (a few seconds with many
// learners) the button says so and cannot be pressed twice. Without JavaScript the form posts
// the same way and the page reloads with a message.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("insights-refresh")) return;
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector("[role=status]");
    if (button) {
      if (button.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        return;
      }
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Refreshing…";
    }
    if (status) status.textContent = "Computing the figures; this page reloads when they are ready.";
    form.setAttribute("aria-busy", "true");
  });
})();
