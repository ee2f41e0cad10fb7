"""Curator insights in a real browser under the Content-Security-Policy: the charts draw with
their colours from the stylesheet (no violation, nothing logged), and "Refresh now" says it is
working, then reloads with the new time and a message."""

import re

from playwright.sync_api import expect

from learning.insights.compute import insights_refresh
from learning.models import Path

from .site_pages import CURATED_PATH, sign_in


def test_the_insights_page_draws_its_charts_and_refreshes(
    page, live_server, roadmap, curator, browser_problems
):
    insights_refresh(paths=[Path.objects.get(slug=CURATED_PATH)])
    sign_in(page, live_server, curator)
    page.goto(f"{live_server.url}/admin/insights/{CURATED_PATH}/")
    charts = page.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(page.get_by_role("img", name="Step funnel")).to_be_visible()
    # The bars take their colours from static/css/admin-insights.css.
    fill = page.locator(".insights-chart .bar-reached").first.evaluate(
        "bar => getComputedStyle(bar).fill"
    )
    assert fill == "none"
    page.get_by_text("The weekly figures as a table").click()
    weeks = page.get_by_role("rowheader", name=re.compile(r"^\d{4}-W\d{2}$"))
    expect(weeks).to_have_count(26)
    expect(weeks.first).to_be_visible()
    before = page.locator("time").first.get_attribute("datetime")
    page.get_by_role("button", name="Refresh now").click()
    expect(page.get_by_text("Figures refreshed for 1 path")).to_be_visible()
    assert page.locator("time").first.get_attribute("datetime") != before
