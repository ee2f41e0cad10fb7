"""Forms of the learner's pages: every one also works as a plain HTML form without JavaScript."""

from django import forms

from .models import DepthKey, StepStatus


class EnrollmentForm(forms.Form):
    depth = forms.ChoiceField(
        label="Depth",
        choices=DepthKey.choices,
        initial=DepthKey.THOROUGH,
        widget=forms.RadioSelect,
    )
    hours_per_week = forms.IntegerField(
        label="Hours per week (optional)",
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "e.g. 5"}),
    )


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(choices=StepStatus.choices)


class StepNoteForm(forms.Form):
    note = forms.CharField(
        label="Private note (Markdown)",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ShareForm(forms.Form):
    shared = forms.BooleanField(required=False)


class TickForm(forms.Form):
    ticked = forms.BooleanField(required=False)


class BuilderForm(forms.Form):
    """The builder's questions; choices come from curator-edited data."""

    background = forms.ChoiceField(label="Your background", widget=forms.RadioSelect)
    interests = forms.MultipleChoiceField(
        label="Your interests (any number)", required=False, widget=forms.CheckboxSelectMultiple
    )
    depth = forms.ChoiceField(
        label="Depth", choices=DepthKey.choices, initial=DepthKey.THOROUGH, widget=forms.RadioSelect
    )
    hours_per_week = forms.IntegerField(
        label="Hours per week", min_value=1, max_value=100, initial=5
    )
    known = forms.MultipleChoiceField(
        label="Papers you already know (left out)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project = forms.BooleanField(label="Include hands-on or research project work", required=False)

    def __init__(self, *args, library, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["background"].choices = [
            (key, title) for key, title in library.background_titles.items()
        ]
        self.fields["interests"].choices = list(library.topic_titles.items())
        self.fields["known"].choices = list(library.papers.items())

    def clean_known(self):
        known = self.cleaned_data["known"]
        if len(known) > len(self.fields["known"].choices):
            raise forms.ValidationError("Choose each paper at most once.")
        return known
