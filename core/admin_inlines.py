"""The admin's inline forms: bounded in size, labelled row by row, and with autocomplete
fields whose chosen options are loaded once per request."""

from django.contrib.admin.widgets import AutocompleteSelect

from .admin_labels import labelled_formset

# More than any phase, path or paper has: the roadmap's largest has a few dozen.
INLINE_ROWS = 200


class BoundedInlineMixin:
    """At most INLINE_ROWS rows in one form: a hand-made POST claiming a million rows is cut
    there (Django's own bound is 1,000 more than max_num, each row rendered back on an error)."""

    max_num = INLINE_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", INLINE_ROWS)
        return labelled_formset(super().get_formset(request, obj, **kwargs))


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select whose chosen option comes from a mapping loaded once per request,
    instead of one query per inline row."""

    preloaded: dict = {}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in chosen:
            obj = self.preloaded.get(key)
            if obj is not None:
                label = self.choices.field.label_from_instance(obj)
                options.append(self.create_option(name, obj.pk, label, set(chosen), len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteInlineMixin(BoundedInlineMixin):
    """Inline rows with autocomplete fields cost one query per request, not one per row."""

    def get_queryset(self, request):
        related = [f.name for f in self.model._meta.get_fields() if f.many_to_one]
        return super().get_queryset(request).select_related(*related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.autocomplete_fields:
            cache = request.__dict__.setdefault("_preloaded_choices", {})
            model = db_field.remote_field.model
            if model not in cache:
                cache[model] = {str(obj.pk): obj for obj in field.queryset}
            widget = getattr(field.widget, "widget", field.widget)
            widget.__class__ = PreloadedAutocompleteSelect
            widget.preloaded = cache[model]
        return field
