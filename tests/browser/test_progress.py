"""A learner tracks a path in a real browser: in place, durably, continued from the dashboard."""

import re

from playwright.sync_api import expect

from learning.models import Path, Step


def sign_up(page, base_url, email, password):
    page.goto(base_url + "/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.get_by_role("link", name="log in", exact=True).click()
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("banner").get_by_text(email)).to_be_visible()


def start_path(page, base_url, path, depth="Quick pass"):
    """Open the path's page and start it at a depth, as the learner would."""
    page.goto(base_url + path.get_absolute_url())
    page.get_by_label(depth).check()
    page.get_by_role("button", name="Start this path").click()


def step_card(page, step):
    return page.locator(f"#step-{step.slug}")


def test_learner_tracks_steps_without_reloads_and_keeps_them(page, live_server, roadmap, password):
    path = Path.objects.get(slug="software-engineer")
    steps = list(Step.objects.filter(path=path).order_by("phase__position", "position"))
    total = len(steps)
    sign_up(page, live_server.url, "tracker@example.com", password)

    start_path(page, live_server.url, path)
    expect(page.get_by_text(f"0 of {total} steps")).to_be_visible()

    # A marker on window survives only if the page is never reloaded.
    page.evaluate("window.__noReload = true")
    for step in steps[:3]:
        step_card(page, step).get_by_role("button", name="Done", exact=True).click()
        expect(step_card(page, step).locator(".status-badge")).to_have_text("Done")
    step_card(page, steps[3]).get_by_role("button", name="Skipped").click()
    expect(step_card(page, steps[3]).locator(".status-badge")).to_have_text("Skipped")
    expect(page.get_by_text(f"3 of {total} steps")).to_be_visible()
    assert page.evaluate("window.__noReload") is True

    page.reload()
    expect(page.get_by_text(f"3 of {total} steps")).to_be_visible()
    for step in steps[:3]:
        expect(step_card(page, step).locator(".status-badge")).to_have_text("Done")
    expect(step_card(page, steps[3]).locator(".status-badge")).to_have_text("Skipped")

    page.get_by_role("banner").get_by_text("tracker@example.com").click()
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("tracker@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()

    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_text(f"3 of {total} steps")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Continue")).click()
    expect(page).to_have_url(re.compile(rf"{path.get_absolute_url()}#step-{steps[4].slug}$"))
    expect(step_card(page, steps[4])).to_have_class(re.compile(r"\bis-next\b"))
    expect(step_card(page, steps[4]).locator(".status-badge")).to_have_text("Not started")
    page.screenshot(path="/tmp/progress-after.png", full_page=False)


def test_a_checklist_item_ticks_in_place_on_the_dashboard(page, live_server, roadmap, password):
    sign_up(page, live_server.url, "ticker@example.com", password)
    page.goto(live_server.url + "/dashboard/")
    page.evaluate("window.__noReload = true")
    item = page.locator("#" + page.locator("#checklists .tick-button").first.get_attribute("id"))
    expect(item).to_have_attribute("aria-pressed", "false")
    item.click()
    expect(item).to_have_attribute("aria-pressed", "true")  # the item, swapped in place
    assert page.evaluate("window.__noReload") is True
    page.reload()
    expect(item).to_have_attribute("aria-pressed", "true")
