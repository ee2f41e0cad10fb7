"""Saving a plan as a learner's personal path, and putting a removed step back: the writes of
the builder. The rules themselves live in planner.py, free of the ORM.

A saved plan never loses a learner's work: a step with a status or note stays on the path
unless the learner removes it explicitly (and confirms), and then it is archived with its
record in "Removed from your plan".
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.learner_version import learner_lock
from papers.models import Paper

from . import services
from .drafts import PlanDraft, answers_from_json, answers_to_json
from .library import load_library, project_text, step_texts
from .models import (
    Audience,
    Enrollment,
    Path,
    PlanSave,
    ProgressEvent,
    PublicationStatus,
    Step,
    StepPaper,
    StepProgress,
)
from .planner import PROJECT_KEY, Answers, Library, PlanError, insert_earliest, make_plan
from .plans import personal_path_regroup, personal_steps_write, plan_key_of
from .saved_plans import SavedPlan, new_token, saved_order, steps_by_key


class RemovalNeedsConfirmation(PlanError):
    """Saving would take steps the learner worked on off the plan: they must confirm it."""


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
        learner_lock(user)
        already = saved_path_for(user=user, token=draft.token)
        if already is not None:
            return already, False
        path = _save(user=user, draft=draft, library=library, confirmed=set(confirm_removals))
        PlanSave.objects.create(owner=user, token=draft.token or new_token(), path=path)
        return path, True


class StaleDraft(PlanError):
    """The draft was made from an older revision of the path than the one saved now."""


def _save(*, user, draft: PlanDraft, library: Library, confirmed: set[str]) -> Path:
    path = _path_to_replan(user=user, draft=draft)
    saved = SavedPlan.load(user=user, path=path)
    library = saved.library(library)
    keys = [k for k in draft.order if k in library.papers or k == PROJECT_KEY or k in saved.steps]
    if not keys:
        raise PlanError("Your plan is empty: add a paper first.")
    unconfirmed = [
        c for c in saved.changes(keys, library).removed_with_progress if c.key not in confirmed
    ]
    if unconfirmed:
        names = ", ".join(c.title for c in unconfirmed)
        raise RemovalNeedsConfirmation(
            f"Saving moves steps you have worked on ({names}) to “Removed from your plan”: "
            "tick the box to confirm, or add them back."
        )
    path = _write_path(user=user, path=path, draft=draft, library=library)
    steps = _write_steps(path=path, draft=draft, keys=keys, library=library, saved=saved)
    _retire(step for key, step in steps.items() if key not in keys and not step.archived)
    _follow(user=user, path=path, draft=draft)
    personal_path_regroup(
        path=path,
        depth=draft.answers.depth,
        hours_per_week=draft.answers.hours_per_week,
        order=[steps[key].pk for key in keys],
    )
    services.completion_refresh(paths=[path.pk])
    return path


def _path_to_replan(*, user, draft: PlanDraft) -> Path | None:
    """The learner's path the draft re-plans, locked; refused if it changed since the draft."""
    if not draft.path:
        return None
    path = Path.objects.select_for_update().get(owner=user, slug=draft.path)
    if path.plan_revision != draft.revision:
        raise StaleDraft(
            "Your path changed after this plan was drafted (in another tab, or by a save): "
            "here it is as it is now. Make your changes again and save."
        )
    return path


def _write_path(*, user, path: Path | None, draft: PlanDraft, library: Library) -> Path:
    values = {
        **_path_values(answers=draft.answers, library=library),
        "builder_edits": {
            "added": list(draft.added),
            "removed": list(draft.removed),
            "reordered": draft.reordered,
        },
    }
    if path is None:
        return Path.objects.create(
            owner=user,
            slug=f"my-{secrets.token_hex(5)}",
            number=0,
            hours_quick=0,
            hours_thorough=0,
            hours_deep=0,
            time_estimate="",
            **values,
        )
    for name, value in values.items():
        setattr(path, name, value)
    path.save()
    return path


