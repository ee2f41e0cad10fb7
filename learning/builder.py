"""The builder's connection to the database: read the planner's Library, save a plan as a
personal path, show what a re-plan changes, and put removed steps back.

The rules themselves live in planner.py, free of the ORM. A saved plan never loses a learner's
work: a step with a status or note stays on the path unless the learner removes it explicitly
(and confirms), and then it is archived with its record in "Removed from your plan".
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from papers.models import Paper, TopicPaper

from . import services
from .models import (
    Audience,
    DepthKey,
    Enrollment,
    Path,
    PathSection,
    PlanSave,
    ProgressEvent,
    PublicationStatus,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from .planner import (
    PROJECT_KEY,
    Answers,
    Library,
    PlanDraft,
    PlanError,
    answers_from_json,
    answers_to_json,
    base_order,
    insert_earliest,
    make_plan,
)
from .plans import (
    personal_path_regroup,
    personal_steps_write,
    plan_key_of,
)

DEPTHS = [d.value for d in DepthKey]


def load_library() -> Library:
    """Everything the planner reads, from curator-edited data: five queries."""
    papers = list(Paper.objects.published().order_by("number"))
    slugs = {p.pk: p.slug for p in papers}
    prerequisites: dict[str, list[str]] = {}
    for from_id, to_id in Paper.prerequisites.through.objects.values_list(
        "from_paper_id", "to_paper_id"
    ).order_by("from_paper__number", "to_paper__number"):
        if from_id in slugs and to_id in slugs:
            prerequisites.setdefault(slugs[from_id], []).append(slugs[to_id])
    background_papers: dict[str, list[str]] = {}
    background_titles: dict[str, str] = {}
    paths = Path.objects.curated().published().order_by("number")
    for path in paths:
        if path.audience_key not in background_titles:
            background_titles[path.audience_key] = path.title
    links = (
        StepPaper.objects.filter(step__path__in=paths, step__archived=False, paper__in=papers)
        .values_list("step__path__audience_key", "step__path__title", "paper__slug")
        .order_by("step__path__number", "step__phase__position", "step__position", "position")
    )
    for audience, title, slug in links:
        if background_titles.get(audience) != title:
            continue  # a second path for the same audience: the first one counts
        track = background_papers.setdefault(audience, [])
        if slug not in track:
            track.append(slug)
    topics: dict[str, list[str]] = {}
    topic_titles: dict[str, str] = {}
    for topic_slug, topic_title, slug in (
        TopicPaper.objects.filter(paper__in=papers)
        .values_list("topic__slug", "topic__title", "paper__slug")
        .order_by("topic__position", "position")
    ):
        topics.setdefault(topic_slug, []).append(slug)
        topic_titles[topic_slug] = topic_title
    return Library(
        papers={p.slug: p.short_name for p in papers},
        hours={p.slug: {d: p.hours_for(d) for d in DEPTHS} for p in papers},
        prerequisites={k: tuple(v) for k, v in prerequisites.items()},
        background_papers={k: tuple(v) for k, v in background_papers.items()},
        background_titles=background_titles,
        topics={k: tuple(v) for k, v in topics.items()},
        topic_titles=topic_titles,
    )


def _step_texts(answers: Answers, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Paper slug → (body, key takeaway): the background path's own step for that paper, else
    the paper's summary and focus points."""
    texts: dict[str, tuple[str, str]] = {}
    links = (
        StepPaper.objects.filter(
            step__path__in=Path.objects.curated()
            .published()
            .filter(audience_key=answers.background),
            step__archived=False,
            paper__slug__in=keys,
            paper__status=PublicationStatus.PUBLISHED,
        )
        .select_related("step", "paper")
        .order_by("step__path__number", "step__phase__position", "step__position")
    )
    for link in links:
        texts.setdefault(link.paper.slug, (link.step.body, link.step.key_takeaway))
    for paper in Paper.objects.published().filter(slug__in=[k for k in keys if k not in texts]):
        body = paper.summary
        if paper.focus_points:
            body += "\n\n**Focus on:**\n\n" + paper.focus_points
        texts[paper.slug] = (body, paper.key_takeaway)
    return texts


def _project_text(answers: Answers) -> str:
    """The curated project ideas of the chosen background's path, or of any path with some."""
    sections = PathSection.objects.filter(
        path__in=Path.objects.curated().published(), slug__contains="project"
    ).select_related("path")
    preferred = [s for s in sections if s.path.audience_key == answers.background] or list(sections)
    if not preferred:
        return "Build something small that uses what you read."
    return "\n\n".join(f"**{s.title}** (from {s.path.title}):\n\n{s.body}" for s in preferred)


