"""Writes of learners' data: enrolments, step progress, notes, checklists, sharing, accounts.

Every function is keyword-only and atomic. Callers pass objects they have already scoped to the
learner (views look them up with the owner in the query), and these functions never widen that.
Each locks the learner's account row first (accounts.learner_version.learner_lock), so one
learner's concurrent writes take turns instead of deadlocking.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.learner_version import learner_lock
from accounts.services import user_delete

from .curators import CURATORS_GROUP, curator_permission_codenames
from .groups.services import memberships_end_for_account
from .models import (
    FINISHED_STATUSES,
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    EnrollmentStatus,
    Path,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)
from .plans import personal_path_regroup


@transaction.atomic
def enrollment_create(
    *, user, path: Path, depth: str, hours_per_week: int | None = None, lay_out: bool = True
) -> tuple[Enrollment, bool]:
    """Start a path; starting one already started only updates the chosen depth and pace. A
    personal path's weeks are laid out at them (unless the caller does it, `lay_out=False`)."""
    learner_lock(user)
    enrollment, created = Enrollment.objects.get_or_create(
        user=user, path=path, defaults={"depth": depth, "hours_per_week": hours_per_week}
    )
    if not created:
        enrollment_update(enrollment=enrollment, depth=depth, hours_per_week=hours_per_week)
    elif lay_out and path.is_personal:
        _lay_out_personal_path(enrollment)
    return enrollment, created


def _lay_out_personal_path(enrollment: Enrollment) -> None:
    """Weeks of a personal path at the learner's depth and pace (the plan's own pace when they
    have not set one), remembered by the plan so that a re-plan starts from them."""
    path = enrollment.path
    answers = dict(path.builder_answers or {})
    pace = enrollment.hours_per_week or answers.get("hours_per_week") or 5
    answers.update(depth=enrollment.depth, hours_per_week=pace)
    path.builder_answers = answers
    path.save(update_fields=["builder_answers"])
    personal_path_regroup(path=path, depth=enrollment.depth, hours_per_week=pace)


@transaction.atomic
def enrollment_update(*, enrollment: Enrollment, depth: str, hours_per_week: int | None) -> None:
    """Change the depth and pace. A personal path's weeks are laid out again at them, and its
    plan remembers them, so the builder, the path page and the calendar keep agreeing."""
    learner_lock(enrollment.user)
    if (enrollment.depth, enrollment.hours_per_week) == (depth, hours_per_week):
        return
    enrollment.depth = depth
    enrollment.hours_per_week = hours_per_week
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["depth", "hours_per_week", "updated_at"])
    if enrollment.path.is_personal:
        _lay_out_personal_path(enrollment)


@transaction.atomic
def enrollment_set_paused(*, enrollment: Enrollment, paused: bool) -> None:
    learner_lock(enrollment.user)
    enrollment.status = EnrollmentStatus.PAUSED if paused else EnrollmentStatus.ACTIVE
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def enrollment_restart(*, enrollment: Enrollment) -> int:
    """Start a path again: every status of its current steps back to Not started, each change
    kept in the history; notes, steps no longer on the path and the start date stay. Returns
    how many steps changed."""
    learner_lock(enrollment.user)
    rows = list(
        StepProgress.objects.select_for_update()
        .filter(user=enrollment.user, step__path=enrollment.path, step__archived=False)
        .exclude(status=StepStatus.NOT_STARTED)
    )
    now = timezone.now()
    for row in rows:
        row.status = StepStatus.NOT_STARTED
        row.started_at = row.completed_at = None
        row.updated_at = now
    StepProgress.objects.bulk_update(rows, ["status", "started_at", "completed_at", "updated_at"])
    ProgressEvent.objects.bulk_create(
        ProgressEvent(
            user=enrollment.user, step_id=row.step_id, status=StepStatus.NOT_STARTED, created_at=now
        )
        for row in rows
    )
    enrollment.completed_at = None
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.updated_at = now
    enrollment.save(update_fields=["completed_at", "status", "updated_at"])
    return len(rows)


