"""Reads of paths and learners' progress that join several models, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.db.models.functions import TruncDate
from django.utils import timezone

from papers.models import Paper

from .models import (
    Checklist,
    ChecklistTick,
    Enrollment,
    Path,
    Phase,
    ProgressEvent,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from .progress import PathState, activity_summary, path_state


def _phases_with_current_steps(user) -> Prefetch:
    step_papers = StepPaper.objects.filter(paper__in=Paper.objects.visible_to(user)).select_related(
        "paper"
    )
    steps = (
        Step.objects.current()
        .order_by("position")
        .prefetch_related(Prefetch("step_papers", queryset=step_papers))
    )
    return Prefetch(
        "phases",
        queryset=Phase.objects.order_by("position").prefetch_related(
            Prefetch("steps", queryset=steps)
        ),
    )


def path_outline(*, slug: str, user) -> Path:
    """A visible path with its phases, current steps in order, their visible papers, sections."""
    return (
        Path.objects.visible_to(user)
        .prefetch_related(_phases_with_current_steps(user), "sections")
        .get(slug=slug)
    )


def catalog_paths(*, user):
    return Path.objects.curated().visible_to(user).order_by("number", "title")


def papers_read_elsewhere(*, user, path: Path) -> dict[int, list[str]]:
    """Paper id → titles of the learner's other paths where a step covering it is Done."""
    rows = (
        StepPaper.objects.filter(step__progress__user=user, step__progress__status=StepStatus.DONE)
        .exclude(step__path=path)
        .values_list("paper_id", "step__path__title")
        .distinct()
    )
    read: dict[int, list[str]] = {}
    for paper_id, title in rows:
        read.setdefault(paper_id, []).append(title)
    return read


@dataclass
class LearnerView:
    enrollment: Enrollment | None
    state: PathState


def learner_path(*, path: Path, user) -> LearnerView:
    """The learner's enrolment (if any) and progress on an outlined path: three queries."""
    enrollment = None
    progress: dict[int, StepProgress] = {}
    read: dict[int, list[str]] = {}
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, path=path).first()
        progress = {
            row.step_id: row for row in StepProgress.objects.filter(user=user, step__path=path)
        }
        read = papers_read_elsewhere(user=user, path=path)
    depth = enrollment.depth if enrollment else "thorough"
    return LearnerView(
        enrollment=enrollment,
        state=path_state(path, depth=depth, progress=progress, read_elsewhere=read),
    )


@dataclass
class DashboardEntry:
    enrollment: Enrollment
    state: PathState


@dataclass
class Dashboard:
    entries: list[DashboardEntry]
    recent: list[ProgressEvent]
    days_this_week: int
    streak: int
    checklists: list[Checklist]
    ticked: set[int]


def dashboard(*, user, recent_count: int = 10) -> Dashboard:
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("path")
        .prefetch_related(
            Prefetch(
                "path__phases",
                queryset=_phases_with_current_steps(user).queryset,
            )
        )
        .order_by("status", "-started_at")
    )
    progress = {
        row.step_id: row
        for row in StepProgress.objects.filter(
            user=user, step__path__in=[e.path_id for e in enrollments]
        )
    }
    entries = [
        DashboardEntry(
            enrollment=e,
            state=path_state(e.path, depth=e.depth, progress=progress, read_elsewhere={}),
        )
        for e in enrollments
    ]
    recent = list(
        ProgressEvent.objects.filter(user=user)
        .select_related("step__path", "step__phase")
        .order_by("-created_at")[:recent_count]
    )
    today = timezone.localdate()
    since = today - datetime.timedelta(days=400)
    days = set(
        ProgressEvent.objects.filter(user=user, created_at__date__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    this_week, streak = activity_summary(days, today)
    return Dashboard(
        entries=entries,
        recent=recent,
        days_this_week=this_week,
        streak=streak,
        checklists=list(Checklist.objects.prefetch_related("items")),
        ticked=set(ChecklistTick.objects.filter(user=user).values_list("item_id", flat=True)),
    )


def learner_export(*, user) -> dict:
    """Everything of the learner's, archived steps included, as plain data (JSON-ready)."""
    enrollments = Enrollment.objects.filter(user=user).select_related("path").order_by("started_at")
    progress = (
        StepProgress.objects.filter(user=user)
        .select_related("step__path", "step__phase")
        .order_by("step__path__number", "step__phase__position", "step__position")
    )
    ticks = ChecklistTick.objects.filter(user=user).select_related("item__checklist")

    def when(value):
        return value.isoformat() if value else None

    return {
        "format": "learning-roadmap-learner/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "joined": when(user.date_joined),
        },
        "enrollments": [
            {
                "path": e.path.slug,
                "path_title": e.path.title,
                "depth": e.depth,
                "hours_per_week": e.hours_per_week,
                "status": e.status,
                "started_at": when(e.started_at),
                "completed_at": when(e.completed_at),
                "shared": bool(e.share_token),
            }
            for e in enrollments
        ],
        "steps": [
            {
                "path": p.step.path.slug,
                "phase": f"{p.step.phase.label}: {p.step.phase.title}",
                "step": p.step.slug,
                "step_title": str(p.step),
                "archived": p.step.archived,
                "status": p.status,
                "note": p.note,
                "started_at": when(p.started_at),
                "completed_at": when(p.completed_at),
                "updated_at": when(p.updated_at),
            }
            for p in progress
        ],
        "checklists": [
            {
                "checklist": t.item.checklist.title,
                "item": t.item.text,
                "ticked_at": when(t.ticked_at),
            }
            for t in ticks
        ],
    }


def learners_with_progress(*, steps) -> int:
    """How many learners have a status or note on any of these steps."""
    return StepProgress.objects.filter(step__in=steps).values("user").distinct().count()
