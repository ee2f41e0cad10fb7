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
