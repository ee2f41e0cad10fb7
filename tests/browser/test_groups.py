"""Two learners in two browsers: one makes a study group, the other joins by its link and marks
steps, the organiser's board shows them; removed, the member keeps their progress and loses
the board."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from learning.groups import services
from learning.models import Path, Step

from ..group_support import join, make_group
from .site_pages import CURATED_PATH, sign_in
from .test_accessibility import Audit
from .test_phone_layout import overflowing
from .test_progress import sign_up, step_card


def test_two_learners_share_a_board_and_removal_keeps_the_members_progress(
    page, live_server, roadmap, password
):
    path = Path.objects.get(slug="software-engineer")
    steps = list(Step.objects.filter(path=path).order_by("phase__position", "position"))
    base = live_server.url

    # The organiser makes a group from the dashboard's link.
    sign_up(page, base, "organiser@example.com", password)
    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="Your study groups").click()
    page.get_by_label("Path", exact=True).select_option(path.slug)
    page.get_by_label("Group name").fill("Friday readers")
    page.get_by_label("Your name in the group").fill("Ada")
    page.get_by_label("Weekly pace in hours (optional)").fill("5")
    page.get_by_role("button", name="Make the group").click()
    expect(page.get_by_role("heading", name="Organise Friday readers")).to_be_visible()
    invite = page.locator("#invite-url").input_value()
    assert re.search(r"/groups/join/[A-Za-z0-9_-]{43}/$", invite)

    # The member, in a browser context of their own, joins by the link and marks steps.
    other = page.context.browser.new_context()
    member = other.new_page()
    member.set_default_timeout(10_000)
    sign_up(member, base, "member@example.com", password)
    member.goto(invite)
    expect(member.get_by_role("heading", name="Join Friday readers")).to_be_visible()
    member.get_by_label("Your name in the group").fill("Grace")
    member.get_by_role("button", name="Join the group").click()
    expect(member.get_by_role("heading", name="Friday readers")).to_be_visible()
    board_url = member.url
    member.goto(base + path.get_absolute_url())
    for step in steps[:2]:
        step_card(member, step).get_by_role("button", name="Done", exact=True).click()
        expect(step_card(member, step).locator(".status-badge")).to_have_text("Done")

    # The organiser's board shows them, with their name and never their email.
    page.goto(board_url)
    grace = page.get_by_role("row", name=re.compile("Grace"))
    expect(grace).to_contain_text(f"2 of {len(steps)}")
    expect(page.get_by_text("Grace marked").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("member@example.com")

    # The organiser removes the member.
    page.get_by_role("link", name="Organise the group").click()
    page.get_by_role("button", name="Remove Grace").click()
    expect(page.get_by_text("The member is removed")).to_be_visible()
    page.goto(board_url)
    expect(page.get_by_role("row", name=re.compile("Grace"))).to_have_count(0)

    # The member's own progress is intact, and the board is gone for them.
    member.goto(board_url)
    expect(member.get_by_role("heading", name="Friday readers")).to_have_count(0)
    member.goto(base + path.get_absolute_url())
    for step in steps[:2]:
        expect(step_card(member, step).locator(".status-badge")).to_have_text("Done")
    other.close()


def group_addresses(organiser, member) -> tuple[list[str], list[str]]:
    """A scheduled group of two with progress and a shared note: the organiser's addresses and
    the join page's."""
    path = Path.objects.get(slug=CURATED_PATH)
    group = make_group(
        organiser, path=path, start_date=datetime.date.today(), hours_per_week=5, members=0
    )
    services.membership_sharing_set(membership=join(group, member, "Grace"), sharing="notes")
    pk = group.pk
    group.refresh_from_db()
    return [
        "/groups/",
        "/groups/new/",
        f"/groups/{pk}/",
        f"/groups/{pk}/?steps=1",
        f"/groups/{pk}/settings/",
        f"/groups/{pk}/leave/",
        f"/groups/{pk}/close/",
        "/groups/join/not-a-link/",
    ], [f"/groups/join/{group.invite_token}/"]


@pytest.fixture(params=["light", "dark"])
def scheme(request, page):
    page.emulate_media(color_scheme=request.param, reduced_motion="reduce")
    return request.param


def test_group_pages_pass_axe(page, live_server, roadmap, make_user, scheme):
    organiser, member = make_user("axe.ada@example.com"), make_user("axe.grace@example.com")
    own, join_pages = group_addresses(organiser, member)
    audit = Audit(page, live_server.url)
    sign_in(page, live_server, organiser)
    for url in own:
        audit.visit(url, "(organiser)")
    page.context.clear_cookies()
    sign_in(page, live_server, make_user("axe.new@example.com"))
    for url in join_pages:
        audit.visit(url, "(invited)")
    audit.report(scheme)


@pytest.mark.parametrize("width", [390, 1280])
def test_group_pages_do_not_scroll_sideways(page, live_server, roadmap, make_user, width):
    page.set_viewport_size({"width": width, "height": 844})
    organiser, member = make_user("wide.ada@example.com"), make_user("wide.grace@example.com")
    own, _ = group_addresses(organiser, member)
    sign_in(page, live_server, organiser)
    found = overflowing(page, live_server.url, own)
    assert found == [], f"at {width} px:\n" + "\n".join(found)
