"""Curator insights' charts as inline SVG drawn on the server: the weekly starts as columns and
the step funnel as one bar per step. Pure layout over a snapshot's (already suppressed) figures.

Each chart is an image with a title and a description (role="img", aria-labelledby); the page
puts the same figures in a table beside it, the chart's text alternative. Colours come from
classes in static/css/admin-insights.css: no style attribute, script or outside resource, so
the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

FEWER = "fewer than 5"

# Weekly starts: columns under a top margin for the largest figure, week labels below.
COLUMN, COLUMN_GAP = 18, 6
COLUMNS_HEIGHT, COLUMNS_TOP, COLUMNS_LEFT, COLUMNS_BOTTOM = 120, 16, 8, 30
# Funnel: a row per step, its number on the left, the counts after the bar.
ROW, ROW_GAP, BAR_LEFT, BAR_WIDTH, FUNNEL_RIGHT = 16, 6, 36, 420, 300


def shown(count: int | None) -> str:
    return FEWER if count is None else f"{count:,}"


def _svg(*, chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    head = format_html(
        '<svg class="insights-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc" id="{id}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
    )
    return mark_safe(f"{head}{body}</svg>")


def weekly_starts_chart(weeks: list[dict], *, chart_id: str = "weekly-starts") -> SafeString:
    """A column per ISO week (oldest first): how many learners started the path that week. A
    week of 1 to 4 starts is an outlined column at the height of 4, marked "fewer than 5"."""
    largest = max([w["started"] or 0 for w in weeks] + [4])
    width = COLUMNS_LEFT * 2 + len(weeks) * (COLUMN + COLUMN_GAP)
    base = COLUMNS_TOP + COLUMNS_HEIGHT
    parts = []
    for index, week in enumerate(weeks):
        x = COLUMNS_LEFT + index * (COLUMN + COLUMN_GAP)
        value = week["started"]
        height = round((4 if value is None else value) / largest * COLUMNS_HEIGHT)
        css = "bar bar-suppressed" if value is None else "bar"
        parts.append(
            format_html(
                '<rect class="{css}" x="{x}" y="{y}" width="{w}" height="{h}">'
                "<title>{week}: {value} started</title></rect>",
                css=css,
                x=x,
                y=base - height,
                w=COLUMN,
                h=height,
                week=week["week"],
                value=shown(value),
            )
        )
        last = len(weeks) - 1
        if index == last or (index % 4 == 0 and last - index >= 3):
            parts.append(
                format_html(
                    '<text class="axis-label" x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                    x=x + COLUMN // 2,
                    y=base + 14,
                    label=week["week"].split("-")[1],
                )
            )
    parts.append(
        format_html(
            '<line class="axis" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"></line>'
            '<text class="axis-label" x="{x1}" y="{top}">{largest}</text>',
            x1=COLUMNS_LEFT,
            x2=width - COLUMNS_LEFT,
            y=base,
            top=COLUMNS_TOP - 4,
            largest=f"{largest:,}",
        )
    )
    first, last = (weeks[0]["week"], weeks[-1]["week"]) if weeks else ("", "")
    return _svg(
        chart_id=chart_id,
        width=width,
        height=base + COLUMNS_BOTTOM,
        title=f"Learners who started the path, per week, {first} to {last}",
        desc=f"{len(weeks)} columns, one per ISO week; the table below lists every week's "
        f"figure. Weeks with 1 to 4 starts are shown as '{FEWER}'.",
        body="".join(parts),
    )


def _funnel_row(index: int, step: dict, largest: int, *, marked: bool) -> str:
    y = index * (ROW + ROW_GAP)
    scale = BAR_WIDTH / largest
    reached, done, skipped = step["reached"], step["done"], step["skipped"]
    parts = [
        format_html(
            '<text class="axis-label{mark}" x="{x}" y="{y}" text-anchor="end">{number}</text>',
            mark=" marked" if marked else "",
            x=BAR_LEFT - 6,
            y=y + ROW - 4,
            number=index + 1,
        )
    ]
    if reached is not None:
        parts.append(_bar("bar-reached", BAR_LEFT, y, round(reached * scale)))
    if reached is not None and done is not None:
        parts.append(_bar("bar-done", BAR_LEFT, y + 3, round(done * scale), ROW - 6))
    if reached is not None and done is not None and skipped is not None:
        start = BAR_LEFT + round(done * scale)
        parts.append(_bar("bar-skipped", start, y + 3, round(skipped * scale), ROW - 6))
    summary = f"reached {shown(reached)}, done {shown(done)}, skipped {shown(skipped)}"
    parts.append(
        format_html(
            '<text class="bar-value" x="{x}" y="{y}">{summary}<title>{name}: {summary}</title>'
            "</text>",
            x=BAR_LEFT + BAR_WIDTH + 8,
            y=y + ROW - 4,
            summary=summary,
            name=step["name"],
        )
    )
    return "".join(parts)


def _bar(css: str, x: int, y: int, width: int, height: int = ROW) -> str:
    return format_html(
        '<rect class="bar {css}" x="{x}" y="{y}" width="{w}" height="{h}"></rect>',
        css=css,
        x=x,
        y=y,
        w=max(width, 0),
        h=height,
    )


def funnel_chart(
    steps: list[dict], *, marked: set[int] = frozenset(), chart_id: str = "step-funnel"
) -> SafeString:
    """A row per step in path order: an outlined bar as long as the learners who reached it,
    filled for those who finished it and, after that, for those who skipped it. Counts of 1 to
    4 are not drawn. `marked` steps (the most skipped and the slowest) have bold numbers."""
    largest = max([s["reached"] or 0 for s in steps] + [1])
    rows = "".join(
        _funnel_row(index, step, largest, marked=step["id"] in marked)
        for index, step in enumerate(steps)
    )
    return _svg(
        chart_id=chart_id,
        width=BAR_LEFT + BAR_WIDTH + FUNNEL_RIGHT,
        height=max(1, len(steps)) * (ROW + ROW_GAP),
        title=f"Step funnel: learners who reached, finished and skipped each of {len(steps)} steps",
        desc="One row per step, numbered in path order as in the table below: the outline is "
        "the learners who reached the step, the dark part those who marked it Done, the light "
        f"part after it those who Skipped it. Counts of 1 to 4 are shown as '{FEWER}'.",
        body=rows,
    )
