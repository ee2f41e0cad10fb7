"""The builder's connection to the database: read the planner's Library, save a plan as a path.

The rules themselves live in planner.py, free of the ORM.
"""

from __future__ import annotations

import dataclasses
import secrets

from django.db import transaction

from papers.models import Paper, TopicPaper

from . import services
from .models import (
    Audience,
    DepthKey,
    Enrollment,
    Path,
    Phase,
    PublicationStatus,
    Step,
    StepPaper,
    StepProgress,
)
from .planner import PROJECT_KEY, Answers, Library, Plan

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


def answers_to_json(answers: Answers) -> dict:
    data = dataclasses.asdict(answers)
    data["interests"] = list(answers.interests)
    data["known"] = sorted(answers.known)
    return data


def answers_from_json(data: dict) -> Answers:
    return Answers(
        background=data["background"],
        interests=tuple(data.get("interests", ())),
        depth=data.get("depth", DepthKey.THOROUGH),
        hours_per_week=int(data.get("hours_per_week", 5)),
        known=frozenset(data.get("known", ())),
        project=bool(data.get("project", False)),
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
    from .models import PathSection

    sections = PathSection.objects.filter(
        path__in=Path.objects.curated().published(), slug__contains="project"
    ).select_related("path")
    preferred = [s for s in sections if s.path.audience_key == answers.background] or list(sections)
    if not preferred:
        return "Build something small that uses what you read."
    return "\n\n".join(f"**{s.title}** (from {s.path.title}):\n\n{s.body}" for s in preferred)


@transaction.atomic
def personal_path_save(
    *, user, answers: Answers, plan: Plan, library: Library, path: Path | None = None
) -> Path:
    """Create or update the learner's personal path from a plan, and enrol them in it.

    Steps are keyed by paper, so re-planning keeps the status and note of every step that
    remains; a step that leaves the plan is archived when the learner has worked on it.
    """
    if path is not None and path.owner_id != user.pk:
        raise PermissionError("Only the owner can re-plan a personal path.")
    hours = {
        depth: sum(
            (library.hours.get(k, {}).get(depth, 0) for k in plan.keys if k != PROJECT_KEY), 0
        )
        for depth in DEPTHS
    }
    if PROJECT_KEY in plan.keys:
        for depth in DEPTHS:
            hours[depth] += answers.hours_per_week
    background = library.background_titles.get(
        answers.background, Audience(answers.background).label
    )
    interests = [library.topic_titles.get(t, t) for t in answers.interests]
    title = f"My path: {background}" + (f" + {', '.join(interests)}" if interests else "")
    values = {
        "title": title[:200],
        "audience": "Personal path",
        "audience_key": answers.background,
        "goal": "Your own mix of the roadmap, built from your answers",
        "time_estimate": f"{plan.total_hours.normalize():f} h at {DepthKey(answers.depth).label}",
        "prerequisites": "Papers you already know are left out",
        "status": PublicationStatus.PUBLISHED,
        "builder_answers": answers_to_json(answers),
        **{f"hours_{d}": hours[d] for d in DEPTHS},
    }
    if path is None:
        path = Path.objects.create(
            owner=user, slug=f"my-{secrets.token_hex(5)}", number=0, **values
        )
    else:
        for name, value in values.items():
            setattr(path, name, value)
        path.save()

    texts = _step_texts(answers, plan.keys)
    papers = {p.slug: p for p in Paper.objects.published().filter(slug__in=plan.keys)}
    plan_keys = [k for k in plan.keys if k in papers or k == PROJECT_KEY]
    # Existing steps by the paper they cover (a curator may have renamed its slug since).
    existing_steps = _steps_by_key(path)
    taken_slugs = {s.slug for s in existing_steps.values()}
    existing_phases = {p.slug: p for p in Phase.objects.filter(path=path)}
    used_phase_slugs = set()
    for position, week in enumerate(plan.weeks):
        slug = f"week-{week.number}"
        phase = existing_phases.get(slug) or Phase(path=path, slug=slug)
        phase.position = position
        phase.label = week.label
        phase.title = ", ".join(
            "Project work" if s.is_project else library.papers.get(s.key, s.key) for s in week.steps
        )[:200]
        phase.duration = f"{week.span} week{'s' if week.span != 1 else ''}"
        phase.goal = f"About {week.hours.normalize():f} hours"
        phase.save()
        used_phase_slugs.add(slug)
        for step_position, planned in enumerate(s for s in week.steps if s.key in plan_keys):
            step = existing_steps.get(planned.key)
            if step is None:
                slug = planned.key
                while slug in taken_slugs:
                    slug = f"{planned.key}-{secrets.token_hex(2)}"
                taken_slugs.add(slug)
                step = Step(path=path, slug=slug)
            step.phase = phase
            step.position = step_position
            step.archived = False
            step.reason = "; ".join(planned.reasons).capitalize()[:300]
            if planned.is_project:
                step.title, step.body, step.key_takeaway = (
                    "Project work",
                    _project_text(answers),
                    "",
                )
            else:
                step.title = library.papers.get(planned.key, planned.key)
                step.body, step.key_takeaway = texts.get(planned.key, ("", ""))
            step.save()
            if not planned.is_project:
                StepPaper.objects.update_or_create(
                    step=step, paper=papers[planned.key], defaults={"position": 0}
                )
            existing_steps[planned.key] = step

    last_phase = (
        Phase.objects.filter(path=path, slug__in=used_phase_slugs).order_by("-position").first()
    )
    worked_on = set(
        StepProgress.objects.filter(step__path=path).values_list("step__slug", flat=True)
    )
    for key, step in existing_steps.items():
        if key in plan_keys:
            continue
        if step.slug in worked_on:
            step.archived = True
            step.phase = last_phase
            step.save(update_fields=["archived", "phase"])
        else:
            step.delete()
    Phase.objects.filter(path=path).exclude(slug__in=used_phase_slugs).filter(
        steps__isnull=True
    ).delete()

    forget_personal_history(path_ids=[path.pk])
    services.completion_refresh(paths=[path.pk])
    if not Enrollment.objects.filter(user=user, path=path).exists():
        services.enrollment_create(
            user=user, path=path, depth=answers.depth, hours_per_week=answers.hours_per_week
        )
    else:
        enrollment = Enrollment.objects.get(user=user, path=path)
        services.enrollment_update(
            enrollment=enrollment, depth=answers.depth, hours_per_week=answers.hours_per_week
        )
    return path


def _steps_by_key(path: Path) -> dict[str, Step]:
    """A personal path's steps by planner key: the current slug of the paper each covers, or
    the project key."""
    steps: dict[str, Step] = {}
    steps_with_papers = (
        Step.objects.filter(path=path)
        .select_related("phase")
        .prefetch_related("step_papers__paper")
    )
    for step in steps_with_papers:
        links = list(step.step_papers.all())
        key = links[0].paper.slug if links else PROJECT_KEY
        steps.setdefault(key, step)
    return steps


def saved_order(path: Path) -> list[str]:
    """The planner keys of a saved personal path's current steps, in order."""
    steps = sorted(
        ((s.phase.position, s.position, key) for key, s in _steps_by_key_with_phase(path)),
    )
    return [key for _, _, key in steps]


def _steps_by_key_with_phase(path: Path):
    for key, step in _steps_by_key(path).items():
        if not step.archived:
            yield key, step


def forget_personal_history(*, path_ids: list[int]) -> None:
    """A personal path is the learner's private data: keep no history of it (and none at all
    once the learner deletes their account)."""
    step_ids = list(Step.history.filter(path_id__in=path_ids).values_list("id", flat=True))
    StepPaper.history.filter(step_id__in=step_ids).delete()
    Step.history.filter(path_id__in=path_ids).delete()
    Phase.history.filter(path_id__in=path_ids).delete()
    Path.history.filter(id__in=path_ids).delete()
