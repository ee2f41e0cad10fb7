"""Curator insights' figures: a handful of set-based aggregates over enrolments, progress rows
and status changes (GROUP BY step or path, never a loop over learners), suppressed and stored
as one PathInsight snapshot per curated path.

A snapshot's shape is SNAPSHOT_VERSION; a change to it is deployed with `manage.py
refresh_insights` run once after `migrate`.

Suppression happens here, before anything is stored: a count of 1 to 4 learners is kept as
None ("fewer than 5"), and so is a median of fewer than 5 durations; parts of a total that is
shown are hidden together (suppressed_parts), so none can be worked out by subtraction. No
page, chart or CSV built on a snapshot can describe an individual. Zero stays zero: it
describes nobody.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from learning.models import (
    DepthKey,
    Enrollment,
    Path,
    PathInsight,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)
from learning.plans import path_step_hours

THRESHOLD = 5  # fewer learners than this and a figure is not shown
WEEKS = 26  # weekly starts: this many ISO weeks, the current one last
ACTIVE_DAYS = 30
HIGHLIGHTED = 3  # the most skipped and the slowest steps shown
# Estimates are the path's own at one depth, whatever depth each learner chose: the middle
# one, so a step's pace compares with what most readers plan for.
ESTIMATE_DEPTH = DepthKey.THOROUGH
SNAPSHOT_VERSION = 1
FUNNEL_KEYS = ("reached", "in_progress", "done", "skipped", "notes")

# Per learner and step: the first "In progress", then the first "Done" after it; the median of
# those spans per step (in hours), with how many spans it is made of. MATERIALIZED: inlined,
# the first aggregate ran once in each parallel worker (twice as slow at 1,000,000 events).
DURATIONS_SQL = """
WITH began AS MATERIALIZED (
    SELECT user_id, step_id, min(created_at) AS at
    FROM learning_progressevent
    WHERE status = 'in_progress' AND step_id = ANY(%(steps)s::bigint[])
    GROUP BY user_id, step_id
), took AS (
    SELECT b.step_id, min(e.created_at) - b.at AS span
    FROM began AS b
    JOIN learning_progressevent AS e
      ON e.user_id = b.user_id AND e.step_id = b.step_id
     AND e.status = 'done' AND e.created_at > b.at
    GROUP BY b.user_id, b.step_id, b.at
)
SELECT step_id, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM span)) / 3600.0
FROM took
GROUP BY step_id
"""


def suppressed(count: int) -> int | None:
    """A count of learners as it may be shown: None for 1 to 4 ("fewer than 5")."""
    return None if 0 < count < THRESHOLD else count


def suppressed_parts(counts: list[int], *, unshown: int = 0) -> list[int | None]:
    """Counts that add up to a total that is shown (with `unshown` learners in no part shown):
    each of 1 to 4 hidden, and then, while what is hidden adds up to 1 to 4 (the total minus
    the parts shown would tell it), the smallest part still shown above zero is hidden too."""
    hidden = {i for i, count in enumerate(counts) if 0 < count < THRESHOLD}
    while 0 < unshown + sum(counts[i] for i in hidden) < THRESHOLD:
        shown = [i for i, count in enumerate(counts) if i not in hidden and count > 0]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: counts[i]))
    return [None if i in hidden else count for i, count in enumerate(counts)]


def _current_steps(paths: list[Path]) -> dict[int, list[Step]]:
    steps = (
        Step.objects.current()
        .filter(path__in=paths)
        .select_related("phase")
        .prefetch_related("step_papers__paper")
        .order_by("path_id", "phase__position", "position", "pk")
    )
    by_path = defaultdict(list)
    for step in steps:
        by_path[step.path_id].append(step)
    return by_path


def _funnel(step_ids: list[int]) -> dict[int, dict]:
    """Per step: learners who reached it (any status but Not started), have it in progress,
    finished it, skipped it, and wrote a note on it."""
    rows = (
        StepProgress.objects.filter(step_id__in=step_ids)
        .values("step_id")
        .annotate(
            reached=Count("pk", filter=~Q(status=StepStatus.NOT_STARTED)),
            in_progress=Count("pk", filter=Q(status=StepStatus.IN_PROGRESS)),
            done=Count("pk", filter=Q(status=StepStatus.DONE)),
            skipped=Count("pk", filter=Q(status=StepStatus.SKIPPED)),
            notes=Count("pk", filter=~Q(note="")),
        )
        .order_by()
    )
    return {row.pop("step_id"): row for row in rows}


def _durations(step_ids: list[int]) -> dict[int, tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(DURATIONS_SQL, {"steps": step_ids})
        return {step_id: (count, median) for step_id, count, median in cursor.fetchall()}


def _learners(path_ids: list[int], now: datetime.datetime) -> dict[int, dict]:
    """Per path: learners enrolled, who completed it, and who changed a status on one of its
    steps in the last ACTIVE_DAYS days."""
    figures = defaultdict(lambda: {"enrolled": 0, "completed": 0, "active": 0})
    totals = (
        Enrollment.objects.filter(path_id__in=path_ids)
        .values("path_id")
        .annotate(enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by()
    )
    for row in totals:
        figures[row["path_id"]].update(enrolled=row["enrolled"], completed=row["completed"])
    active = (
        ProgressEvent.objects.filter(
            step__path_id__in=path_ids,
            created_at__gte=now - datetime.timedelta(days=ACTIVE_DAYS),
        )
        .values("step__path_id")
        .annotate(active=Count("user_id", distinct=True))
        .order_by()
    )
    for row in active:
        figures[row["step__path_id"]]["active"] = row["active"]
    return figures


def week_starts(now: datetime.datetime) -> list[datetime.date]:
    """The Mondays of the last WEEKS ISO weeks, oldest first (in the site's time zone)."""
    today = timezone.localdate(now)
    monday = today - datetime.timedelta(days=today.weekday())
    return [monday - datetime.timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]


def _weekly_starts(path_ids: list[int], first_monday: datetime.date) -> dict[tuple, int]:
    since = timezone.make_aware(datetime.datetime.combine(first_monday, datetime.time()))
    rows = (
        Enrollment.objects.filter(path_id__in=path_ids, started_at__gte=since)
        .annotate(week=TruncWeek("started_at"))
        .values("path_id", "week")
        .annotate(started=Count("pk"))
        .order_by()
    )
    return {(row["path_id"], timezone.localdate(row["week"])): row["started"] for row in rows}


def _step_counts(funnel: dict) -> dict[str, int | None]:
    """A step's counts as shown: In progress, Done and Skipped add up to Reached, so they are
    hidden together enough that none can be worked out from the others."""
    raw = {key: funnel.get(key, 0) for key in FUNNEL_KEYS}
    parts = ("in_progress", "done", "skipped")
    shown = dict(zip(parts, suppressed_parts([raw[key] for key in parts]), strict=True))
    return {"reached": suppressed(raw["reached"]), **shown, "notes": suppressed(raw["notes"])}


def _step_figures(step: Step, estimate: Decimal, funnel: dict, durations: tuple | None) -> dict:
    counts = _step_counts(funnel)
    measured, median = durations or (0, None)
    shown_median = round(median, 2) if median is not None and measured >= THRESHOLD else None
    reached, skipped = counts["reached"], counts["skipped"]
    skip_rate = round(skipped / reached, 4) if reached and skipped is not None else None
    pace = round(shown_median / float(estimate), 2) if shown_median and estimate else None
    return {
        "id": step.pk,
        "name": str(step),
        "phase": str(step.phase),
        "estimate_hours": float(estimate),
        **counts,
        "durations": suppressed(measured),
        "median_hours": shown_median,
        "skip_rate": skip_rate,
        "pace": pace,
    }


def _highlights(steps: list[dict], key: str) -> list[int]:
    """The HIGHLIGHTED steps with the highest shown value of `key` (a rate above zero)."""
    ranked = sorted((s for s in steps if s[key]), key=lambda s: -s[key])
    return [s["id"] for s in ranked[:HIGHLIGHTED]]


def _learner_counts(learners: dict) -> dict[str, int | None]:
    """Learners started, completed and active as shown: completed and active are parts of
    those who started, so neither is shown when the rest (started but not completed, or not
    active) is 1 to 4 learners."""
    enrolled = learners["enrolled"]
    return {
        "enrolled": suppressed(enrolled),
        "completed": suppressed_parts(
            [learners["completed"]], unshown=enrolled - learners["completed"]
        )[0],
        "active": suppressed_parts(
            [learners["active"]], unshown=max(0, enrolled - learners["active"])
        )[0],
    }


def _weeks(mondays: list[datetime.date], starts: list[int], enrolled: int) -> list[dict]:
    """Learners who started each week; with those who started earlier they add up to all
    who started (shown), so they are hidden together as a step's counts are."""
    shown = suppressed_parts(starts, unshown=max(0, enrolled - sum(starts)))
    return [
        {
            "week": f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}",
            "monday": monday.isoformat(),
            "started": started,
        }
        for monday, started in zip(mondays, shown, strict=True)
    ]


