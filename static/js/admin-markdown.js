// Live preview of Markdown fields in the admin: the server renders and sanitizes, so the preview
// is exactly what visitors will see.
(function () {
  "use strict";
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function attach(textarea) {
    var preview = document.querySelector('[data-preview-for="' + textarea.id + '"]');
    if (!preview || textarea.dataset.previewAttached) return;
    textarea.dataset.previewAttached = "1";
    var timer = null;
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new FormData();
        body.append("text", textarea.value);
        preview.setAttribute("aria-busy", "true");
        fetch("/admin/markdown-preview/", {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": token() },
          credentials: "same-origin",
        })
          .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
          .then(function (html) { preview.innerHTML = html; })
          .catch(function () { preview.textContent = "Preview unavailable; your text is not lost."; })
          .finally(function () { preview.removeAttribute("aria-busy"); });
      }, 250);
    });
  }
  function init() {
    document.querySelectorAll("textarea.markdown-source").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("formset:added", init);
})();
