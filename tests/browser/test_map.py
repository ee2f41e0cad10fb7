"""The roadmap map in a real browser: redrawn in place after each status change, a link per step."""

import re

from playwright.sync_api import expect

from learning.models import Path, Step

from .test_progress import sign_up, start_path, step_card


def test_the_map_shows_statuses_marked_with_htmx_without_a_reload(
    page, live_server, roadmap, password, browser_problems
):
    path = Path.objects.get(slug="software-engineer")
    steps = list(Step.objects.current().filter(path=path).order_by("phase__position", "position"))
    sign_up(page, live_server.url, "mapper@example.com", password)
    start_path(page, live_server.url, path)
    drawn = page.locator("#path-map")
    expect(drawn.locator("a.map-node")).to_have_count(len(steps))
    expect(drawn.locator(".map-percent")).to_have_text("0%")

    page.evaluate("window.__noReload = true")
    for step, button in zip(steps[:3], ["Done", "In progress", "Skipped"], strict=True):
        step_card(page, step).get_by_role("button", name=button, exact=True).click()
        expect(step_card(page, step).locator(".status-badge")).to_have_text(button)
    node = {step.pk: drawn.locator(f'a.map-node[href="#{step.anchor}"]') for step in steps}
    expect(node[steps[0].pk]).to_have_class(re.compile(r"\bmap-done\b"))
    expect(node[steps[1].pk]).to_have_class(re.compile(r"\bmap-in-progress\b.*\bmap-next\b"))
    expect(node[steps[2].pk]).to_have_class(re.compile(r"\bmap-skipped\b"))
    expect(node[steps[3].pk]).to_have_class(re.compile(r"\bmap-not-started\b"))
    expect(drawn.locator(".map-percent")).to_have_text(f"{round(100 / len(steps))}%")
    assert page.evaluate("window.__noReload") is True

    # Each node is a link a keyboard reaches, and it leads to its step.
    node[steps[2].pk].focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"#{steps[2].anchor}$"))