def path_snapshot(
    *, path: Path, steps: list[Step], learners: dict, weeks: list[dict], funnel: dict, durations
) -> dict:
    """One path's stored figures (every count already suppressed)."""
    estimates = path_step_hours(steps, path=path, depth=ESTIMATE_DEPTH) if steps else []
    figures = [
        _step_figures(step, estimate, funnel.get(step.pk, {}), durations.get(step.pk))
        for step, estimate in zip(steps, estimates, strict=True)
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "threshold": THRESHOLD,
        "estimate_depth": ESTIMATE_DEPTH.label,
        "active_days": ACTIVE_DAYS,
        "learners": _learner_counts(learners),
        "weeks": weeks,
        "steps": figures,
        "most_skipped": _highlights(figures, "skip_rate"),
        "slowest": _highlights(figures, "pace"),
    }


def compute(paths: list[Path], *, now: datetime.datetime) -> dict[int, dict]:
    """Every given path's snapshot data, from one pass of each aggregate over all of them."""
    path_ids = [path.pk for path in paths]
    steps = _current_steps(paths)
    step_ids = [step.pk for path_steps in steps.values() for step in path_steps]
    funnel, durations = _funnel(step_ids), _durations(step_ids)
    learners = _learners(path_ids, now)
    mondays = week_starts(now)
    starts = _weekly_starts(path_ids, mondays[0])
    snapshots = {}
    for path in paths:
        started = [starts.get((path.pk, monday), 0) for monday in mondays]
        snapshots[path.pk] = path_snapshot(
            path=path,
            steps=steps.get(path.pk, []),
            learners=learners[path.pk],
            weeks=_weeks(mondays, started, learners[path.pk]["enrolled"]),
            funnel=funnel,
            durations=durations,
        )
    return snapshots


@transaction.atomic
def insights_refresh(*, paths: list[Path] | None = None) -> list[PathInsight]:
    """Compute and store the snapshots of these curated paths (all of them by default); a
    personal path is never included. Running it twice in a row stores the same figures."""
    chosen = Path.objects.curated().order_by("number", "pk")
    if paths is not None:
        chosen = chosen.filter(pk__in=[path.pk for path in paths])
    chosen = list(chosen)
    with connection.cursor() as cursor:
        # Room to group a million rows in memory, for this transaction only (the default 4 MB
        # spills the durations' sorts and hashes to disk).
        cursor.execute("SET LOCAL work_mem = '64MB'")
    now = timezone.now()
    snapshots = compute(chosen, now=now)
    stored = []
    for path in chosen:
        insight, _ = PathInsight.objects.update_or_create(
            path=path, defaults={"computed_at": now, "data": snapshots[path.pk]}
        )
        stored.append(insight)
    return stored
