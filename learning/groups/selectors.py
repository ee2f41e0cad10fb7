"""Reads of study groups: the viewer's membership, their groups, and the group's board
(members by phases, or by steps, with the schedule and recent activity) in a fixed number of
queries whatever the number of members or steps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import blake2b

from django.db.models import Case, F, Prefetch, TextField, Value, When
from django.http import Http404
from django.utils import timezone

from core.content_version import content_version_and

from ..estimates import ZERO
from ..group_schedule import MemberStanding, member_standing, steps_in_week, week_number
from ..models import (
    FINISHED_STATUSES,
    GroupMembership,
    MembershipRole,
    MembershipState,
    Phase,
    ProgressEvent,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
    StudyGroup,
)
from ..plans import path_step_hours

RECENT_ACTIVITY = 20
STATUS_LABELS = dict(StepStatus.choices)


def own_membership(*, user, pk: int) -> GroupMembership:
    """The viewer's active membership of group `pk`, with the group and its path (one query);
    Http404 for everyone else (a non-member, an ex-member, an anonymous visitor), so that a
    group's existence is never revealed."""
    if not user.is_authenticated:
        raise Http404("No such group.")
    membership = (
        GroupMembership.objects.select_related("group__path")
        .filter(group_id=pk, user=user, state=MembershipState.ACTIVE)
        .first()
    )
    if membership is None:
        raise Http404("No such group.")
    return membership


# The viewer's active membership of the group (no row for anyone else), the group's own fields,
# and each current member's row and learner version in one digest.
_BOARD_VERSION = f"""
    SELECT v.id, g.name, g.path_id, g.depth, g.start_date, g.hours_per_week, g.invite_token,
           g.invite_expires_at, g.closed_at,
           (SELECT md5(string_agg(concat_ws('|', m.id, m.display_name, m.role, m.sharing,
                                            u.data_version), ',' ORDER BY m.id))
            FROM learning_groupmembership AS m JOIN accounts_user AS u ON u.id = m.user_id
            WHERE m.group_id = g.id AND m.state = '{MembershipState.ACTIVE.value}')
    FROM learning_groupmembership AS v JOIN learning_studygroup AS g ON g.id = v.group_id
    WHERE v.group_id = %s AND v.user_id = %s AND v.state = '{MembershipState.ACTIVE.value}'
"""


def board_version(request, *, pk: int) -> str:
    """What group `pk`'s board is made of, besides content, as one short string: the group's
    own fields, and each current member's row and learner version, which PostgreSQL changes with
    every status, note or enrolment of theirs (accounts.learner_version). Read in one query with
    the content version and the check that the visitor is a current member (else Http404, as
    `own_membership`). A board kept under both versions is never older than what a request
    would read."""
    if not request.user.is_authenticated:
        raise Http404("No such group.")
    row = content_version_and(request, _BOARD_VERSION, [pk, request.user.pk])
    if row is None:
        raise Http404("No such group.")
    return blake2b(repr(row).encode(), digest_size=16).hexdigest()


def current_members(*, group: StudyGroup) -> list[GroupMembership]:
    """The group's current members, by the names the group sees (one query)."""
    return list(
        GroupMembership.objects.filter(group=group, state=MembershipState.ACTIVE).order_by(
            "display_name", "pk"
        )
    )


def own_groups(*, user) -> list[GroupMembership]:
    """The learner's current memberships, with their groups and paths, open groups first."""
    return list(
        GroupMembership.objects.select_related("group__path")
        .filter(user=user, state=MembershipState.ACTIVE)
        .order_by(F("group__closed_at").asc(nulls_first=True), "group__name", "pk")
    )


@dataclass
class Cell:
    """One member on one phase (or step): how many steps are finished, and a status word."""

    finished: int
    total: int
    status: str  # Not started / In progress / Done (a step: its own status's label)

    @property
    def fraction(self) -> str:
        return f"{self.finished}/{self.total}"


@dataclass
class MemberRow:
    membership: GroupMembership
    phases: list[Cell]
    steps: list[Cell]
    finished_steps: int
    standing: MemberStanding


@dataclass
class SharedNote:
    member: str
    step: Step
    note_html: str


@dataclass
class Activity:
    member: str
    step: Step
    status: str
    created_at: datetime.datetime


@dataclass
class Board:
    group: StudyGroup
    viewer: GroupMembership
    phases: list[Phase]
    steps: list[Step]
    hours: list[Decimal]
    total_hours: Decimal
    rows: list[MemberRow]
    recent: list[Activity]
    notes: list[SharedNote]
    week: int = 0  # the schedule's week today; 0 before the start date (or without a schedule)
    this_week: list[Step] = field(default_factory=list)  # before the start: week 1's

    @property
    def organisers(self) -> list[MemberRow]:
        return [row for row in self.rows if row.membership.role == MembershipRole.ORGANISER]


