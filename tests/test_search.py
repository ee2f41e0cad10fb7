"""Full-text search over papers, steps, glossary and pages, with bad input handled kindly."""

import re

import pytest

from core.models import PublicationStatus
from papers.models import Paper

pytestmark = pytest.mark.usefixtures("roadmap")


def result_links(html: str) -> list[str]:
    return re.findall(r'<span class="badge">\w+</span> <a href="([^"]+)"', html)


def test_search_finds_papers_steps_glossary_and_pages_ranked(client):
    html = client.get("/search/", {"q": "attention"}).content.decode()
    links = result_links(html)
    assert links[0] == "/papers/attention-is-all-you-need/"
    kinds = set(re.findall(r'<span class="badge">(\w+)</span>', html))
    assert {"Paper", "Step", "Glossary", "Page"} <= kinds


def test_search_highlights_the_matches_in_snippets(client):
    html = client.get("/search/", {"q": "contrastive"}).content.decode()
    assert re.search(r"<mark>contrastive</mark>", html, re.IGNORECASE)


def test_search_understands_phrases_and_exclusions(client):
    phrase = result_links(client.get("/search/", {"q": '"reward model"'}).content.decode())
    assert "/papers/instructgpt-rlhf/" in phrase
    plain = result_links(client.get("/search/", {"q": "alignment"}).content.decode())
    assert "/papers/constitutional-ai/" in plain
    excluded = result_links(
        client.get("/search/", {"q": "alignment -constitutional"}).content.decode()
    )
    assert "/papers/constitutional-ai/" not in excluded


@pytest.mark.parametrize("query", ["", "   ", "\x00\x01\x02", "\t\n"])
def test_empty_query_gets_a_friendly_page(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()


def test_absurd_query_is_shortened_not_an_error(client):
    response = client.get("/search/", {"q": "transformer " * 1000})
    assert response.status_code == 200
    html = response.content.decode()
    assert "only its first 200 characters were used" in html


@pytest.mark.parametrize(
    "query",
    [
        "attention\x00is all",
        "<script>alert(1)</script>",
        "' OR 1=1; --",
        "a & b | !c <-> d:*",
        "(((",
        "\\",
        "ünïcödé 注意力",
        "the",
    ],
)
def test_odd_queries_never_error_and_are_escaped(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nothing_found_says_so(client):
    html = client.get("/search/", {"q": "zyxwvut"}).content.decode()
    assert "Nothing matches" in html


def test_draft_papers_are_not_found_by_visitors(client, curator_client):
    Paper.objects.filter(slug="clip").update(status=PublicationStatus.DRAFT)
    assert "/papers/clip/" not in result_links(
        client.get("/search/", {"q": "CLIP"}).content.decode()
    )
    curator_html = curator_client.get("/search/", {"q": "CLIP"}).content.decode()
    assert "/papers/clip/" in result_links(curator_html)


def test_edits_are_searchable_at_once(client):
    paper = Paper.objects.get(slug="lora")
    paper.summary += "\n\nA note about zymurgy."
    paper.save()
    assert "/papers/lora/" in result_links(
        client.get("/search/", {"q": "zymurgy"}).content.decode()
    )
