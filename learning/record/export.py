"""Exporting the learner record: everything a learner made, archived steps included, as plain
JSON-ready data in the shape `schema.py` declares.

Plain dicts rather than the schema's models: the file carries labels for people that the import
ignores (titles, phases), and its timestamps are written by `isoformat()` exactly as version 2
files always were.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.db.models import Prefetch
from django.utils import timezone

from ..models import (
    ChecklistTick,
    Enrollment,
    GroupMembership,
    Path,
    ProgressEvent,
    Step,
    StepPaper,
    StepProgress,
)
from ..plans import plan_key_of
from .schema import FORMAT, FORMAT_VERSION


def learner_export(*, user) -> dict:
    """Everything of the learner's, in nine queries whatever the amount of data (seven without
    personal paths). Lists are in a fixed order, so two exports of the same data differ only
    in `exported_at`."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": _account(user),
        "enrollments": _enrollments(user),
        "progress": _progress(user),
        "events": _events(user),
        "checklists": _checklists(user),
        "personal_paths": _personal_paths(user),
        "study_groups": _study_groups(user),
    }


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _path_rank(path: Path) -> tuple:
    """Curated paths in catalog order, then personal paths: the order of every list."""
    return (path.owner_id is not None, path.number, path.title, path.pk)


def _step_rank(step: Step) -> tuple:
    """The learner's order within a path: current steps as laid out, then archived ones."""
    if step.archived:
        return (True, 0, 0, step.slug)
    return (False, step.phase.position, step.position, step.slug)


def _account(user) -> dict:
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "email": user.email,
        "display_name": user.display_name,
        "joined": _when(user.date_joined),
        "emails": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in emails
        ],
    }


def _enrollments(user) -> list[dict]:
    enrollments = sorted(
        Enrollment.objects.filter(user=user).select_related("path"),
        key=lambda e: (e.started_at, _path_rank(e.path)),
    )
    return [
        {
            "path": e.path.slug,
            "path_title": e.path.title,
            "depth": e.depth,
            "hours_per_week": e.hours_per_week,
            "status": e.status,
            "started_at": _when(e.started_at),
            "completed_at": _when(e.completed_at),
            "updated_at": _when(e.updated_at),
            "shared": bool(e.share_token),  # never the link itself
        }
        for e in enrollments
    ]


def _progress(user) -> list[dict]:
    progress = sorted(
        StepProgress.objects.filter(user=user).select_related("step__path", "step__phase"),
        key=lambda p: (_path_rank(p.step.path), _step_rank(p.step)),
    )
    return [
        {
            "path": p.step.path.slug,
            "step": p.step.slug,
            "step_title": str(p.step),
            "phase": str(p.step.phase),
            "archived": p.step.archived,
            "status": p.status,
            "note": p.note,
            "started_at": _when(p.started_at),
            "completed_at": _when(p.completed_at),
            "updated_at": _when(p.updated_at),
        }
        for p in progress
    ]


def _events(user) -> list[dict]:
    events = sorted(
        ProgressEvent.objects.filter(user=user).select_related("step__path"),
        key=lambda e: (e.created_at, _path_rank(e.step.path), e.step.slug, e.status),
    )
    return [
        {
            "path": e.step.path.slug,
            "step": e.step.slug,
            "status": e.status,
            "created_at": _when(e.created_at),
        }
        for e in events
    ]


def _checklists(user) -> list[dict]:
    ticks = sorted(
        ChecklistTick.objects.filter(user=user).select_related("item__checklist"),
        key=lambda t: (
            t.item.checklist.position,
            t.item.checklist.slug,
            t.item.position,
            t.item.slug,
        ),
    )
    return [
        {
            "checklist": t.item.checklist.slug,
            "item": t.item.slug,
            "checklist_title": t.item.checklist.title,
            "item_text": t.item.text,
            "ticked_at": _when(t.ticked_at),
        }
        for t in ticks
    ]


def _personal_paths(user) -> list[dict]:
    step_papers = StepPaper.objects.select_related("paper").order_by("position", "pk")
    steps = Step.objects.select_related("phase").prefetch_related(
        Prefetch("step_papers", queryset=step_papers)
    )
    paths = sorted(
        Path.objects.filter(owner=user).prefetch_related(Prefetch("steps", queryset=steps)),
        key=_path_rank,
    )
    return [
        {
            "slug": path.slug,
            "title": path.title,
            "answers": path.builder_answers or {},
            "edits": _edits(path.builder_edits),
            "steps": [_personal_step(step) for step in sorted(path.steps.all(), key=_step_rank)],
        }
        for path in paths
    ]


def _edits(value) -> dict:
    """The builder's edits in full, whatever an older path stored."""
    value = value if isinstance(value, dict) else {}
    return {
        "added": list(value.get("added", [])),
        "removed": list(value.get("removed", [])),
        "reordered": bool(value.get("reordered", False)),
    }


def _personal_step(step: Step) -> dict:
    return {
        "slug": step.slug,
        "title": step.title,
        "body": step.body,
        "key_takeaway": step.key_takeaway,
        "reason": step.reason,
        "papers": [link.paper.slug for link in step.step_papers.all()],
        "key": plan_key_of(step),
        "archived": step.archived,
    }


def _study_groups(user) -> list[dict]:
    """The learner's study groups, for reading only (never imported: a group is other
    learners' too): the group, its path, the learner's name, role and sharing there."""
    memberships = GroupMembership.objects.filter(user=user).select_related("group__path")
    return [
        {
            "group": m.group.name,
            "path": m.group.path.slug,
            "path_title": m.group.path.title,
            "display_name": m.display_name,
            "role": m.role,
            "sharing": m.sharing,
            "state": m.state,
            "joined_at": _when(m.joined_at),
            "left_at": _when(m.left_at),
        }
        for m in memberships.order_by("joined_at", "pk")
    ]
