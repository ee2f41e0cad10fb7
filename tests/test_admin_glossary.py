"""Glossary terms in the curator workspace: drafts first, published with a confirmation, previewed
where visitors will read them, and the slug filled in from the term."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from core.models import PublicationStatus
from papers.models import GlossaryTerm

pytestmark = pytest.mark.usefixtures("roadmap")

CHANGELIST = "/admin/papers/glossaryterm/"


@pytest.fixture
def draft_term():
    return GlossaryTerm.objects.create(
        slug="speculative-decoding",
        term="Speculative decoding",
        definition="A small model drafts tokens; the large one **checks** them.",
    )


def glossary_entry(html: str, slug: str) -> str:
    """The term's <dt> and its <dd>, as one piece of the glossary page."""
    match = re.search(rf'<dt id="{slug}">.*?</dd>', html, re.S)
    return match.group(0) if match else ""


def test_the_add_page_offers_draft_status_and_fills_the_slug_from_the_term(editor):
    html = editor.get(reverse("admin:papers_glossaryterm_add")).content.decode()
    assert re.search(r'<option value="draft" selected>Draft</option>', html)
    config = re.search(r'data-prepopulated-fields="([^"]+)"', html)
    assert config, "the admin's slug prefill is not configured"
    fields = json.loads(unescape(config.group(1)))
    assert {"id": "#id_slug", "dependency_ids": ["#id_term"]}.items() <= fields[0].items()
    assert "admin/js/prepopulate" in html  # the script that does it is on the page
    assert "admin/js/urlify.js" in html


def test_a_new_term_is_a_draft_the_curator_previews_and_visitors_do_not_see(editor, client):
    response = editor.post(
        reverse("admin:papers_glossaryterm_add"),
        {
            "status": "draft",
            "slug": "kv-cache",
            "term": "KV cache",
            "definition": "Keys and values kept from earlier tokens.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    term = GlossaryTerm.objects.get(slug="kv-cache")
    assert term.is_draft

    preview = glossary_entry(editor.get("/glossary/").content.decode(), "kv-cache")
    assert "KV cache" in preview
    assert 'class="draft-banner"' in preview
    assert glossary_entry(client.get("/glossary/").content.decode(), "kv-cache") == ""


def test_the_change_page_links_to_the_term_on_the_glossary_page(editor, draft_term):
    url = reverse("admin:papers_glossaryterm_change", args=[draft_term.pk])
    html = editor.get(url).content.decode()
    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', html)
    assert link, "no View on site link"
    response = editor.get(link.group(1))
    assert response.status_code == 302
    assert response["Location"].endswith("/glossary/#speculative-decoding")


def test_publishing_terms_asks_first_then_shows_them_to_everyone(editor, client, draft_term):
    payload = {"action": "publish_selected", "_selected_action": [draft_term.pk]}
    response = editor.post(CHANGELIST, payload)
    assert response.status_code == 200
    assert "These become visible to every visitor" in response.content.decode()
    assert "Speculative decoding" in response.content.decode()
    draft_term.refresh_from_db()
    assert draft_term.is_draft

    editor.post(CHANGELIST, {**payload, "confirm": "yes"})
    draft_term.refresh_from_db()
    assert draft_term.status == PublicationStatus.PUBLISHED
    public = glossary_entry(client.get("/glossary/").content.decode(), draft_term.slug)
    assert "Speculative decoding" in public
    assert "draft-banner" not in public
    assert "draft-banner" not in glossary_entry(
        editor.get("/glossary/").content.decode(), draft_term.slug
    )


def test_unpublishing_a_term_hides_it_again(editor, client):
    term = GlossaryTerm.objects.published().first()
    assert term.slug in client.get("/glossary/").content.decode()
    editor.post(CHANGELIST, {"action": "unpublish_selected", "_selected_action": [term.pk]})
    term.refresh_from_db()
    assert term.is_draft
    assert glossary_entry(client.get("/glossary/").content.decode(), term.slug) == ""


def test_the_list_filters_terms_by_status(editor, draft_term):
    html = editor.get(CHANGELIST + "?status__exact=draft").content.decode()
    assert "Speculative decoding" in html
    published = GlossaryTerm.objects.published().first()
    assert f">{published.term}<" not in html
