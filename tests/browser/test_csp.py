"""The site works in a real browser under its Content-Security-Policy: public pages, marking a
step with htmx, the builder, and the curator's admin (drag to reorder, Markdown preview), with
no violation and nothing logged as an error or warning (browser_problems)."""

import re

from playwright.sync_api import expect

from core.models import PublicationStatus
from learning.models import Path, Step, StepProgress, StepStatus

from .test_progress import sign_up, start_path, step_card


def header_nonce(response) -> str:
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    return re.search(r"'nonce-([^']+)'", policy).group(1)


def htmx_nonce(page) -> str:
    # The browser hides a nonce attribute once the page has loaded; the property keeps it.
    return page.evaluate("document.querySelector('script[src*=\"htmx\"]').nonce")


def test_public_pages_and_htmx_marking_work_under_the_policy(
    page, live_server, roadmap, password, browser_problems
):
    # The catalog comes whole from the page cache the second time; its nonce is still this
    # response's own, so htmx loads (no inline style of its own, no eval).
    nonces = []
    for _ in range(2):
        response = page.goto(live_server.url + "/")
        assert response.headers["permissions-policy"].startswith("accelerometer=()")
        nonces.append(header_nonce(response))
        assert htmx_nonce(page) == nonces[-1]
        assert page.evaluate("htmx.config.allowEval") is False
        assert page.locator("style").count() == 0
    assert nonces[0] != nonces[1]
    expect(page.get_by_role("link", name=re.compile("Software Engineer")).first).to_be_visible()

    path = Path.objects.get(slug="software-engineer")
    first = Step.objects.filter(path=path).order_by("phase__position", "position").first()
    sign_up(page, live_server.url, "csp.learner@example.com", password)
    start_path(page, live_server.url, path)
    expect(step_card(page, first).locator(".status-badge")).to_have_text("Not started")

    page.evaluate("window.__noReload = true")  # survives only if htmx did it in place
    step_card(page, first).get_by_role("button", name="Done", exact=True).click()
    expect(step_card(page, first).locator(".status-badge")).to_have_text("Done")
    assert page.evaluate("window.__noReload") is True
    progress = StepProgress.objects.get(user__email="csp.learner@example.com", step=first)
    assert progress.status == StepStatus.DONE
    assert browser_problems == []


def test_the_builder_works_under_the_policy(page, live_server, roadmap, password, browser_problems):
    sign_up(page, live_server.url, "csp.planner@example.com", password)
    page.goto(live_server.url + "/builder/")
    page.get_by_label("Software Engineer").check()
    page.get_by_label("Quick pass").check()
    page.get_by_role("button", name="Plan my path").click()
    expect(page.locator("#plan-rag")).to_be_visible()
    page.get_by_role("button", name="Remove RAG").click()
    expect(page.locator("#plan-rag")).to_have_count(0)
    page.get_by_role("button", name="Save and start this path").click()
    expect(
        page.get_by_role("heading", name=re.compile("My path: Software Engineer"))
    ).to_be_visible()
    assert not Path.objects.get(owner__email="csp.planner@example.com").steps.filter(slug="rag")
    assert browser_problems == []


def test_the_admin_works_under_the_policy(
    page, live_server, roadmap, curator, password, browser_problems
):
    path = Path.objects.get(slug="software-engineer")
    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(curator.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()

    # The changelist, with its filters and actions.
    page.goto(live_server.url + "/admin/learning/path/")
    row = page.get_by_role("row", name=re.compile("Software Engineer"))
    row.get_by_role("checkbox").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of")

    # The change form: drag the last phase to the top, preview Markdown, save.
    row.get_by_role("link", name="Software Engineer").click()
    rows = page.locator("#phases-group tbody tr.form-row:not(.empty-form)")
    count = rows.count()
    last_title = rows.nth(count - 1).locator('input[name$="-title"]').input_value()
    rows.nth(count - 1).locator("td.field-drag_handle").drag_to(
        rows.nth(0).locator("td.field-drag_handle")
    )
    positions = page.locator('#phases-group input[name$="-position"]')
    assert page.locator('#phases-group input[name$="-title"]').nth(0).input_value() == last_title
    assert [positions.nth(i).input_value() for i in range(count)] == [str(i) for i in range(count)]
    body = page.get_by_label("After completing:")
    body.fill("Now **build something** of your own.")
    preview = page.locator(f'[data-preview-for="{body.get_attribute("id")}"]')
    expect(preview.locator("strong")).to_have_text("build something")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert path.phases.order_by("position").first().title == last_title

    # The path's history, where the change shows.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("build something").first).to_be_visible()
    assert browser_problems == []