def _write_steps(
    *, path: Path, draft: PlanDraft, keys: list[str], library: Library, saved: SavedPlan
) -> dict[str, Step]:
    """The plan's steps, made or brought up to date (texts, reasons), in bulk. Returns every
    step of the path by key, those leaving the plan included."""
    answers = draft.answers
    texts = step_texts(answers, keys)
    papers = {p.slug: p for p in Paper.objects.filter(slug__in=keys)}
    plan = make_plan(library, answers, order=keys, added=draft.added, kept=saved.kept)
    reasons = {s.key: s.reasons for s in plan.steps}
    steps = dict(saved.steps)
    taken_slugs = {s.slug for s in steps.values()}
    created, changed, links = [], [], []
    for position, key in enumerate(keys):
        step = steps.get(key)
        if step is None:
            step = Step(path=path, slug=_free_slug(key, taken_slugs), position=position)
            step.plan_key = key[:90]
            created.append(step)
            if key in papers:
                links.append(StepPaper(step=step, paper=papers[key], position=0))
        values = {"archived": False, "reason": "; ".join(reasons[key]).capitalize()[:300]}
        if key == PROJECT_KEY:
            values.update(title="Project work", body=project_text(answers), key_takeaway="")
        elif key in library.papers:
            body, takeaway = texts.get(key, (step.body, step.key_takeaway))
            values.update(title=library.papers[key], body=body, key_takeaway=takeaway)
        if any(getattr(step, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(step, name, value)
            if step.pk is not None:
                changed.append(step)
        steps[key] = step
    if created:
        holding = path.phases.first() or path.phases.create(
            slug="week-1", label="Week 1", title="", position=0
        )
        for step in created:
            step.phase = holding
    personal_steps_write(created=created, changed=changed)
    for link in links:
        link.step_id = link.step.pk
    StepPaper.objects.bulk_create(links)
    return steps


def _free_slug(key: str, taken: set[str]) -> str:
    slug = key
    while slug in taken:
        slug = f"{key}-{secrets.token_hex(2)}"
    taken.add(slug)
    return slug


def _retire(leaving) -> None:
    """Steps leaving the plan: archived with their record if the learner has one, else gone."""
    leaving = list(leaving)
    if not leaving:
        return
    # Lock them first: a status set on one of them meanwhile (another tab) is then seen here,
    # and the step is archived with it instead of deleted.
    ids = [s.pk for s in leaving]
    list(Step.objects.select_for_update().filter(pk__in=ids).values("pk"))
    recorded = set(
        StepProgress.objects.filter(step__in=ids).values_list("step_id", flat=True)
    ) | set(ProgressEvent.objects.filter(step__in=ids).values_list("step_id", flat=True))
    archived = [step for step in leaving if step.pk in recorded]
    for step in archived:
        step.archived = True
    Step.objects.bulk_update(archived, ["archived"])
    unrecorded = [pk for pk in ids if pk not in recorded]
    if unrecorded:
        Step.objects.filter(pk__in=unrecorded).delete()


def _follow(*, user, path: Path, draft: PlanDraft) -> None:
    """The learner follows their path at the plan's depth and pace."""
    answers = draft.answers
    enrollment = Enrollment.objects.filter(user=user, path=path).first()
    if enrollment is None:
        services.enrollment_create(
            user=user,
            path=path,
            depth=answers.depth,
            hours_per_week=answers.hours_per_week,
            lay_out=False,  # laid out by the caller, in the plan's new order
        )
        return
    enrollment.depth, enrollment.hours_per_week = answers.depth, answers.hours_per_week
    enrollment.updated_at = timezone.now()
    enrollment.save(update_fields=["depth", "hours_per_week", "updated_at"])


@transaction.atomic
def personal_path_step_restore(*, user, step: Step) -> bool:
    """Put a step the learner removed back on their plan, at the earliest place its
    prerequisites allow, with its status and note. Returns whether it was removed."""
    learner_lock(user)
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
    steps = steps_by_key(path)
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
