"""A personal path's weeks: its phases laid out from the one estimate model.

A personal path's phases are the weeks of its schedule at the learner's depth and pace, so the
path page, the dashboard and the calendar show the same weeks the builder showed. They are laid
out again whenever the steps, the depth or the pace change. Progress hangs on steps, never on
phases, so this never touches a learner's statuses or notes.
"""

from __future__ import annotations

from decimal import Decimal

from papers.models import search_vector

from .estimates import Schedule, hours_display, schedule, step_hours
from .models import DepthKey, Path, Phase, Step, StepPaper
from .planner import PROJECT_KEY

DEPTHS = [d.value for d in DepthKey]


def plan_key_of(step: Step) -> str:
    """A personal path's step's key in the learner's plan (papers prefetched): the current slug
    of its paper (a curator may rename it), else the key stored for a step without one (the
    project, or a restored step whose paper this roadmap lacks)."""
    links = list(step.step_papers.all())
    if links:
        return links[0].paper.slug
    return step.plan_key or PROJECT_KEY


def step_weight(step: Step, depth: str) -> Decimal | None:
    """The hours of the papers a step covers at a depth (papers prefetched), or None."""
    links = list(step.step_papers.all())
    if not links:
        return None
    return sum((link.paper.hours_for(depth) for link in links), Decimal(0))


def path_step_hours(steps: list[Step], *, path: Path, depth: str) -> list[Decimal]:
    """Hours of each of a path's current steps at a depth: the one estimate model. A curated
    path shares its own hours at that depth; a personal path's hours are its papers' hours."""
    weights = [step_weight(step, depth) for step in steps]
    return step_hours(weights, None if path.is_personal else path.hours_for(depth))


def plan_schedule(
    steps: list[Step], *, path: Path, depth: str, hours_per_week: int | None, start=None
) -> Schedule:
    return schedule(path_step_hours(steps, path=path, depth=depth), hours_per_week, start)


_STEP_TEXT_FIELDS = ["title", "body", "body_html", "key_takeaway", "key_takeaway_html"]


def personal_steps_write(*, created: list[Step], changed: list[Step] = ()) -> None:
    """Write a personal path's new and changed steps in bulk: Markdown rendered, search vectors
    kept current. A personal path keeps no content history, so no per-row signals are needed."""
    for step in [*created, *changed]:
        step.render_markdown_fields()
    Step.objects.bulk_create(created)
    Step.objects.bulk_update(changed, [*_STEP_TEXT_FIELDS, "archived", "reason"])
    written = [s.pk for s in [*created, *changed]]
    if written:
        Step.objects.filter(pk__in=written).update(search_vector=search_vector(Step.search_fields))


def _current_steps(path: Path) -> list[Step]:
    return list(
        Step.objects.filter(path=path)
        .select_related("phase")
        .prefetch_related("step_papers__paper")
        .order_by("phase__position", "position", "pk")
    )


def personal_path_regroup(
    *, path: Path, depth: str, hours_per_week: int, order: list[int] | None = None
) -> Schedule:
    """Lay a personal path's current steps out in weeks (its phases) at this depth and pace,
    and store its hours at every depth. `order` lists step ids in the learner's order (else the
    present order is kept). Archived steps keep a phase that still exists."""
    # One layout at a time per path (a pace change racing a save), and a new revision of the
    # plan: a re-plan drafted before this is out of date.
    revision = (
        Path.objects.select_for_update().values_list("plan_revision", flat=True).get(pk=path.pk)
    )
    path.plan_revision = revision + 1
    steps = _current_steps(path)
    current = [s for s in steps if not s.archived]
    if order is not None:
        rank = {pk: i for i, pk in enumerate(order)}
        current.sort(key=lambda s: rank.get(s.pk, len(rank)))
    plan = plan_schedule(current, path=path, depth=depth, hours_per_week=hours_per_week)
    phases = {p.slug: p for p in Phase.objects.filter(path=path)}
    used: list[Phase] = []
    created, changed = [], []
    for position, block in enumerate(plan.blocks):
        slug = f"week-{block.number}"
        phase = phases.get(slug) or Phase(path=path, slug=slug)
        members = [current[i] for i in block.indexes]
        values = {
            "position": position,
            "label": block.label,
            "title": ", ".join(s.title for s in members)[:200],
            "duration": block.duration,
            "goal": f"About {hours_display(block.hours)} hours",
        }
        if phase.pk is None or any(getattr(phase, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(phase, name, value)
            (changed if phase.pk else created).append(phase)
        phases[slug] = phase
        used.append(phase)
        for step in members:
            step.phase = phase
    # In bulk and without history: a personal path's phases are the learner's private data.
    Phase.objects.bulk_create(created)
    Phase.objects.bulk_update(changed, ["position", "label", "title", "duration", "goal"])
    for index, step in enumerate(current):
        step.position = index
    used_ids = {p.pk for p in used}
    fallback = used[-1] if used else _holding_phase(path, phases)
    for step in steps:
        if step.archived and step.phase_id not in used_ids:
            step.phase = fallback
    Step.objects.bulk_update(steps, ["phase", "position"])
    keep = used_ids | {fallback.pk}
    deleted, _ = Phase.objects.filter(path=path).exclude(pk__in=keep).delete()
    if deleted:
        forget_personal_history(path_ids=[path.pk])

    totals = {}
    for key in DEPTHS:
        totals[key] = sum(path_step_hours(current, path=path, depth=key), Decimal(0))
    path.hours_quick, path.hours_thorough, path.hours_deep = (totals[d] for d in DEPTHS)
    path.time_estimate = f"{hours_display(totals[depth])} h at {DepthKey(depth).label}"
    path.save(
        update_fields=[
            "hours_quick",
            "hours_thorough",
            "hours_deep",
            "time_estimate",
            "plan_revision",
        ]
    )
    return plan


def _holding_phase(path: Path, phases: dict[str, Phase]) -> Phase:
    """A phase for a path whose steps are all archived (every step removed from the plan)."""
    phase = phases.get("week-1") or Phase(path=path, slug="week-1")
    phase.position, phase.label, phase.title, phase.duration, phase.goal = (
        0,
        "Week 1",
        "Nothing planned",
        "",
        "",
    )
    phase.save()
    return phase


def forget_personal_history(*, path_ids: list[int]) -> None:
    """A personal path is the learner's private data: keep no history of it (and none at all
    once the learner deletes their account). Saves write none (PrivateHistoryMixin); this
    removes what deleting its rows left behind."""
    step_ids = list(Step.history.filter(path_id__in=path_ids).values_list("id", flat=True))
    StepPaper.history.filter(step_id__in=step_ids).delete()
    Step.history.filter(path_id__in=path_ids).delete()
    Phase.history.filter(path_id__in=path_ids).delete()
    Path.history.filter(id__in=path_ids).delete()