@transaction.atomic
def enrollment_reset(*, enrollment: Enrollment) -> int:
    """Forget every status and note of this learner on this path. Returns rows removed."""
    learner_lock(enrollment.user)
    steps = Step.objects.filter(path=enrollment.path)
    ProgressEvent.objects.filter(user=enrollment.user, step__in=steps).delete()
    removed, _ = StepProgress.objects.filter(user=enrollment.user, step__in=steps).delete()
    enrollment.completed_at = None
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["completed_at", "status", "updated_at"])
    return removed


@transaction.atomic
def enrollment_leave(*, enrollment: Enrollment) -> None:
    """Stop following a path. Statuses and notes stay, so starting it again picks them up."""
    learner_lock(enrollment.user)
    enrollment.delete()


@transaction.atomic
def enrollment_sharing_set(*, enrollment: Enrollment, shared: bool) -> None:
    """Turn the read-only progress page on (with a new, unguessable link) or off. Turning it
    on when it is on keeps the link people already have."""
    learner_lock(enrollment.user)
    if shared == bool(enrollment.share_token):
        return
    enrollment.share_token = secrets.token_urlsafe(24) if shared else None
    enrollment.save(update_fields=["share_token"])


def _refresh_completion(enrollment: Enrollment) -> None:
    steps = Step.objects.current().filter(path_id=enrollment.path_id)
    total = steps.count()
    finished = StepProgress.objects.filter(
        user=enrollment.user, step__in=steps, status__in=FINISHED_STATUSES
    ).count()
    complete = total > 0 and finished == total
    if complete and enrollment.completed_at is None:
        enrollment.completed_at = timezone.now()
        enrollment.save(update_fields=["completed_at"])
    elif not complete and enrollment.completed_at is not None:
        enrollment.completed_at = None
        enrollment.save(update_fields=["completed_at"])


def _locked_progress(*, user, step: Step) -> StepProgress:
    """The learner's row for this step, created if missing and locked for this transaction
    (the caller holds the learner's lock, so their own requests already take turns).

    SELECT … FOR UPDATE, and if there is no row, INSERT … ON CONFLICT DO NOTHING and select
    again: concurrent requests for the same step (double clicks, two tabs) end up with one row,
    and none fails, even a writer that did not take the learner's lock.
    """
    rows = StepProgress.objects.select_for_update()
    progress = rows.filter(user=user, step=step).first()
    if progress is None:
        StepProgress.objects.bulk_create(
            [StepProgress(user=user, step=step)], ignore_conflicts=True
        )
        progress = rows.get(user=user, step=step)
    return progress


def step_progress_set(*, enrollment: Enrollment, step: Step, status: str) -> StepProgress:
    """Set a step's status for the enrolled learner; the same status twice changes nothing (a
    double click or a retried POST finds it set with one read, and writes nothing)."""
    if step.path_id != enrollment.path_id:
        raise ValueError("The step is not on the enrolment's path.")
    status = StepStatus(status)
    progress = StepProgress.objects.filter(user=enrollment.user, step=step).first()
    if progress is not None and progress.status == status:
        return progress
    return _step_progress_change(enrollment=enrollment, step=step, status=status)


@transaction.atomic
def _step_progress_change(*, enrollment: Enrollment, step: Step, status: StepStatus):
    learner_lock(enrollment.user)
    progress = _locked_progress(user=enrollment.user, step=step)
    if progress.status == status:  # set meanwhile, by another tab
        return progress
    now = timezone.now()
    progress.status = status
    if status == StepStatus.NOT_STARTED:
        progress.started_at = progress.completed_at = None
    else:
        progress.started_at = progress.started_at or now
        progress.completed_at = now if status in FINISHED_STATUSES else None
    progress.save(update_fields=["status", "started_at", "completed_at", "updated_at"])
    ProgressEvent.objects.create(user=enrollment.user, step=step, status=status, created_at=now)
    _refresh_completion(enrollment)
    return progress


@dataclass
class PaperMarked:
    changed: int  # steps now Done that were not
    # Steps in progress or skipped, left as they were because the learner has not confirmed
    # that reading the paper overrides them.
    to_confirm: list[Step]


