"""The one estimate model: hours per step, weeks at a pace, and the finish date.

The builder, a path's page, the dashboard and the calendar all take their numbers from here, so
"how long?" has one answer everywhere. Pure functions over plain numbers: no ORM, no HTTP.

- A step's hours come from the papers it covers at the chosen depth; a step without papers
  (project work, a review day) weighs as much as an average step with papers. When a path has
  hours of its own at that depth (the curated paths' "Estimated Time Investment"), those hours
  are shared among the steps in proportion to their weights.
- Work flows from one week to the next at the learner's pace: a step may start in one week and
  end in the next, so N hours at H hours a week take ceil(N / H) weeks, never more.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def step_hours(weights: Sequence[Decimal | None], path_hours: Decimal | None = None) -> list:
    """Hours of each step, in order. `weights` are the hours of the papers each step covers
    (None for a step without papers); `path_hours`, when given, is shared in proportion."""
    positive = [Decimal(w) for w in weights if w is not None and w > 0]
    fallback = _cents(sum(positive, ZERO) / len(positive)) if positive else Decimal(1)
    filled = [_cents(w) if w is not None and w > 0 else fallback for w in weights]
    if path_hours is None:
        return filled
    total = sum(filled, ZERO)
    if not total:
        return [ZERO for _ in filled]
    return [_cents(Decimal(path_hours) * w / total) for w in filled]


def weeks_for(hours: Decimal, hours_per_week: int | None) -> int | None:
    """Weeks that `hours` take at a pace: work flows across weeks, so it is a plain ceiling."""
    if not hours_per_week or hours_per_week <= 0:
        return None
    if hours <= 0:
        return 0
    return math.ceil(Decimal(hours) / Decimal(hours_per_week))


def finish_date(start: datetime.date, weeks: int | None) -> datetime.date | None:
    if weeks is None:
        return None
    return start + datetime.timedelta(weeks=weeks)


@dataclass
class WeekBlock:
    """Consecutive steps that start in the same week, and the weeks until the next block."""

    number: int
    span: int = 1
    indexes: list[int] = field(default_factory=list)
    hours: Decimal = ZERO

    @property
    def label(self) -> str:
        if self.span == 1:
            return f"Week {self.number}"
        return f"Weeks {self.number}-{self.number + self.span - 1}"

    @property
    def duration(self) -> str:
        return f"{self.span} week{'s' if self.span != 1 else ''}"


@dataclass
class Schedule:
    hours: list[Decimal]
    total_hours: Decimal
    hours_per_week: int | None
    week_count: int | None
    start: datetime.date | None = None
    blocks: list[WeekBlock] = field(default_factory=list)

    @property
    def finish(self) -> datetime.date | None:
        return finish_date(self.start, self.week_count) if self.start else None

    def block_start(self, block: WeekBlock) -> datetime.date | None:
        if self.start is None:
            return None
        return self.start + datetime.timedelta(weeks=block.number - 1)


def schedule(
    hours: Sequence[Decimal], hours_per_week: int | None, start: datetime.date | None = None
) -> Schedule:
    """Lay steps of these hours out over weeks at the pace, in order, from `start`."""
    hours = [_cents(h) for h in hours]
    total = sum(hours, ZERO)
    weeks = weeks_for(total, hours_per_week)
    result = Schedule(
        hours=hours, total_hours=total, hours_per_week=hours_per_week, week_count=weeks, start=start
    )
    if weeks is None or not hours:
        return result
    pace = Decimal(hours_per_week)
    elapsed = ZERO
    for index, step in enumerate(hours):
        number = int(elapsed // pace) + 1
        if not result.blocks or result.blocks[-1].number != number:
            result.blocks.append(WeekBlock(number=number))
        block = result.blocks[-1]
        block.indexes.append(index)
        block.hours += step
        elapsed += step
    last_week = max(weeks, result.blocks[-1].number if result.blocks else 0)
    result.week_count = last_week
    for block, following in zip(result.blocks, [*result.blocks[1:], None], strict=True):
        end = following.number if following else last_week + 1
        block.span = max(1, end - block.number)
    return result


def hours_display(hours: Decimal | float | int | None) -> str:
    """Hours as people read them, everywhere: "2.5 h", "10 h", "0.25 h", "9.75 h".

    The one rule: rounded to the hundredth (the precision hours are stored in), trailing zeros
    dropped, then " h". So no "2.50" beside "9.75", and no "10.0"."""
    if hours is None or hours == "":
        return ""
    rounded = Decimal(str(hours)).quantize(CENT, rounding=ROUND_HALF_UP)
    number = f"{rounded.normalize():f}"
    return f"{'0' if number == '-0' else number} h"
