"""What one learner's weekly digest says, from data already loaded (learning.digest.selectors):
per path they follow, what the coming week holds and what they finished last week.

The coming week is what their study group's schedule puts in the digest's Monday-to-Sunday
(the steps of the group weeks it overlaps) when they are an active member of an open group on
that path with a schedule; else the first week of what is left of their own plan
at their pace (the path page's and calendar's weeks); else, with no pace set, their next few
unfinished steps. No queries here: the digests of many learners are composed from one read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from ..estimates import hours_display
from ..group_schedule import steps_in_week, week_number
from ..models import Enrollment, StepStatus, StudyGroup
from ..plans import path_step_hours
from ..progress import PathState, StepState, path_state

# Without a pace there are no weeks to speak of: the digest lists this many next steps.
NEXT_STEPS = 3


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the (Monday-to-Sunday) week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class DigestStep:
    name: str
    hours: str  # as hours_display writes them
    status: str = ""  # "Done" or "Skipped" for a step of the group's week already finished


@dataclass
class PathDigest:
    title: str
    url: str  # the path page, absolute
    coming: list[DigestStep]
    coming_heading: str  # whose plan the coming week comes from, in words
    finished: list[DigestStep]


@dataclass
class Digest:
    user: object
    week: datetime.date  # the Monday of the week the digest covers
    paths: list[PathDigest] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        """Something planned or something finished: a digest with neither is not sent."""
        return any(p.coming or p.finished for p in self.paths)

    @property
    def week_end(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)


def _as_digest_steps(
    states: list[StepState], *, hours: list | None = None, with_status: bool = False
) -> list[DigestStep]:
    """The steps as the digest lists them, at their own estimate unless `hours` are given."""
    hours = hours if hours is not None else [s.estimate for s in states]
    return [
        DigestStep(
            name=s.step.display_name,
            hours=hours_display(h),
            status=StepStatus(s.status).label if with_status and s.finished else "",
        )
        for s, h in zip(states, hours, strict=True)
    ]


def _group_week(group: StudyGroup, steps: list[StepState], *, week: datetime.date):
    """The steps the group's schedule puts in the digest's Monday-to-Sunday from `week`, at the
    group's depth; None when it has none. Group weeks begin on the weekday the group started,
    so the digest's week overlaps two of them (or only the first, for a group starting within
    it): it lists the steps of both, in path order, each once."""
    sunday = week + datetime.timedelta(days=6)
    weeks = {week_number(group.start_date, week), week_number(group.start_date, sunday)}
    hours = path_step_hours([s.step for s in steps], path=group.path, depth=group.depth)
    indexes = sorted(
        {
            index
            for number in weeks
            for index in steps_in_week(hours, hours_per_week=group.hours_per_week, week=number)
        }
    )
    if not indexes:
        return None
    return _as_digest_steps(
        [steps[i] for i in indexes], hours=[hours[i] for i in indexes], with_status=True
    )


def _coming(
    state: PathState, group: StudyGroup | None, *, week: datetime.date
) -> tuple[list[DigestStep], str]:
    steps = [s for phase in state.phases for s in phase.steps]
    if group is not None:
        scheduled = _group_week(group, steps, week=week)
        if scheduled is not None:
            return scheduled, f"Coming week on the schedule of {group.name}"
    left = [s for s in steps if not s.finished]
    remaining = state.remaining
    if remaining is not None and remaining.blocks:
        pace = hours_display(remaining.hours_per_week)
        first = [left[i] for i in remaining.blocks[0].indexes]
        return _as_digest_steps(first), f"Coming week at your pace of {pace} a week"
    return _as_digest_steps(left[:NEXT_STEPS]), "Next up (you have set no weekly pace)"


def _finished_between(state: PathState, progress: dict, start, end) -> list[StepState]:
    """The path's steps Done or Skipped (and still so) between `start` and `end`."""
    finished = []
    for step_state in (s for phase in state.phases for s in phase.steps):
        row = progress.get(step_state.step.pk)
        when = row.completed_at if row is not None else None
        if step_state.finished and when is not None and start <= when < end:
            finished.append(step_state)
    return finished


def path_digest(
    enrollment: Enrollment,
    *,
    progress: dict[int, object],
    group: StudyGroup | None,
    week: datetime.date,
    last_week: tuple[datetime.datetime, datetime.datetime],
    url: str,
) -> PathDigest:
    """One path's part of the digest (its outline prefetched; `progress`: the learner's rows
    by step id; `week`: the Monday of the digest's week; `last_week`: the start and end of the
    previous Monday-to-Sunday)."""
    state = path_state(
        enrollment.path,
        depth=enrollment.depth,
        progress=progress,
        read_elsewhere={},
        hours_per_week=enrollment.hours_per_week,
    )
    finished = _finished_between(state, progress, *last_week)
    coming, heading = _coming(state, group, week=week)
    return PathDigest(
        title=enrollment.path.title,
        url=url,
        coming=coming,
        coming_heading=heading,
        finished=_as_digest_steps(finished, with_status=True),
    )
