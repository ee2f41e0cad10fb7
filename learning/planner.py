"""The personal-path planner: answers in, an ordered plan out. Pure and deterministic.

No HTTP and no ORM here: `Library` carries everything the rules use (curator-edited data read
elsewhere), so the rules can be tested on any data, including random prerequisite graphs.

Rules: the papers of the chosen background's path (in its step order), then each chosen
interest's papers (in the interest's prioritized order), minus papers already known; every
prerequisite of an included paper is included too (unless known) and placed before it; no
paper twice; otherwise the first-reached order is kept. Each step says why it is there.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

PROJECT_KEY = "project"


@dataclass(frozen=True)
class Library:
    """The curated data the rules read."""

    papers: dict[str, str]  # slug → short name
    hours: dict[str, dict[str, Decimal]]  # slug → depth → hours
    prerequisites: dict[str, tuple[str, ...]]  # slug → slugs it requires
    background_papers: dict[str, tuple[str, ...]]  # audience → papers in its path's order
    background_titles: dict[str, str]  # audience → its path's title
    topics: dict[str, tuple[str, ...]]  # topic slug → prioritized papers
    topic_titles: dict[str, str]  # topic slug → title


@dataclass(frozen=True)
class Answers:
    background: str
    interests: tuple[str, ...] = ()
    depth: str = "thorough"
    hours_per_week: int = 5
    known: frozenset[str] = frozenset()
    project: bool = False


@dataclass
class PlannedStep:
    key: str  # a paper slug, or PROJECT_KEY
    reasons: list[str]
    hours: Decimal

    @property
    def is_project(self) -> bool:
        return self.key == PROJECT_KEY


@dataclass
class Week:
    number: int
    steps: list[PlannedStep] = field(default_factory=list)
    span: int = 1  # weeks it takes: more than one when its steps outgrow the weekly hours

    @property
    def hours(self) -> Decimal:
        return sum((s.hours for s in self.steps), Decimal(0))

    @property
    def label(self) -> str:
        if self.span == 1:
            return f"Week {self.number}"
        return f"Weeks {self.number}-{self.number + self.span - 1}"


@dataclass
class Plan:
    steps: list[PlannedStep]
    weeks: list[Week]
    total_hours: Decimal
    finish: datetime.date | None = None

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.steps]

    @property
    def week_count(self) -> int:
        return sum(week.span for week in self.weeks)


class PlanError(ValueError):
    """An edit that the rules refuse, with the reason in words."""


def _closure_order(library: Library, wanted: list[str], known: frozenset[str]) -> list[str]:
    """`wanted` in order, with each missing prerequisite (transitively, unless known) placed
    right before the first paper that needs it, and every paper after its prerequisites."""
    ordered: list[str] = []
    placed: set[str] = set()

    def place(slug: str, trail: tuple[str, ...]) -> None:
        if slug in placed or slug in known or slug in trail:
            return
        for required in library.prerequisites.get(slug, ()):
            place(required, (*trail, slug))
        placed.add(slug)
        ordered.append(slug)

    for slug in wanted:
        place(slug, ())
    return ordered


def project_hours(answers: Answers) -> Decimal:
    return Decimal(answers.hours_per_week)


def make_plan(
    library: Library, answers: Answers, *, order: list[str] | None = None, start=None
) -> Plan:
    """The plan for these answers; with `order`, the learner's edited order of the same keys."""
    reasons: dict[str, list[str]] = {}

    def because(slug: str, reason: str) -> None:
        reasons.setdefault(slug, [])
        if reason not in reasons[slug]:
            reasons[slug].append(reason)

    wanted: list[str] = []
    background_title = library.background_titles.get(answers.background, answers.background)
    for slug in library.background_papers.get(answers.background, ()):
        because(slug, f"in the {background_title} path")
        wanted.append(slug)
    for topic in answers.interests:
        for slug in library.topics.get(topic, ()):
            because(slug, f"you chose {library.topic_titles.get(topic, topic)}")
            wanted.append(slug)

    if order is None:
        keys = _closure_order(library, wanted, answers.known)
        if answers.project:
            keys.append(PROJECT_KEY)
    else:
        keys = list(order)
    for slug in keys:
        for required in library.prerequisites.get(slug, ()):
            if required in keys:
                because(required, f"needed before {library.papers.get(slug, slug)}")
    steps = []
    for key in keys:
        if key == PROJECT_KEY:
            steps.append(PlannedStep(key, ["you asked for project work"], project_hours(answers)))
        else:
            hours = library.hours.get(key, {}).get(answers.depth, Decimal(0))
            steps.append(PlannedStep(key, reasons.get(key) or ["you added it"], hours))
    weeks = group_into_weeks(steps, answers.hours_per_week)
    total = sum((s.hours for s in steps), Decimal(0))
    plan = Plan(steps=steps, weeks=weeks, total_hours=total)
    if start and weeks:
        plan.finish = start + datetime.timedelta(weeks=plan.week_count)
    return plan