def new_token() -> str:
    return uuid.uuid4().hex


def draft_new(library: Library, answers: Answers) -> PlanDraft:
    return PlanDraft(answers=answers, order=base_order(library, answers), token=new_token())


class RemovalNeedsConfirmation(PlanError):
    """Saving would take steps the learner worked on off the plan: they must confirm it."""


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


def _steps_by_key(path: Path) -> dict[str, Step]:
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
    return [key for key, step in _steps_by_key(path).items() if not step.archived]


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
            steps=_steps_by_key(path),
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


def _lock_learner(user) -> None:
    """Take turns on this learner's plans: concurrent saves (a double click, two tabs) of the
    same draft run one after the other, and the second finds the first one's path."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()


def _path_values(*, answers: Answers, library: Library) -> dict:
    background = library.background_titles.get(
        answers.background, Audience(answers.background).label
    )
    interests = [library.topic_titles.get(t, t) for t in answers.interests]
    title = f"My path: {background}" + (f" + {', '.join(interests)}" if interests else "")
    return {
        "title": title[:200],
        "audience": "Personal path",
        "audience_key": answers.background,
        "goal": "Your own mix of the roadmap, built from your answers",
        "prerequisites": "Papers you already know are left out",
        "status": PublicationStatus.PUBLISHED,
        "builder_answers": answers_to_json(answers),
    }


def saved_path_for(*, user, token: str) -> Path | None:
    """The personal path a draft with this token was saved into, if it was."""
    if not token:
        return None
    record = PlanSave.objects.filter(owner=user, token=token).select_related("path").first()
    return record.path if record else None


def personal_path_save(
    *, user, draft: PlanDraft, library: Library, confirm_removals: Iterable[str] = ()
) -> tuple[Path, bool]:
    """Save a draft as the learner's personal path (new, or the one it re-plans) and enrol them.

    Returns the path and whether this call saved it: the same draft saved twice (a double
    click, a retried POST, a page left open) finds the path of the first save and changes
    nothing. A re-plan drafted from an older revision of the path than the one saved now (in
    another tab, say) is refused rather than saved over it. Steps are keyed by paper, so every
    step that stays keeps its status and note; a step that leaves the plan is archived with its
    record if the learner worked on it, and one with a status or note must be among
    `confirm_removals` (the keys the learner confirmed).
    """
    with transaction.atomic():
        _lock_learner(user)
        already = saved_path_for(user=user, token=draft.token)
        if already is not None:
            return already, False
        path = _save(user=user, draft=draft, library=library, confirmed=set(confirm_removals))
        PlanSave.objects.create(owner=user, token=draft.token or new_token(), path=path)
        return path, True


class StaleDraft(PlanError):
    """The draft was made from an older revision of the path than the one saved now."""


def _save(*, user, draft: PlanDraft, library: Library, confirmed: set[str]) -> Path:
    path = None
    if draft.path:
        path = Path.objects.select_for_update().get(owner=user, slug=draft.path)
        if path.plan_revision != draft.revision:
            raise StaleDraft(
                "Your path changed after this plan was drafted (in another tab, or by a save): "
                "here it is as it is now. Make your changes again and save."
            )
    saved = SavedPlan.load(user=user, path=path)
    library = saved.library(library)
    existing = dict(saved.steps)
    keys = [k for k in draft.order if k in library.papers or k == PROJECT_KEY or k in existing]
    if not keys:
        raise PlanError("Your plan is empty: add a paper first.")
    changes = saved.changes(keys, library)
    unconfirmed = [c for c in changes.removed_with_progress if c.key not in confirmed]
    if unconfirmed:
        names = ", ".join(c.title for c in unconfirmed)
        raise RemovalNeedsConfirmation(
            f"Saving moves steps you have worked on ({names}) to “Removed from your plan”: "
            "tick the box to confirm, or add them back."
        )

    answers = draft.answers
    values = {
        **_path_values(answers=answers, library=library),
        "builder_edits": {
            "added": list(draft.added),
            "removed": list(draft.removed),
            "reordered": draft.reordered,
        },
    }
    created = path is None
    if created:
        path = Path.objects.create(
            owner=user,
            slug=f"my-{secrets.token_hex(5)}",
            number=0,
            hours_quick=0,
            hours_thorough=0,
            hours_deep=0,
            time_estimate="",
            **values,
        )
    else:
        for name, value in values.items():
            setattr(path, name, value)
        path.save()

    texts = _step_texts(answers, keys)
    papers = {p.slug: p for p in Paper.objects.filter(slug__in=keys)}
    plan = make_plan(library, answers, order=keys, added=draft.added, kept=saved.kept)
    reasons = {s.key: s.reasons for s in plan.steps}
    taken_slugs = {s.slug for s in existing.values()}
    holding = path.phases.first()
    created_steps, changed_steps, links = [], [], []
    for position, key in enumerate(keys):
        step = existing.get(key)
        if step is None:
            slug = key
            while slug in taken_slugs:
                slug = f"{key}-{secrets.token_hex(2)}"
            taken_slugs.add(slug)
            if holding is None:
                holding = path.phases.create(slug="week-1", label="Week 1", title="", position=0)
            step = Step(path=path, slug=slug, phase=holding, position=position, plan_key=key[:90])
            created_steps.append(step)
            if key in papers:
                links.append(StepPaper(step=step, paper=papers[key], position=0))
        values = {"archived": False, "reason": "; ".join(reasons[key]).capitalize()[:300]}
        if key == PROJECT_KEY:
            values.update(title="Project work", body=_project_text(answers), key_takeaway="")
        elif key in library.papers:
            body, takeaway = texts.get(key, (step.body, step.key_takeaway))
            values.update(title=library.papers[key], body=body, key_takeaway=takeaway)
        if any(getattr(step, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(step, name, value)
            if step.pk is not None:
                changed_steps.append(step)
        existing[key] = step
    personal_steps_write(created=created_steps, changed=changed_steps)
    for link in links:
        link.step_id = link.step.pk
    StepPaper.objects.bulk_create(links)
    ordered_ids = [existing[key].pk for key in keys]

    leaving = [step for key, step in existing.items() if key not in keys and not step.archived]
    recorded = set()
    if leaving:
        # Lock them first: a status set on one of them meanwhile (another tab) is then seen
        # here, and the step is archived with it instead of deleted.
        list(Step.objects.select_for_update().filter(pk__in=[s.pk for s in leaving]).values("pk"))
        recorded = set(
            StepProgress.objects.filter(step__in=leaving).values_list("step_id", flat=True)
        ) | set(ProgressEvent.objects.filter(step__in=leaving).values_list("step_id", flat=True))
    archived = [step for step in leaving if step.pk in recorded]
    for step in archived:
        step.archived = True
    Step.objects.bulk_update(archived, ["archived"])
    unrecorded = [step.pk for step in leaving if step.pk not in recorded]
    if unrecorded:
        Step.objects.filter(pk__in=unrecorded).delete()

    enrollment = Enrollment.objects.filter(user=user, path=path).first()
    if enrollment is None:
        services.enrollment_create(
            user=user,
            path=path,
            depth=answers.depth,
            hours_per_week=answers.hours_per_week,
            lay_out=False,  # laid out just below, in the plan's new order
        )
    else:
        enrollment.depth, enrollment.hours_per_week = answers.depth, answers.hours_per_week
        enrollment.updated_at = timezone.now()
        enrollment.save(update_fields=["depth", "hours_per_week", "updated_at"])
    personal_path_regroup(
        path=path, depth=answers.depth, hours_per_week=answers.hours_per_week, order=ordered_ids
    )
    services.completion_refresh(paths=[path.pk])
    return path


@transaction.atomic
def personal_path_step_restore(*, user, step: Step) -> bool:
    """Put a step the learner removed back on their plan, at the earliest place its
    prerequisites allow, with its status and note. Returns whether it was removed."""
    _lock_learner(user)
    path = Path.objects.select_for_update().get(pk=step.path_id, owner=user)
    step = Step.objects.select_for_update().get(pk=step.pk, path=path)
    if not step.archived:
        return False
    library = SavedPlan.load(user=user, path=path).library(load_library())
    order = saved_order(path)
    key = plan_key_of(Step.objects.prefetch_related("step_papers__paper").get(pk=step.pk))
    order = insert_earliest(library, order, key)
    edits = path.builder_edits or {}
    path.builder_edits = {
        **edits,
        "added": [*[k for k in edits.get("added", []) if k != key], key],
        "removed": [k for k in edits.get("removed", []) if k != key],
    }
    path.save(update_fields=["builder_edits"])
    step.archived = False
    step.save(update_fields=["archived"])
    steps = _steps_by_key(path)
    enrollment = Enrollment.objects.filter(user=user, path=path).first()
    answers = answers_from_json(path.builder_answers)
    personal_path_regroup(
        path=path,
        depth=enrollment.depth if enrollment else answers.depth,
        hours_per_week=(enrollment and enrollment.hours_per_week) or answers.hours_per_week,
        order=[steps[k].pk for k in order if k in steps],
    )
    services.completion_refresh(paths=[path.pk])
    return True
