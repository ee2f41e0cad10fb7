"""A curator reorders, edits with a live preview, publishes; learners lose nothing."""

import re

from playwright.sync_api import expect

from core.models import PublicationStatus
from learning import services
from learning.models import Path, Step, StepProgress, StepStatus


def test_curator_drags_edits_with_preview_and_publishes(
    page, live_server, roadmap, curator, make_user, password
):
    path = Path.objects.get(slug="software-engineer")
    learner = make_user("keeps.progress@example.com")
    enrollment = services.enrollment_create(user=learner, path=path, depth="quick")[0]
    first, second, third = Step.objects.filter(path=path).order_by("phase__position", "position")[
        :3
    ]
    services.step_progress_set(enrollment=enrollment, step=first, status="done")
    services.step_note_set(enrollment=enrollment, step=first, note="my own words")
    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(curator.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Learning Roadmap: curator workspace")).to_be_visible()

    # Drag the third step of the first phase to the top, and save.
    page.goto(live_server.url + f"/admin/learning/phase/{first.phase_id}/change/")
    rows = page.locator("#steps-group tbody tr.form-row:not(.empty-form)")
    expect(rows).to_have_count(3)
    rows.nth(2).locator("td.field-drag_handle").drag_to(rows.nth(0).locator("td.field-drag_handle"))
    positions = page.locator('#steps-group input[name$="-position"]')
    titles = page.locator('#steps-group input[name$="-title"]')
    assert titles.nth(0).input_value() == third.title
    assert [positions.nth(i).input_value() for i in range(3)] == ["0", "1", "2"]
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Edit a step's Markdown and watch the preview follow.
    page.goto(live_server.url + f"/admin/learning/step/{second.pk}/change/")
    body = page.get_by_label("Body:")
    body.fill("- Read: **the new text** of this step")
    preview = page.locator(f'[data-preview-for="{body.get_attribute("id")}"]')
    expect(preview.locator("strong")).to_have_text("the new text")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Publish the draft path, through the confirmation page.
    page.goto(live_server.url + "/admin/learning/path/")
    page.get_by_role("row", name=re.compile("Software Engineer")).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option("publish_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("These become visible to every visitor")).to_be_visible()
    page.get_by_role("button", name="Yes, publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 1")

    # The public page shows the new order and text, to anyone.
    visitor = page.context.browser.new_page()
    visitor.goto(live_server.url + path.get_absolute_url())
    steps = visitor.locator("li.step")
    expect(steps.nth(0)).to_have_id(f"step-{third.slug}")
    expect(steps.nth(1)).to_have_id(f"step-{first.slug}")
    expect(visitor.locator(f"#step-{second.slug} strong").first).to_have_text("the new text")

    progress = StepProgress.objects.get(user=learner, step=first)
    assert (progress.status, progress.note) == (StepStatus.DONE, "my own words")
