"""Reads of paths that join several models, each in a fixed number of queries."""

from django.db.models import Prefetch

from papers.models import Paper

from .models import Path, Phase, Step, StepPaper


def path_outline(*, slug: str, user) -> Path:
    """A visible path with its phases, steps (in order), their visible papers and its sections."""
    step_papers = StepPaper.objects.filter(paper__in=Paper.objects.visible_to(user)).select_related(
        "paper"
    )
    steps = Step.objects.order_by("position").prefetch_related(
        Prefetch("step_papers", queryset=step_papers)
    )
    phases = Phase.objects.order_by("position").prefetch_related(Prefetch("steps", queryset=steps))
    return (
        Path.objects.visible_to(user)
        .prefetch_related(Prefetch("phases", queryset=phases), "sections")
        .get(slug=slug)
    )


def catalog_paths(*, user):
    return Path.objects.visible_to(user).order_by("number", "title")