@transaction.atomic
def paper_mark_read(*, user, paper, override: bool = False) -> PaperMarked:
    """Mark a paper as read: every current step using it on the paths the learner follows is
    Done, each change in the history like a click on Done. A step in progress or skipped is
    only overridden with `override`; without it, nothing changes and those steps are returned.
    Marking it again changes nothing."""
    learner_lock(user)
    enrollments = {e.path_id: e for e in Enrollment.objects.filter(user=user)}
    steps = list(
        Step.objects.current()
        .filter(step_papers__paper=paper, path_id__in=list(enrollments))
        .select_related("path")
        .order_by("path__number", "path__title", "phase__position", "position")
    )
    statuses = dict(
        StepProgress.objects.filter(user=user, step__in=steps).values_list("step_id", "status")
    )
    unread = (StepStatus.NOT_STARTED, StepStatus.DONE)
    to_confirm = [s for s in steps if statuses.get(s.pk, StepStatus.NOT_STARTED) not in unread]
    if to_confirm and not override:
        return PaperMarked(changed=0, to_confirm=to_confirm)
    changed = 0
    for step in steps:
        if statuses.get(step.pk) == StepStatus.DONE:
            continue
        enrollment = enrollments[step.path_id]
        enrollment.user = user
        _step_progress_change(enrollment=enrollment, step=step, status=StepStatus.DONE)
        changed += 1
    return PaperMarked(changed=changed, to_confirm=[])


@transaction.atomic
def step_note_set(*, enrollment: Enrollment, step: Step, note: str) -> StepProgress:
    learner_lock(enrollment.user)
    if step.path_id != enrollment.path_id:
        raise ValueError("The step is not on the enrolment's path.")
    progress = _locked_progress(user=enrollment.user, step=step)
    note = note.replace("\r\n", "\n").strip()
    if progress.note != note:
        progress.note = note
        progress.save(update_fields=["note", "note_html", "updated_at"])
    return progress


@transaction.atomic
def checklist_tick_set(*, user, item: ChecklistItem, ticked: bool) -> None:
    learner_lock(user)
    if ticked:
        ChecklistTick.objects.bulk_create(
            [ChecklistTick(user=user, item=item)], ignore_conflicts=True
        )
    else:
        ChecklistTick.objects.filter(user=user, item=item).delete()


@transaction.atomic
def account_delete(*, user) -> None:
    """Delete a learner's account and every row of theirs: enrolments, progress, notes, history,
    ticks, personal paths, email addresses. Progress and its history go first: they protect
    steps from deletion, and the personal paths' steps go with the account. Groups the learner
    alone organises pass to their longest-standing member (or close) first, group row before
    account row, as the group services lock them."""
    memberships_end_for_account(user=user)
    learner_lock(user)
    ProgressEvent.objects.filter(user=user).delete()
    StepProgress.objects.filter(user=user).delete()
    Enrollment.objects.filter(user=user).delete()
    user_delete(user=user)


def curators_group() -> Group:
    """The Curators group with exactly the content permissions. A migration makes it; should it
    be gone (deleted by hand, a flushed database), it is made again here, never half-made."""
    group, created = Group.objects.get_or_create(name=CURATORS_GROUP)
    if created:
        wanted = Q()
        for app, codename in curator_permission_codenames():
            wanted |= Q(content_type__app_label=app, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def curator_set(*, user, curator: bool) -> None:
    """Put a user in the Curators group with admin access, or take both away (a superuser
    keeps admin access)."""
    group = curators_group()
    if curator:
        user.groups.add(group)
        user.is_staff = True
    else:
        user.groups.remove(group)
        user.is_staff = user.is_superuser
    user.save(update_fields=["is_staff"])


@transaction.atomic
def completion_refresh(*, paths) -> None:
    """Recompute completion of every enrolment on these paths (after steps were archived,
    restored or added), so "completed" always means every current step is finished."""
    for enrollment in Enrollment.objects.filter(path__in=paths).select_related("path"):
        _refresh_completion(enrollment)


@transaction.atomic
def steps_set_archived(*, steps, archived: bool) -> int:
    """Archive steps (hidden from their path; learners keep their records) or restore them.
    Saved one by one so each change is in the content history. Returns how many changed."""
    changed = [step for step in steps if step.archived != archived]
    for step in changed:
        step.archived = archived
        step.save(update_fields=["archived"])
    completion_refresh(paths={step.path_id for step in changed})
    return len(changed)
