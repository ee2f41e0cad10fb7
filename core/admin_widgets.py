"""The admin's autocomplete widgets, safe with any posted value."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


def _is_id(field, value) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class IdsOnlyAutocompleteMixin:
    """Django's autocomplete widget looks up the chosen values to show them, so a posted value
    that is not an id ("abc") failed in the database (a 500) where the form already says it is
    not a valid choice: only values that are ids are looked up."""

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        to_field = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        chosen = [v for v in value if v in self.choices.field.empty_values or _is_id(to_field, v)]
        return super().optgroups(name, chosen, attr)


class IdsOnlyAutocompleteSelect(IdsOnlyAutocompleteMixin, AutocompleteSelect):
    pass


class IdsOnlyAutocompleteSelectMultiple(IdsOnlyAutocompleteMixin, AutocompleteSelectMultiple):
    pass


IDS_ONLY = {
    AutocompleteSelect: IdsOnlyAutocompleteSelect,
    AutocompleteSelectMultiple: IdsOnlyAutocompleteSelectMultiple,
}


def ids_only_autocomplete(field):
    """The form field's autocomplete widget (inside the admin's wrapper) made IdsOnly."""
    widget = getattr(field, "widget", None)
    widget = getattr(widget, "widget", widget)
    if type(widget) in IDS_ONLY:
        widget.__class__ = IDS_ONLY[type(widget)]
    return field
