"""A learner builds a personal path in a real browser, tracks it, and re-plans it."""

import re

from playwright.sync_api import expect

from learning.models import Path, StepProgress, StepStatus

from .test_progress import sign_up


def test_build_edit_save_track_and_replan_keeps_done(page, live_server, roadmap, password):
    sign_up(page, live_server.url, "planner@example.com", password)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Build your own path").click()

    page.get_by_label("Software Engineer").check()
    page.get_by_label("Vision", exact=True).check()
    page.get_by_label("Quick pass").check()
    page.get_by_label("Hours per week").fill("4")
    page.get_by_role("button", name="Plan my path").click()
    expect(page.locator("#plan-clip")).to_be_visible()

    page.get_by_role("button", name="Remove RAG").click()
    expect(page.locator("#plan-rag")).to_have_count(0)
    steps = page.locator("li.plan-step")
    lora_index = [s.get_attribute("id") for s in steps.all()].index("plan-lora")
    page.get_by_role("button", name="Move up LoRA").click()
    ids = [s.get_attribute("id") for s in page.locator("li.plan-step").all()]
    assert ids.index("plan-lora") == lora_index - 1

    page.get_by_role("button", name="Save and start this path").click()
    expect(
        page.get_by_role("heading", name=re.compile("My path: Software Engineer"))
    ).to_be_visible()
    path = Path.objects.get(owner__email="planner@example.com")
    assert not path.steps.filter(slug="rag").exists()

    page.locator("#step-lora").get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#step-lora .status-badge")).to_have_text("Done")

    page.get_by_role("link", name="Re-plan this path").click()
    page.get_by_label("Efficiency").check()
    page.get_by_role("button", name="Plan my path").click()
    expect(page.locator("#plan-llama")).to_be_visible()
    page.get_by_role("button", name="Save changes to my path").click()

    expect(page.locator("#step-lora .status-badge")).to_have_text("Done")
    assert Path.objects.filter(owner__email="planner@example.com").count() == 1
    progress = StepProgress.objects.get(user__email="planner@example.com", step__slug="lora")
    assert progress.status == StepStatus.DONE
