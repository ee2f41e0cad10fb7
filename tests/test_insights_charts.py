"""Curator insights' SVG charts: images with a title and a description, a text alternative on
the page, suppressed figures drawn as such, and nothing the Content-Security-Policy refuses
(no style attribute, script or outside resource)."""

import re

import pytest

from learning.insights.charts import FEWER, funnel_chart, weekly_starts_chart

WEEKS = [
    {"week": f"2026-W{n:02d}", "monday": "2026-01-05", "started": started}
    for n, started in enumerate([0, None, 7, 12, 5, None], start=20)
]
STEPS = [
    {"id": 1, "name": "Day 1: <script>alert(1)</script>", "reached": 40, "done": 30, "skipped": 6},
    {"id": 2, "name": "Day 2: Attention", "reached": 20, "done": None, "skipped": 0},
    {"id": 3, "name": "Day 3: Late", "reached": None, "done": None, "skipped": None},
]


@pytest.fixture(params=["weekly", "funnel"])
def chart(request) -> str:
    if request.param == "weekly":
        return str(weekly_starts_chart(WEEKS, chart_id="weekly"))
    return str(funnel_chart(STEPS, marked={1}, chart_id="funnel"))


def test_a_chart_is_an_image_with_a_title_and_a_description(chart):
    svg = re.match(r"<svg [^>]*>", chart).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert len(labelled_by) == 2
    title, desc = labelled_by
    assert re.search(rf'<title id="{title}">[^<]+</title>', chart)
    assert re.search(rf'<desc id="{desc}">[^<]+</desc>', chart)
    assert chart.endswith("</svg>")


def test_a_chart_needs_nothing_the_csp_refuses(chart):
    assert "style=" not in chart
    assert "<script" not in chart
    assert "http" not in chart.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert " on" not in re.sub(r"<(title|desc)[^>]*>[^<]*</\1>", "", chart)  # no handler


def test_names_are_escaped():
    chart = str(funnel_chart(STEPS))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart


def test_a_suppressed_week_is_an_outlined_column_marked_fewer_than_5():
    chart = str(weekly_starts_chart(WEEKS))
    assert chart.count("bar-suppressed") == 2
    assert f"2026-W21: {FEWER} started" in chart
    assert "2026-W23: 12 started" in chart
    assert "2026-W20: 0 started" in chart


def test_the_funnel_draws_only_figures_that_may_be_shown():
    chart = str(funnel_chart(STEPS, marked={1}))
    assert chart.count("bar-reached") == 2  # the third step's reach is suppressed
    assert chart.count("bar-done") == 1  # the second step's Done count is suppressed
    assert chart.count("bar-skipped") == 1
    assert f"reached {FEWER}, done {FEWER}, skipped {FEWER}" in chart
    assert "reached 40, done 30, skipped 6" in chart
    assert chart.count('class="axis-label marked"') == 1


def test_empty_figures_draw_an_empty_chart():
    assert 'role="img"' in str(funnel_chart([]))
    assert 'role="img"' in str(weekly_starts_chart([]))


def test_the_page_gives_each_chart_a_text_alternative_and_no_style_attribute(roadmap, editor):
    page = editor.get("/admin/insights/software-engineer/").content.decode()
    assert page.count('role="img"') == 2
    assert "The weekly figures as a table" in page  # the weekly chart's table
    assert '<table class="insights-steps">' in page  # the funnel's table
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        assert "style=" not in svg
    assert "admin-insights.css" in page
