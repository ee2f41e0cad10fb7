"""The personal-path planner: answers in, an ordered plan out. Pure and deterministic.

No HTTP and no ORM here: `Library` carries everything the rules use (curator-edited data read
elsewhere), so the rules can be tested on any data, including random prerequisite graphs.

Rules: the papers of the chosen background's path (in its step order), then each chosen
interest's papers (in the interest's prioritized order), minus papers already known; every
prerequisite of an included paper is included too (unless known) and placed before it; no
paper twice; otherwise the first-reached order is kept. Each step says why it is there.

The learner's own edits (papers added, removed, steps moved) are part of the plan: changing the
answers merges the new answers into the edited plan (`merge_order`) instead of replacing it,
and an added paper goes in at the earliest place its prerequisites allow while nothing else
moves. Hours and weeks come from the one estimate model (estimates.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .estimates import Schedule, WeekBlock, schedule, step_hours

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
    # Names of steps a saved plan keeps although their paper left the library (unpublished).
    extra_names: dict[str, str] = field(default_factory=dict)

    def name(self, key: str) -> str:
        if key == PROJECT_KEY:
            return "Project work"
        return self.papers.get(key) or self.extra_names.get(key) or key


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
    hours: Decimal = Decimal(0)

    @property
    def is_project(self) -> bool:
        return self.key == PROJECT_KEY


@dataclass
class Week:
    """Steps that start in the same week of the schedule (a personal path's phase)."""

    block: WeekBlock
    steps: list[PlannedStep]

    @property
    def number(self) -> int:
        return self.block.number

    @property
    def span(self) -> int:
        return self.block.span

    @property
    def label(self) -> str:
        return self.block.label

    @property
    def hours(self) -> Decimal:
        return self.block.hours


@dataclass
class Plan:
    steps: list[PlannedStep]
    schedule: Schedule  # the whole plan, week by week
    remaining: Schedule  # what is left (steps not yet finished), from the start date

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.steps]

    @property
    def weeks(self) -> list[Week]:
        return [
            Week(block=block, steps=[self.steps[i] for i in block.indexes])
            for block in self.schedule.blocks
        ]

    @property
    def total_hours(self) -> Decimal:
        return self.schedule.total_hours

    @property
    def week_count(self) -> int:
        return self.schedule.week_count or 0

    @property
    def finish(self) -> datetime.date | None:
        return self.schedule.finish


class PlanError(ValueError):
    """An edit that the rules refuse, with the reason in words."""


def _closure_order(library: Library, wanted: list[str], known: Iterable[str]) -> list[str]:
    """`wanted` in order, with each missing prerequisite (transitively, unless known) placed
    right before the first paper that needs it, and every paper after its prerequisites."""
    known = frozenset(known)
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


def _wanted(library: Library, answers: Answers) -> tuple[list[str], dict[str, list[str]]]:
    """The papers the answers ask for, in order, and why each is there."""
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
    return wanted, reasons


def base_order(library: Library, answers: Answers, *, removed: Iterable[str] = ()) -> list[str]:
    """The plan the answers alone give: no edits. Removed papers are left out like known ones."""
    removed = frozenset(removed)
    wanted, _ = _wanted(library, answers)
    keys = _closure_order(library, wanted, answers.known | removed)
    if answers.project and PROJECT_KEY not in removed:
        keys.append(PROJECT_KEY)
    return keys


def make_plan(
    library: Library,
    answers: Answers,
    *,
    order: list[str] | None = None,
    start: datetime.date | None = None,
    added: Iterable[str] = (),
    kept: Iterable[str] = (),
    finished: Iterable[str] = (),
) -> Plan:
    """The plan for these answers; with `order`, the learner's edited order. `added` are papers
    the learner added and `kept` steps kept because the learner worked on them (their reasons);
    `finished` steps (done or skipped on the saved path) are not counted in what is left."""
    _, reasons = _wanted(library, answers)
    keys = base_order(library, answers) if order is None else list(order)
    for slug in keys:
        for required in library.prerequisites.get(slug, ()):
            if required in keys:
                reason = f"needed before {library.name(slug)}"
                reasons.setdefault(required, [])
                if reason not in reasons[required]:
                    reasons[required].append(reason)
    added, kept = frozenset(added), frozenset(kept)
    steps = []
    for key in keys:
        if key == PROJECT_KEY:
            why = ["you asked for project work"]
        elif reasons.get(key):
            why = reasons[key]
        elif key in kept and key not in added:
            why = ["you have worked on it"]
        else:
            why = ["you added it"]
        steps.append(PlannedStep(key, list(why)))
    weights = [
        None if key == PROJECT_KEY else library.hours.get(key, {}).get(answers.depth)
        for key in keys
    ]
    for step, hours in zip(steps, step_hours(weights), strict=True):
        step.hours = hours
    finished = frozenset(finished)
    return Plan(
        steps=steps,
        schedule=schedule([s.hours for s in steps], answers.hours_per_week, start),
        remaining=schedule(
            [s.hours for s in steps if s.key not in finished], answers.hours_per_week, start
        ),
    )


