"""A curator adds a glossary term in a real browser: the slug fills itself in from the term,
the term starts as a draft the curator can preview, and publishing makes it public."""

import re

from playwright.sync_api import expect

from papers.models import GlossaryTerm


def test_curator_adds_a_draft_term_with_its_slug_filled_in(page, live_server, curator, password):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Email").fill(curator.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign In").click()

    page.goto(live_server.url + "/admin/papers/glossaryterm/add/")
    expect(page.get_by_label("Status:")).to_have_value("draft")
    page.get_by_label("Term:").press_sequentially("Mixture of Experts (MoE)")
    expect(page.get_by_label("Slug:")).to_have_value("mixture-of-experts-moe")
    page.get_by_label("Definition:").fill("Several expert networks, a **router** picks a few.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    term = GlossaryTerm.objects.get(slug="mixture-of-experts-moe")
    assert term.is_draft
    # The curator previews it where visitors would see it, marked as a draft…
    page.goto(live_server.url + f"/admin/papers/glossaryterm/{term.pk}/change/")
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(re.compile(rf"/glossary/#{term.slug}$"))
    expect(page.locator(f"#{term.slug}")).to_be_visible()
    expect(page.locator(f"#{term.slug} + dd .draft-banner")).to_be_visible()
    # …which visitors do not see.
    visitor = page.context.browser.new_page()
    visitor.goto(live_server.url + "/glossary/")
    expect(visitor.locator(f"#{term.slug}")).to_have_count(0)
