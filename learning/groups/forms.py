"""Forms of the study group pages: each works as a plain HTML form without JavaScript."""

from django import forms

from ..models import DepthKey, GroupSharing, Path

NAME_HELP = "Shown to the group instead of your email address."


def _hours_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Weekly pace in hours (optional)",
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "e.g. 5"}),
    )


class ScheduleForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=100)
    depth = forms.ChoiceField(
        label="Depth", choices=DepthKey.choices, initial=DepthKey.THOROUGH, widget=forms.RadioSelect
    )
    start_date = forms.DateField(
        label="Start date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    hours_per_week = _hours_field()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the group a name.")
        return name


class GroupCreateForm(ScheduleForm):
    path = forms.ModelChoiceField(
        label="Path", queryset=Path.objects.none(), empty_label=None, to_field_name="slug"
    )
    display_name = forms.CharField(
        label="Your name in the group", max_length=60, help_text=NAME_HELP
    )

    field_order = ["path", "name", "display_name", "depth", "start_date", "hours_per_week"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        path = self.fields["path"]
        path.queryset = Path.objects.curated().published().order_by("number")
        # Read once: the select would read its choices again to decide on `required`.
        path.choices = list(iter(path.choices))  # (not list(): it would count them first)

    def clean_display_name(self):
        return _display_name(self.cleaned_data["display_name"])


def _display_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError("Give the name the group sees you by.")
    if "@" in name:
        raise forms.ValidationError("Use a name, not an email address.")
    return name


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label="Your name in the group", max_length=60, help_text=NAME_HELP
    )

    def clean_display_name(self):
        return _display_name(self.cleaned_data["display_name"])


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label="What this group sees of yours",
        choices=GroupSharing.choices,
        widget=forms.RadioSelect,
    )


class InviteForm(forms.Form):
    expires_in_days = forms.IntegerField(
        label="Link expires after (days, optional)",
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
