"""How far a learner is along a path: counts, hours left, weeks left, the next step. Pure
functions over objects already loaded, so pages that show progress add no queries for it.
Hours and weeks come from the one estimate model (estimates.py, through plans.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from .estimates import Schedule, WeekBlock, hours_display, schedule
from .models import FINISHED_STATUSES, DepthKey, StepStatus
from .plans import path_step_hours

ZERO = Decimal(0)


@dataclass
class StepState:
    step: object
    status: str = StepStatus.NOT_STARTED
    note: str = ""
    note_html: str = ""
    estimate: Decimal = ZERO
    is_next: bool = False
    read_in: list[str] = field(default_factory=list)
    papers: list = field(default_factory=list)  # the step's papers this visitor may see

    @property
    def status_label(self) -> str:
        return StepStatus(self.status).label

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def done(self) -> bool:
        return self.status == StepStatus.DONE


@dataclass
class Tally:
    """Counts for a path or a phase: done of total steps, finished (done or skipped), hours left."""

    done: int = 0
    finished: int = 0
    total: int = 0
    hours_left: Decimal = ZERO

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.finished == self.total

    def add(self, state: StepState) -> None:
        self.total += 1
        self.done += state.done
        self.finished += state.finished
        if not state.finished:
            self.hours_left += state.estimate

    @property
    def hours_left_display(self) -> str:
        return hours_display(self.hours_left)


@dataclass
class PhaseState:
    phase: object
    steps: list[StepState]
    tally: Tally
    # As shown: a curated phase's own words; a personal path's week and hours from the one
    # estimate model at the learner's depth and pace, whatever was stored when it was laid out.
    label: str = ""
    duration: str = ""
    goal: str = ""


@dataclass
class PathState:
    phases: list[PhaseState]
    tally: Tally
    next_step: StepState | None
    # What is left, laid out at the learner's pace from today: weeks and a finish date.
    remaining: Schedule | None = None
    # A personal path's hours at each depth, from its steps (curated paths have their own).
    hours_by_depth: list | None = None

    @property
    def total_hours_display(self) -> str:
        return hours_display(sum((s.estimate for p in self.phases for s in p.steps), ZERO))


def path_state(
    path,
    *,
    depth: str,
    progress: dict[int, object],
    read_elsewhere: dict[int, list[str]],
    hours_per_week: int | None = None,
    show_drafts: bool = False,
) -> PathState:
    """Progress of one learner on `path` (phases and current steps already prefetched).

    `progress` maps step id to the learner's StepProgress; `read_elsewhere` maps paper id to the
    titles of other paths in which the learner has a Done step covering that paper. Draft papers
    count towards hours but are listed only with `show_drafts` (for curators).
    """
    phases = list(path.phases.all())
    all_steps = [step for phase in phases for step in phase.steps.all()]
    hours = path_step_hours(all_steps, path=path, depth=depth)
    estimates = dict(zip((s.pk for s in all_steps), hours, strict=True))
    path_tally = Tally()
    phase_states = []
    next_step = None
    for phase in phases:
        tally = Tally()
        states = []
        for step in phase.steps.all():
            state = _step_state(
                step,
                progress.get(step.pk),
                estimate=estimates.get(step.pk, ZERO),
                read_elsewhere=read_elsewhere,
                show_drafts=show_drafts,
            )
            if next_step is None and not state.finished:
                state.is_next = True
                next_step = state
            tally.add(state)
            path_tally.add(state)
            states.append(state)
        phase_states.append(
            PhaseState(
                phase=phase,
                steps=states,
                tally=tally,
                label=phase.label,
                duration=phase.duration,
                goal=phase.goal,
            )
        )
    hours_by_depth, pace = None, hours_per_week
    if path.is_personal:
        pace, hours_by_depth = _as_planned(path, phase_states, all_steps, hours_per_week)
    left = [s.estimate for p in phase_states for s in p.steps if not s.finished]
    return PathState(
        phases=phase_states,
        tally=path_tally,
        next_step=next_step,
        remaining=schedule(left, pace, timezone.localdate()),
        hours_by_depth=hours_by_depth,
    )


def _as_planned(path, phase_states, all_steps, hours_per_week):
    """A personal path's pace (the plan's own when the learner has not set one), its weeks
    named from the schedule, and its hours at each depth."""
    pace = hours_per_week or (path.builder_answers or {}).get("hours_per_week")
    _weeks_as_planned(phase_states, pace)
    hours_by_depth = [
        (key, label, sum(path_step_hours(all_steps, path=path, depth=key), ZERO))
        for key, label in DepthKey.choices
    ]
    return pace, hours_by_depth


def _step_state(step, row, *, estimate, read_elsewhere, show_drafts) -> StepState:
    links = list(step.step_papers.all())
    return StepState(
        step=step,
        status=row.status if row else StepStatus.NOT_STARTED,
        note=row.note if row else "",
        note_html=row.note_html if row else "",
        estimate=estimate,
        papers=[link.paper for link in links if show_drafts or not link.paper.is_draft],
        read_in=sorted(
            {title for link in links for title in read_elsewhere.get(link.paper_id, [])}
        ),
    )


def _weeks_as_planned(phase_states: list[PhaseState], pace: int | None) -> None:
    """A personal path's phases named after the weeks their steps start in, at this pace, with
    their hours: the same schedule the builder, the dashboard and the calendar use."""
    estimates = [s.estimate for p in phase_states for s in p.steps]
    plan = schedule(estimates, pace)
    if not plan.blocks:
        return
    start_of = {i: block.number for block in plan.blocks for i in block.indexes}
    index, starts = 0, []
    for ps in phase_states:
        starts.append(start_of.get(index) if ps.steps else None)
        index += len(ps.steps)
    with_steps = [(ps, start) for ps, start in zip(phase_states, starts, strict=True) if start]
    for (ps, start), following in zip(with_steps, [*with_steps[1:], None], strict=True):
        end = following[1] if following else plan.week_count + 1
        block = WeekBlock(number=start, span=max(1, end - start))
        ps.label, ps.duration = block.label, block.duration
        hours = sum((s.estimate for s in ps.steps), ZERO)
        ps.goal = f"About {hours_display(hours)}"


def activity_summary(days: set[datetime.date], today: datetime.date) -> tuple[int, int]:
    """(days active this week, current streak): the week starts on Monday; a streak counts
    consecutive active days up to today, or up to yesterday when today has no activity yet."""
    week_start = today - datetime.timedelta(days=today.weekday())
    this_week = sum(1 for day in days if week_start <= day <= today)
    cursor = today if today in days else today - datetime.timedelta(days=1)
    streak = 0
    while cursor in days:
        streak += 1
        cursor -= datetime.timedelta(days=1)
    return this_week, streak