def check_order(library: Library, keys: list[str]) -> None:
    """Raise PlanError if a paper comes before one of its prerequisites or appears twice."""
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise PlanError(f"{library.name(key)} is in the plan twice.")
        for required in library.prerequisites.get(key, ()):
            if required in keys and required not in seen:
                raise PlanError(f"{library.name(key)} needs {library.name(required)} first.")
        seen.add(key)


def remove_step(library: Library, keys: list[str], key: str) -> list[str]:
    if key not in keys:
        raise PlanError("That step is not in your plan.")
    needing = [k for k in keys if key in library.prerequisites.get(k, ())]
    if needing:
        names = ", ".join(library.name(k) for k in needing)
        raise PlanError(
            f"{library.name(key)} is needed before {names}: remove "
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


def add_paper(
    library: Library, keys: list[str], slug: str, known: Iterable[str]
) -> tuple[list[str], list[str]]:
    """Add a paper, with any prerequisite it lacks, each at the earliest place its prerequisites
    allow; nothing else moves. Returns the new order and the keys that came in."""
    if slug not in library.papers:
        raise PlanError("There is no such paper.")
    if slug in keys:
        raise PlanError(f"{library.papers[slug]} is already in your plan.")
    incoming = _closure_order(library, [slug], frozenset(known) | frozenset(keys))
    if slug not in incoming:  # the learner said they know it: adding it means they want it
        incoming.append(slug)
    result = list(keys)
    for key in incoming:
        result = insert_earliest(library, result, key)
    return result, incoming


def _earliest_index(library: Library, keys: list[str], key: str) -> int:
    """The first index after every prerequisite of `key` present in `keys`."""
    positions = [keys.index(r) for r in library.prerequisites.get(key, ()) if r in keys]
    return max(positions) + 1 if positions else 0


def insert_earliest(library: Library, keys: list[str], key: str) -> list[str]:
    """`keys` with `key` at the earliest place its prerequisites allow."""
    result = list(keys)
    result.insert(_earliest_index(library, result, key), key)
    return repair_order(library, result)


def repair_order(library: Library, keys: list[str]) -> list[str]:
    """Move only what must move: each paper found before one of its prerequisites goes to just
    after it. Everything already in a valid place stays (a cycle in the data is left as is)."""
    result = list(keys)
    for _ in range(len(result) ** 2 + 1):
        for index, key in enumerate(result):
            late = [result.index(r) for r in library.prerequisites.get(key, ()) if r in result]
            if late and max(late) > index:
                result.pop(index)
                result.insert(max(late), key)  # after the popped index, max(late) is one less
                break
        else:
            return result
    return result


def merge_order(
    library: Library,
    answers: Answers,
    *,
    previous: list[str],
    added: Iterable[str] = (),
    removed: Iterable[str] = (),
    kept: Iterable[str] = (),
    reordered: bool = False,
) -> list[str]:
    """New answers merged into the learner's edited plan, never replacing it.

    A step of `previous` stays while the answers still ask for it, the learner added it, or the
    learner has worked on it (`kept`), unless the learner removed it. When the learner has
    moved steps (`reordered`), their order is the frame: papers the new answers bring go in
    after the paper that precedes them in the answers' own order. Otherwise the answers' order
    is the frame and the papers the learner added or worked on keep their place after the step
    that preceded them. Either way no paper comes before its prerequisites, and nothing else
    moves.
    """
    added, removed, kept = frozenset(added), frozenset(removed), frozenset(kept)
    base = base_order(library, answers, removed=removed)
    wanted = set(base) | added | kept
    staying = [k for k in previous if k in wanted and k not in removed]
    if reordered:
        result, reference = staying, base
        incoming = [k for k in base if k not in result]
    else:
        result, reference = list(base), previous
        incoming = [k for k in staying if k not in result]
    # Prerequisites of what is there, unless known or removed.
    excluded = answers.known | removed
    incoming += _missing_prerequisites(library, result + incoming, excluded)
    for key in incoming:
        if key == PROJECT_KEY:
            result.append(key)
            continue
        before = reference[: reference.index(key)] if key in reference else []
        anchor = next((result.index(k) + 1 for k in reversed(before) if k in result), 0)
        result.insert(max(anchor, _earliest_index(library, result, key)), key)
    return repair_order(library, result)


def _missing_prerequisites(library: Library, keys: list[str], excluded) -> list[str]:
    """Prerequisites (transitively) of `keys` that are neither in them nor excluded, each after
    its own prerequisites."""
    present = set(keys)
    found: list[str] = []

    def visit(key: str, trail: tuple[str, ...]) -> None:
        for required in library.prerequisites.get(key, ()):
            if required in present or required in excluded or required in trail:
                continue
            if required in found:
                continue
            visit(required, (*trail, required))
            found.append(required)

    for key in keys:
        visit(key, (key,))
    return found