def _steps(group: StudyGroup) -> list[Step]:
    """The path's current steps in reading order, with phases and papers (two queries)."""
    papers = StepPaper.objects.select_related("paper").order_by("position")
    steps = list(
        Step.objects.current()
        .filter(path_id=group.path_id)
        .select_related("phase")
        .prefetch_related(Prefetch("step_papers", queryset=papers))
        .order_by("phase__position", "position", "pk")
    )
    for step in steps:  # their addresses name the path: not read again per step
        step.path = step.phase.path = group.path
    return steps


def _statuses(members, steps) -> dict[tuple[int, int], tuple[str, str]]:
    """(user, step) → (status, note HTML): notes only of members who share them, never read
    from the database for the others."""
    sharers = [m.user_id for m in members if m.shares_notes]
    rows = (
        StepProgress.objects.filter(
            user_id__in=[m.user_id for m in members], step_id__in=[s.pk for s in steps]
        )
        .annotate(
            shared_note=Case(
                When(user_id__in=sharers, then=F("note_html")),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .order_by()  # the model's ordering would join accounts, paths and phases
        .values_list("user_id", "step_id", "status", "shared_note")
    )
    return {(user, step): (status, note) for user, step, status, note in rows}


def _phase_cell(statuses: list[str]) -> Cell:
    finished = sum(status in FINISHED_STATUSES for status in statuses)
    if finished == len(statuses) and statuses:
        word = STATUS_LABELS[StepStatus.DONE]
    elif any(status != StepStatus.NOT_STARTED for status in statuses):
        word = STATUS_LABELS[StepStatus.IN_PROGRESS]
    else:
        word = STATUS_LABELS[StepStatus.NOT_STARTED]
    return Cell(finished, len(statuses), word)


def _row(membership, phases, steps, hours, statuses, *, group, total, day) -> MemberRow:
    own = [statuses.get((membership.user_id, s.pk), (StepStatus.NOT_STARTED, ""))[0] for s in steps]
    step_cells = [Cell(int(st in FINISHED_STATUSES), 1, STATUS_LABELS[st]) for st in own]
    phase_cells = [
        _phase_cell([st for st, s in zip(own, steps, strict=True) if s.phase_id == phase.pk])
        for phase in phases
    ]
    finished_hours = sum(
        (h for h, st in zip(hours, own, strict=True) if st in FINISHED_STATUSES), ZERO
    )
    standing = member_standing(
        finished_hours=finished_hours,
        total_hours=total,
        start=group.start_date,
        hours_per_week=group.hours_per_week,
        day=day,
    )
    finished = sum(cell.finished for cell in step_cells)
    return MemberRow(membership, phase_cells, step_cells, finished, standing)


def _recent(group, members, steps_by_pk) -> list[Activity]:
    names = {m.user_id: m.display_name for m in members}
    events = (
        ProgressEvent.objects.filter(user_id__in=list(names), step_id__in=list(steps_by_pk))
        .order_by("-created_at", "-pk")
        .values_list("user_id", "step_id", "status", "created_at")[:RECENT_ACTIVITY]
    )
    return [
        Activity(names[user], steps_by_pk[step], STATUS_LABELS[status], at)
        for user, step, status, at in events
    ]


def group_board(*, viewer: GroupMembership, day: datetime.date | None = None) -> Board:
    """The group's board for one of its members: 5 queries whatever the group's size (members;
    steps; their papers; statuses and shared notes; recent activity)."""
    group = viewer.group
    day = day or timezone.localdate()
    members = current_members(group=group)
    steps = _steps(group)
    phases = list({step.phase_id: step.phase for step in steps}.values())
    hours = path_step_hours(steps, path=group.path, depth=group.depth) if steps else []
    total = sum(hours, ZERO)
    statuses = _statuses(members, steps)
    rows = [
        _row(m, phases, steps, hours, statuses, group=group, total=total, day=day) for m in members
    ]
    names = {m.user_id: m.display_name for m in members}
    notes = [
        SharedNote(names[m.user_id], step, statuses[(m.user_id, step.pk)][1])
        for m in members
        for step in steps
        if m.shares_notes and statuses.get((m.user_id, step.pk), ("", ""))[1]
    ]
    board = Board(
        group, viewer, phases, steps, hours, total, rows,
        _recent(group, members, {s.pk: s for s in steps}), notes,
    )  # fmt: skip
    if group.has_schedule:
        board.week = week_number(group.start_date, day)  # 0 before the start date
        # Before the start, the board shows what week 1 holds: what to read first.
        week = max(board.week, 1)
        indexes = steps_in_week(hours, hours_per_week=group.hours_per_week, week=week)
        board.this_week = [steps[i] for i in indexes]
    return board
