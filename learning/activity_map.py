"""The learner's activity as a picture: a calendar heat map of the last 26 weeks (a column per
week from Monday, a row per weekday), each day's level from how many status changes it had.
Pure layout over counts already read (selectors.dashboard reads them in one query); the
dashboard draws it (templates/learning/_activity_map.html)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WEEKS = 26
CELL = 12
GAP = 3
LEFT = 30  # room for the weekday names
TOP = 16  # room for the month names
# A day's level by its count of changes: 0 none, then at least 1, 3, 6.
LEVELS = (1, 3, 6)
WEEKDAYS_SHOWN = {0: "Mon", 2: "Wed", 4: "Fri"}


@dataclass(frozen=True)
class DayCell:
    day: datetime.date
    count: int
    x: int
    y: int

    @property
    def level(self) -> int:
        return sum(self.count >= least for least in LEVELS)

    @property
    def title(self) -> str:
        changes = "no change" if not self.count else f"{self.count} change"
        changes += "s" if self.count > 1 else ""
        return f"{self.day:%a} {self.day.day} {self.day:%b %Y}: {changes}"


@dataclass(frozen=True)
class Label:
    text: str
    x: int
    y: int


@dataclass(frozen=True)
class ActivityMap:
    cells: list[DayCell]
    months: list[Label]
    weekdays: list[Label]
    width: int
    height: int
    active_days: int
    streak: int
    first: datetime.date
    last: datetime.date

    @property
    def cell(self) -> int:
        return CELL


def activity_map(
    counts: dict[datetime.date, int], today: datetime.date, streak: int
) -> ActivityMap:
    """The last WEEKS weeks up to `today` (its week's later days are left out), from `counts`
    (day → status changes that day); `streak` as learning.progress.activity_summary counts it."""
    first = today - datetime.timedelta(days=today.weekday(), weeks=WEEKS - 1)
    cells, months = [], []
    day = first
    while day <= today:
        column, row = divmod((day - first).days, 7)
        x, y = LEFT + column * (CELL + GAP), TOP + row * (CELL + GAP)
        cells.append(DayCell(day=day, count=counts.get(day, 0), x=x, y=y))
        if (day.day <= 7 and row == 0) or day == first:
            months.append(Label(f"{day:%b}", x, TOP - 5))
        day += datetime.timedelta(days=1)
    if len(months) > 1 and months[1].x - months[0].x < 3 * (CELL + GAP):
        months.pop(0)  # the first column's month would overlap the next one's name
    weekdays = [
        Label(name, 0, TOP + row * (CELL + GAP) + CELL - 2) for row, name in WEEKDAYS_SHOWN.items()
    ]
    return ActivityMap(
        cells=cells,
        months=months,
        weekdays=weekdays,
        width=LEFT + WEEKS * (CELL + GAP),
        height=TOP + 7 * (CELL + GAP),
        active_days=sum(1 for c in cells if c.count),
        streak=streak,
        first=first,
        last=today,
    )