def group_into_weeks(steps: list[PlannedStep], hours_per_week: int) -> list[Week]:
    """Fill weeks in order up to the weekly hours. A week is closed when the next step would not
    fit; a step longer than a week makes its week span as many weeks as it takes."""
    budget = Decimal(max(1, hours_per_week))
    weeks: list[Week] = []
    current: Week | None = None
    next_number = 1

    def close() -> None:
        nonlocal current, next_number
        current.span = max(1, math.ceil(current.hours / budget))
        weeks.append(current)
        next_number += current.span
        current = None

    for step in steps:
        if current is not None and current.hours + step.hours > budget:
            close()
        if current is None:
            current = Week(next_number)
        current.steps.append(step)
        if current.hours >= budget:
            close()
    if current is not None:
        close()
    return weeks


def check_order(library: Library, keys: list[str]) -> None:
    """Raise PlanError if a paper comes before one of its prerequisites or appears twice."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise PlanError(f"{library.papers.get(key, key)} is in the plan twice.")
        for required in library.prerequisites.get(key, ()):
            if required in keys and required not in seen:
                raise PlanError(
                    f"{library.papers.get(key, key)} needs "
                    f"{library.papers.get(required, required)} first."
                )
        seen.add(key)


def remove_step(library: Library, keys: list[str], key: str) -> list[str]:
    if key not in keys:
        raise PlanError("That step is not in your plan.")
    needing = [k for k in keys if key in library.prerequisites.get(k, ())]
    if needing:
        names = ", ".join(library.papers.get(k, k) for k in needing)
        raise PlanError(
            f"{library.papers.get(key, key)} is needed before {names}: remove "
            f"{'that' if len(needing) == 1 else 'those'} first, or mark it as already known."
        )
    return [k for k in keys if k != key]


def move_step(library: Library, keys: list[str], key: str, direction: str) -> list[str]:
    if key not in keys:
        raise PlanError("That step is not in your plan.")
    index = keys.index(key)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(keys):
        raise PlanError("That step cannot move further.")
    moved = list(keys)
    moved[index], moved[other] = moved[other], moved[index]
    check_order(library, moved)
    return moved


def add_paper(library: Library, keys: list[str], slug: str, known: frozenset[str]) -> list[str]:
    """Add a paper, with any prerequisite it lacks placed before it; the project stays last."""
    if slug not in library.papers:
        raise PlanError("There is no such paper.")
    if slug in keys:
        raise PlanError(f"{library.papers[slug]} is already in your plan.")
    project = [PROJECT_KEY] if PROJECT_KEY in keys else []
    papers = [k for k in keys if k != PROJECT_KEY]
    added = _closure_order(library, [slug], known | frozenset(papers))
    if slug not in added:  # the learner said they know it: adding it means they want it
        added.append(slug)
    return _stable_order(library, papers + added) + project


def _stable_order(library: Library, keys: list[str]) -> list[str]:
    """`keys` reordered as little as possible so that each comes after its prerequisites (an
    added paper that others in the plan need moves up before them)."""
    remaining = list(keys)
    present = set(keys)
    placed: set[str] = set()
    result: list[str] = []
    while remaining:
        for key in remaining:
            if all(r in placed or r not in present for r in library.prerequisites.get(key, ())):
                break
        else:  # a cycle in the data: keep the given order rather than loop
            key = remaining[0]
        remaining.remove(key)
        placed.add(key)
        result.append(key)
    return result
