"""A saved personal path as the builder sees it: its steps by key with the learner's record on
each, what saving a re-plan would change, and a draft to re-plan it from."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field

from .drafts import PlanDraft, answers_from_json
from .library import DEPTHS
from .models import Audience, Enrollment, Path, Step, StepProgress, StepStatus
from .planner import PROJECT_KEY, Answers, Library, base_order
from .plans import plan_key_of


def new_token() -> str:
    return uuid.uuid4().hex


def draft_new(library: Library, answers: Answers) -> PlanDraft:
    return PlanDraft(answers=answers, order=base_order(library, answers), token=new_token())


@dataclass
class StepChange:
    key: str
    title: str
    status: str = StepStatus.NOT_STARTED
    has_note: bool = False

    @classmethod
    def of(cls, key: str, title: str, row: StepProgress | None) -> StepChange:
        if row is None:
            return cls(key=key, title=title)
        return cls(key=key, title=title, status=row.status, has_note=bool(row.note))

    @property
    def has_progress(self) -> bool:
        return self.status != StepStatus.NOT_STARTED or self.has_note

    @property
    def status_label(self) -> str:
        return StepStatus(self.status).label


@dataclass
class PlanChanges:
    """What saving a re-plan would change on the saved path, and the progress each touches."""

    added: list[StepChange] = field(default_factory=list)
    restored: list[StepChange] = field(default_factory=list)
    removed: list[StepChange] = field(default_factory=list)
    moved: list[StepChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.restored or self.removed or self.moved)

    @property
    def removed_with_progress(self) -> list[StepChange]:
        return [c for c in self.removed if c.has_progress]


def steps_by_key(path: Path) -> dict[str, Step]:
    """A personal path's steps by planner key: the current slug of the paper each covers, or
    the project key (a curator may have renamed a paper's slug since the plan was saved)."""
    steps: dict[str, Step] = {}
    rows = (
        Step.objects.filter(path=path)
        .select_related("phase")
        .prefetch_related("step_papers__paper")
        .order_by("archived", "phase__position", "position", "pk")
    )
    for step in rows:
        steps.setdefault(plan_key_of(step), step)
    return steps


def saved_order(path: Path) -> list[str]:
    """The planner keys of a saved personal path's current steps, in order."""
    return [key for key, step in steps_by_key(path).items() if not step.archived]


@dataclass
class SavedPlan:
    """A saved personal path as the builder sees it: its steps by key and the learner's record
    on each, read once (three queries)."""

    path: Path | None
    steps: dict[str, Step] = field(default_factory=dict)
    progress: dict[int, StepProgress] = field(default_factory=dict)

    @classmethod
    def load(cls, *, user, path: Path | None) -> SavedPlan:
        if path is None:
            return cls(path=None)
        return cls(
            path=path,
            steps=steps_by_key(path),
            progress={
                row.step_id: row for row in StepProgress.objects.filter(user=user, step__path=path)
            },
        )

    def _row(self, key: str) -> StepProgress | None:
        step = self.steps.get(key)
        return self.progress.get(step.pk) if step else None

    def records(self) -> dict[str, StepChange]:
        """Each saved step's key with the learner's status and note on it."""
        return {
            key: StepChange.of(key, step.title, self._row(key)) for key, step in self.steps.items()
        }

    @property
    def order(self) -> list[str]:
        return [key for key, step in self.steps.items() if not step.archived]

    @property
    def kept(self) -> set[str]:
        """Steps with the learner's status or note: a re-plan keeps them."""
        return {key for key in self.steps if StepChange.of(key, "", self._row(key)).has_progress}

    @property
    def finished(self) -> set[str]:
        """Current steps the learner has finished (done or skipped)."""
        return {
            key for key in self.order if (row := self._row(key)) is not None and row.is_finished
        }

    def library(self, library: Library) -> Library:
        """The library, plus steps whose paper has left it (unpublished): they stay on the
        learner's plan with their record, under their saved title and hours."""
        extra_names: dict[str, str] = {}
        hours = dict(library.hours)
        for key, step in self.steps.items():
            if key == PROJECT_KEY or key in library.papers:
                continue
            extra_names[key] = step.title
            links = list(step.step_papers.all())
            if links:  # else it weighs as an average step, as on the path page
                hours[key] = {d: links[0].paper.hours_for(d) for d in DEPTHS}
        if not extra_names:
            return library
        return dataclasses.replace(library, extra_names=extra_names, hours=hours)

    def changes(self, order: list[str], library: Library) -> PlanChanges:
        """What saving `order` would change: added, put back, removed and moved steps, each with
        the learner's status and note on it."""
        changes = PlanChanges()
        if self.path is None:
            return changes

        def change(key: str) -> StepChange:
            step = self.steps.get(key)
            return StepChange.of(key, step.title if step else library.name(key), self._row(key))

        saved = self.order
        in_place = _lcs_keys([k for k in saved if k in order], [k for k in order if k in saved])
        for key in order:
            if key not in saved:
                (changes.restored if key in self.steps else changes.added).append(change(key))
            elif key not in in_place:
                changes.moved.append(change(key))
        changes.removed = [change(k) for k in saved if k not in order]
        return changes


def draft_for_path(*, user, path: Path) -> PlanDraft:
    """A draft to re-plan a saved personal path: its answers (depth and pace as the learner
    follows it now), its edits and its order."""
    answers = answers_from_json(path.builder_answers or {"background": Audience.BEGINNER})
    enrollment = Enrollment.objects.filter(user=user, path=path).first()
    if enrollment is not None:
        answers = dataclasses.replace(
            answers,
            depth=enrollment.depth,
            hours_per_week=enrollment.hours_per_week or answers.hours_per_week,
        )
    edits = path.builder_edits or {}
    return PlanDraft(
        answers=answers,
        order=saved_order(path),
        added=list(edits.get("added", [])),
        removed=list(edits.get("removed", [])),
        reordered=bool(edits.get("reordered", False)),
        path=path.slug,
        token=new_token(),
        revision=path.plan_revision,
    )


def _lcs_keys(first: list[str], second: list[str]) -> set[str]:
    """The keys of a longest common subsequence: the steps that keep their relative order."""
    rows = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i in range(len(first) - 1, -1, -1):
        for j in range(len(second) - 1, -1, -1):
            rows[i][j] = (
                rows[i + 1][j + 1] + 1
                if first[i] == second[j]
                else max(rows[i + 1][j], rows[i][j + 1])
            )
    kept, i, j = set(), 0, 0
    while i < len(first) and j < len(second):
        if first[i] == second[j]:
            kept.add(first[i])
            i, j = i + 1, j + 1
        elif rows[i + 1][j] >= rows[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept
