// What a page says when a change made in place (htmx) does not go through. htmx swaps nothing
// for an error answer, so without this a refused or failed click would look like nothing
// happened. Without JavaScript the forms post normally and the server's own page says it.
(function () {
  "use strict";

  var GENERIC = {
    403: "Not saved: your session has ended. Reload the page and log in again.",
    404: "Not saved: this is no longer here. Reload the page.",
    429: "Not saved: too many changes at once. Wait a moment and try again.",
    503: "Not saved: the site is briefly unavailable. Try again in a moment; everything saved before is safe."
  };

  function box() {
    return document.getElementById("request-problem");
  }

  function say(text) {
    var element = box();
    if (!element) return;
    element.textContent = text;
    element.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    var reason = type.indexOf("text/plain") === 0 ? xhr.responseText.trim() : "";
    if (reason && reason.length <= 300) {
      say("Not saved: " + reason);
    } else {
      say(GENERIC[xhr.status] || "Not saved (error " + xhr.status + "). Reload the page and try again.");
    }
  });

  document.addEventListener("htmx:sendError", function () {
    say("Not saved: the site could not be reached. Check your connection and try again.");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = box();
    if (element && event.detail.successful) {
      element.hidden = true;
      element.textContent = "";
    }
  });
})();
