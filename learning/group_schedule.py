"""A group's schedule: where the group should be on a given day, from its start date and weekly
pace, over the step hours of the one estimate model (estimates.py, through plans.py).

Pure functions over plain numbers and dates: no ORM, no HTTP. Work flows from week to week at the
pace (as in estimates.schedule), after N whole weeks it has N weeks of hours done.
A member is judged by the hours of the steps they have finished (Done or Skipped), in any
order, against the hours the schedule has due by the end of the last whole week."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .estimates import ZERO, hours_display


class Standing:
    NOT_STARTED = "Starts soon"  # the group's start date is still ahead
    ON_TRACK = "On track"
    BEHIND = "Behind"
    FINISHED = "Finished"
    NO_SCHEDULE = ""  # the group has no start date or pace


def week_number(start: datetime.date, day: datetime.date) -> int:
    """The schedule's week `day` falls in: 1 from the start date for seven days, 0 before it."""
    if day < start:
        return 0
    return (day - start).days // 7 + 1


def hours_due(total: Decimal, *, start: datetime.date, hours_per_week: int, day: datetime.date):
    """Hours the schedule has done by the end of the last whole week before `day`."""
    whole_weeks = max(0, week_number(start, day) - 1)
    return min(Decimal(total), Decimal(hours_per_week) * whole_weeks)


def steps_in_week(hours: Sequence[Decimal], *, hours_per_week: int, week: int) -> list[int]:
    """Indexes of the steps (in path order) whose work falls in schedule week `week` (from 1):
    a step that starts in one week and ends in the next belongs to both."""
    if week < 1 or not hours_per_week:
        return []
    pace = Decimal(hours_per_week)
    week_start, week_end = pace * (week - 1), pace * week
    indexes, elapsed = [], ZERO
    for index, step in enumerate(hours):
        begins, ends = elapsed, elapsed + Decimal(step)
        elapsed = ends
        if begins < week_end and (ends > week_start or (step == 0 and begins == week_start)):
            indexes.append(index)
    return indexes


@dataclass(frozen=True)
class MemberStanding:
    label: str  # one of Standing's
    finished_hours: Decimal
    due_hours: Decimal

    @property
    def behind_by(self) -> Decimal:
        return max(ZERO, self.due_hours - self.finished_hours)

    @property
    def description(self) -> str:
        if self.label == Standing.BEHIND:
            return f"{hours_display(self.behind_by)} behind the schedule"
        return self.label


def member_standing(
    *,
    finished_hours: Decimal,
    total_hours: Decimal,
    start: datetime.date | None,
    hours_per_week: int | None,
    day: datetime.date,
) -> MemberStanding:
    """Where one member stands against the group's schedule on `day`."""
    finished_hours = Decimal(finished_hours)
    if total_hours and finished_hours >= total_hours:
        return MemberStanding(Standing.FINISHED, finished_hours, Decimal(total_hours))
    if start is None or not hours_per_week:
        return MemberStanding(Standing.NO_SCHEDULE, finished_hours, ZERO)
    if day < start:
        return MemberStanding(Standing.NOT_STARTED, finished_hours, ZERO)
    due = hours_due(total_hours, start=start, hours_per_week=hours_per_week, day=day)
    label = Standing.ON_TRACK if finished_hours >= due else Standing.BEHIND
    return MemberStanding(label, finished_hours, due)
