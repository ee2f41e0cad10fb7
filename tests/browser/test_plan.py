"""In a real browser: a re-plan keeps the learner's edits and work, a removed step comes back,
and finishing a path is announced without a reload."""

import re

from playwright.sync_api import expect

from learning.models import Path, Step, StepProgress, StepStatus

from .test_progress import sign_up, step_card

TRANSFORMERS = "attention-is-all-you-need"


def test_replanning_keeps_an_added_known_paper_its_status_and_a_removal(
    page, live_server, roadmap, password
):
    sign_up(page, live_server.url, "replanner@example.com", password)
    page.goto(live_server.url + "/builder/")
    page.get_by_label("Software Engineer").check()
    page.get_by_label("Vision", exact=True).check()
    page.locator("details.known summary").click()
    page.get_by_label("Transformers", exact=True).check()
    page.get_by_role("button", name="Plan my path").click()
    expect(page.locator(f"#plan-{TRANSFORMERS}")).to_have_count(0)

    page.get_by_label("Add a paper").select_option(TRANSFORMERS)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("li.plan-step").first).to_have_id(f"plan-{TRANSFORMERS}")
    page.get_by_role("button", name="Remove Stable Diffusion").click()
    expect(page.locator("#plan-stable-diffusion")).to_have_count(0)
    page.get_by_role("button", name="Save and start this path").click()
    expect(
        page.get_by_role("heading", name=re.compile("My path: Software Engineer"))
    ).to_be_visible()

    path = Path.objects.get(owner__email="replanner@example.com")
    transformers = Step.objects.get(path=path, slug=TRANSFORMERS)
    step_card(page, transformers).get_by_role("button", name="In progress").click()
    expect(step_card(page, transformers).locator(".status-badge")).to_have_text("In progress")

    page.get_by_role("link", name="Re-plan this path").click()
    page.get_by_role("button", name="Plan my path").click()
    expect(
        page.get_by_text("Nothing changes: your path already matches this plan.")
    ).to_be_visible()
    page.get_by_role("button", name="Save changes to my path").click()

    expect(step_card(page, transformers).locator(".status-badge")).to_have_text("In progress")
    expect(page.locator("#step-stable-diffusion")).to_have_count(0)
    assert Path.objects.filter(owner__email="replanner@example.com").count() == 1
    transformers.refresh_from_db()
    assert not transformers.archived
    progress = StepProgress.objects.get(step=transformers)
    assert progress.status == StepStatus.IN_PROGRESS


def test_a_removed_step_waits_in_its_list_and_comes_back_with_its_note(
    page, live_server, roadmap, password
):
    sign_up(page, live_server.url, "restorer@example.com", password)
    page.goto(live_server.url + "/builder/")
    page.get_by_label("AI Product Manager").check()
    page.get_by_role("button", name="Plan my path").click()
    page.get_by_role("button", name="Save and start this path").click()
    path = Path.objects.get(owner__email="restorer@example.com")
    last = Step.objects.filter(path=path).order_by("phase__position", "position").last()

    card = step_card(page, last)
    card.locator("summary", has_text="Your private note").click()
    card.get_by_label("Private note (Markdown)").fill("come back to this")
    card.get_by_role("button", name="Save note").click()
    expect(card.get_by_text("come back to this").first).to_be_visible()

    page.get_by_role("link", name="Re-plan this path").click()
    page.get_by_role("button", name=f"Remove {last.title}").click()
    expect(page.get_by_text("wrote a note")).to_be_visible()
    page.get_by_role("button", name="Save changes to my path").click()
    # The browser itself refuses: the confirmation box is required.
    expect(page.get_by_role("heading", name="Build your own path")).to_be_visible()
    page.get_by_label(re.compile("Yes, move 1 step I worked on")).check()
    page.get_by_role("button", name="Save changes to my path").click()

    removed = page.locator("#removed")
    expect(removed.get_by_role("heading", name="Removed from your plan")).to_be_visible()
    expect(removed.get_by_text("come back to this")).to_be_attached()
    removed.get_by_role("button", name=f"Put {last.title} back on my plan").click()
    expect(page.locator("#removed")).to_have_count(0)
    expect(step_card(page, last).get_by_label("Private note (Markdown)")).to_have_value(
        "come back to this"
    )


def test_finishing_the_last_step_is_announced_without_a_reload(
    page, live_server, roadmap, password
):
    sign_up(page, live_server.url, "finisher@example.com", password)
    path = Path.objects.get(slug="ai-product-manager")
    steps = list(Step.objects.current().filter(path=path).order_by("phase__position", "position"))
    page.goto(live_server.url + path.get_absolute_url())
    page.get_by_label("Quick pass").check()
    page.get_by_role("button", name="Start this path").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()

    page.evaluate("window.__noReload = true")
    for step in steps:
        card = step_card(page, step)
        card.get_by_role("button", name="Done", exact=True).click()
        expect(card.locator(".status-badge")).to_have_text("Done")
    expect(page.get_by_text("You completed this path!")).to_be_visible()
    expect(page.get_by_role("heading", name="You completed this path")).to_be_visible()
    expect(page.get_by_role("link", name="Review")).to_be_visible()
    expect(page.get_by_role("button", name="Pause")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
