// Drag-and-drop ordering of admin inlines: dragging a row rewrites the position numbers, which
// are saved with the form (in one transaction). Without JavaScript the numbers are editable.
(function () {
  "use strict";
  function renumber(tbody) {
    var position = 0;
    tbody.querySelectorAll("tr.form-row").forEach(function (row) {
      if (row.classList.contains("empty-form")) return;
      var input = row.querySelector('input[name$="-position"]');
      if (input) input.value = position++;
    });
  }
  function init() {
    document.querySelectorAll("fieldset.sortable tbody, .sortable tbody").forEach(function (tbody) {
      if (tbody.dataset.sortable) return;
      tbody.dataset.sortable = "1";
      tbody.querySelectorAll("tr.form-row").forEach(function (row) {
        row.classList.add("draggable-row");
        row.title = "Drag to reorder";
      });
      Sortable.create(tbody, {
        draggable: "tr.form-row:not(.empty-form)",
        handle: ".field-drag_handle",
        animation: 120,
        onEnd: function () { renumber(tbody); },
      });
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
