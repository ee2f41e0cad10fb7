"""Names for the inputs of the admin's tabular inline rows.

Django shows a tabular row's fields under the table's column headings, with no <label> of their
own, so screen readers announce them unnamed (axe: "label", critical). Each input gets an
accessible name from its field and row: "Title, row 2"; a new row's are "…, new row".
"""


def labelled_formset(formset_class):
    """The inline formset class, its forms' visible inputs named."""

    class LabelledFormSet(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            row = "new row" if index is None else f"row {index + 1}"
            for name, field in form.fields.items():
                # A related field's widget is wrapped (the add/change links): name the input.
                widget = getattr(field.widget, "widget", field.widget)
                if not widget.is_hidden:
                    label = field.label or name.replace("_", " ").capitalize()
                    widget.attrs["aria-label"] = f"{label}, {row}"

    LabelledFormSet.__name__ = formset_class.__name__
    LabelledFormSet.__qualname__ = formset_class.__qualname__
    return LabelledFormSet
