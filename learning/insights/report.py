"""Curator insights as people read them: a snapshot's figures laid out for the page (rates as
percentages, the highlighted steps, the charts) and as CSV rows. Reads only the snapshot."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.page_cache import rendered_cache
from core.spreadsheet import csv_cell
from learning.estimates import hours_display
from learning.models import PathInsight

from .charts import funnel_chart, shown, weekly_starts_chart
from .compute import FUNNEL_KEYS

FIGURES_TEMPLATE = "admin/insights/_figures.html"
CSV_FEWER = "<5"
CSV_COLUMNS = ["section", "item", "phase", "measure", "value"]
STEP_MEASURES = [
    ("estimate_hours", "estimate hours ({depth})"),
    ("reached", "learners reached"),
    ("in_progress", "learners in progress"),
    ("done", "learners done"),
    ("skipped", "learners skipped"),
    ("skip_rate", "skip rate (% of reached)"),
    ("median_hours", "median hours from first In progress to Done"),
    ("durations", "learners timed (In progress to Done)"),
    ("notes", "learners with a note"),
]
LEARNER_MEASURES = [
    ("enrolled", "learners started"),
    ("active", "learners active in the last {days} days"),
    ("completed", "learners completed"),
]


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.0f}%"


@dataclass(frozen=True)
class StepLine:
    number: int
    figures: dict
    most_skipped: bool
    slowest: bool

    @property
    def shown(self) -> dict[str, str]:
        """Every count as shown: a number, or "fewer than 5"."""
        return {key: shown(self.figures[key]) for key in (*FUNNEL_KEYS, "durations")}

    @property
    def skip_rate_shown(self) -> str:
        return percent(self.figures["skip_rate"])

    @property
    def median_shown(self) -> str:
        return hours_display(self.figures["median_hours"])

    @property
    def pace_shown(self) -> str:
        pace = self.figures["pace"]
        return "" if pace is None else f"{pace:.1f}\N{MULTIPLICATION SIGN}"


def step_lines(data: dict) -> list[StepLine]:
    skipped, slowest = set(data["most_skipped"]), set(data["slowest"])
    return [
        StepLine(
            number=index,
            figures=step,
            most_skipped=step["id"] in skipped,
            slowest=step["id"] in slowest,
        )
        for index, step in enumerate(data["steps"], start=1)
    ]


def figures_context(insight: PathInsight) -> dict:
    """What the path's insights page shows, from its snapshot alone."""
    data = insight.data
    lines = step_lines(data)
    learners = data["learners"]
    return {
        "insight": insight,
        "learners": [
            (label.format(days=data["active_days"]), shown(learners[key]))
            for key, label in LEARNER_MEASURES
        ],
        "weeks": [{**week, "shown": shown(week["started"])} for week in data["weeks"]],
        "steps": lines,
        "most_skipped": [line for line in lines if line.most_skipped],
        "slowest": [line for line in lines if line.slowest],
        "weekly_chart": weekly_starts_chart(data["weeks"]),
        "funnel_chart": funnel_chart(
            data["steps"], marked=set(data["most_skipped"]) | set(data["slowest"])
        ),
        "estimate_depth": data["estimate_depth"],
        "threshold": data["threshold"],
    }


def figures_html(insight_id: int, computed_at) -> SafeString:
    """The page's figures (learners, weekly starts, highlights, funnel) as HTML, drawn once per
    snapshot and process (the "rendered" cache): a snapshot never changes once written (a
    refresh writes a new time), and it is read only when this process has not drawn it yet."""
    key = f"insights:{insight_id}:{computed_at.isoformat()}"
    cache = rendered_cache()
    html = cache.get(key)
    if html is None:
        insight = PathInsight.objects.get(pk=insight_id)
        html = render_to_string(FIGURES_TEMPLATE, figures_context(insight))
        cache.set(key, html)
    return mark_safe(html)


def _cell(value) -> str:
    return CSV_FEWER if value is None else str(value)


def csv_text(insight: PathInsight, *, title: str) -> str:
    """The snapshot as CSV, one figure a row (section, item, phase, measure, value): the
    learners, every week's starts, every step's figures. Suppressed counts are "<5"; a rate or
    median that cannot be shown is empty."""
    data = insight.data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for key, label in LEARNER_MEASURES:
        measure = label.format(days=data["active_days"])
        writer.writerow(["learners", csv_cell(title), "", measure, _cell(data["learners"][key])])
    for week in data["weeks"]:
        started = _cell(week["started"])
        writer.writerow(["weekly starts", week["week"], "", "learners started", started])
    for step in data["steps"]:
        for key, label in STEP_MEASURES:
            value = step[key]
            if key == "skip_rate":
                value = "" if value is None else f"{value * 100:.1f}"
            elif key in ("median_hours",) and value is None:
                value = ""
            else:
                value = _cell(value)
            measure = label.format(depth=data["estimate_depth"])
            where = [csv_cell(step["name"]), csv_cell(step["phase"])]
            writer.writerow(["step", *where, measure, value])
    return out.getvalue()
