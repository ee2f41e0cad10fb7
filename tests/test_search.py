"""Full-text search over papers, steps, glossary and pages, with bad input handled kindly.

Each test makes the content it searches, with words the seed roadmap does not use, so the
results are the same whether or not the seed is loaded."""

import re

import pytest

from core.models import PublicationStatus

from .factories import GlossaryTermFactory, PageFactory, PaperFactory, StepFactory

pytestmark = pytest.mark.django_db


def result_links(html: str) -> list[str]:
    return re.findall(r'<span class="badge">\w+</span> <a href="([^"]+)"', html)


def search(client, query: str) -> str:
    return client.get("/search/", {"q": query}).content.decode()


def test_search_finds_papers_steps_glossary_and_pages_ranked(client):
    paper = PaperFactory(short_name="Quokka", summary="Quokka nets, in depth.")
    StepFactory(body="Read about the quokka.")
    GlossaryTermFactory(definition="A quokka is a small marsupial.")
    PageFactory(body="## Quokka\n\nThe quokka again.")
    html = search(client, "quokka")
    assert result_links(html)[0] == paper.get_absolute_url()
    kinds = set(re.findall(r'<span class="badge">(\w+)</span>', html))
    assert {"Paper", "Step", "Glossary", "Page"} <= kinds


def test_search_highlights_the_matches_in_snippets(client):
    PaperFactory(summary="Pairs of images and captions, learned with a zorbic loss.")
    assert re.search(r"<mark>zorbic</mark>", search(client, "zorbic"), re.IGNORECASE)


def test_search_understands_phrases_and_exclusions(client):
    phrase = PaperFactory(summary="We train a quokka lantern from preferences.")
    apart = PaperFactory(summary="The lantern of a quokka is bright.")
    alone = PaperFactory(summary="A quokka on its own.")
    found = result_links(search(client, '"quokka lantern"'))
    assert phrase.get_absolute_url() in found
    assert apart.get_absolute_url() not in found
    plain = result_links(search(client, "quokka"))
    assert {p.get_absolute_url() for p in (phrase, apart, alone)} <= set(plain)
    excluded = result_links(search(client, "quokka -lantern"))
    assert excluded == [alone.get_absolute_url()]


# A NUL byte is refused before any view (tests/test_unstorable_text.py); other control
# characters are only blanks here.
@pytest.mark.parametrize("query", ["", "   ", "\x01\x02", "\t\n"])
def test_empty_query_gets_a_friendly_page(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()


def test_absurd_query_is_shortened_not_an_error(client):
    PaperFactory(summary="A transformer, once more.")
    response = client.get("/search/", {"q": "transformer " * 1000})
    assert response.status_code == 200
    html = response.content.decode()
    assert "only its first 200 characters were used" in html


@pytest.mark.parametrize(
    "query",
    [
        "attention\x01is all",
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
    PaperFactory(summary="Attention is all: the ünïcödé 注意力 script alert, b and c.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nothing_found_says_so(client):
    assert "Nothing matches" in search(client, "zyxwvut")


def test_draft_papers_are_not_found_by_visitors(client, curator_client):
    draft = PaperFactory(short_name="Wombat", status=PublicationStatus.DRAFT)
    assert draft.get_absolute_url() not in result_links(search(client, "Wombat"))
    assert draft.get_absolute_url() in result_links(search(curator_client, "Wombat"))


def test_edits_are_searchable_at_once(client):
    paper = PaperFactory()
    paper.summary += "\n\nA note about zymurgy."
    paper.save()
    assert paper.get_absolute_url() in result_links(search(client, "zymurgy"))


# --- Search that forgives (pg_trgm) and plain snippets -----------------------------------------


def test_a_typo_gets_did_you_mean_and_close_matches(client):
    term = GlossaryTermFactory(term="Transformer", definition="A network built on attention.")
    paper = PaperFactory(
        short_name="Encoders",
        title="Encoders: Pre-training Deep Bidirectional Transformers",
        summary="Masked words.",
    )
    html = search(client, "transformr")
    assert re.search(r'Did you mean <a href="/search/\?q=transformer">transformer</a>\?', html)
    found = result_links(html)
    assert term.get_absolute_url() in found
    assert paper.get_absolute_url() in found
    assert "spelled like it" in html
    # The suggestion itself finds the term by full text.
    assert term.get_absolute_url() in result_links(search(client, "transformer"))


def test_a_query_that_is_spelled_right_gets_no_suggestion(client):
    PaperFactory(summary="The quokka, in depth.")
    assert "Did you mean" not in search(client, "quokka")


def test_drafts_are_never_suggested(client):
    GlossaryTermFactory(term="Zeppelinoid", status=PublicationStatus.DRAFT)
    html = search(client, "zeppelinoyd")
    assert "Did you mean" not in html
    assert "Nothing matches" in html


def test_snippets_are_plain_text_without_table_markup(client):
    table = "| Model | Kiwifruit score |\n|---|:---:|\n| Base | 1 |"
    PaperFactory(summary=f"{table}\n\n**Kiwifruit** is _great_.")
    html = search(client, "kiwifruit")
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "---" not in snippet
    assert "|" not in snippet
    assert "**" not in snippet
    assert "<mark>Kiwifruit</mark>" in snippet


def test_a_title_that_starts_with_the_short_name_is_not_doubled(client):
    PaperFactory(short_name="LoRA", title="LoRA: Low-Rank Adaptation", summary="Low-rank wombles.")
    PaperFactory(short_name="Wombles", title="A Theory of Wombles", summary="About wombles.")
    html = search(client, "wombles")
    assert "LoRA: LoRA" not in html
    assert ">LoRA: Low-Rank Adaptation</a>" in html
    assert ">Wombles: A Theory of Wombles</a>" in html


def test_a_step_found_by_search_is_named_with_its_phase(client):
    step = StepFactory(label="1", title="Gnocchi", body="Gnocchi for dinner.")
    html = search(client, "gnocchi")
    assert f">{step.phase.label} · Step 1: Gnocchi</a>" in html


def test_a_miss_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for n in range(3):
        GlossaryTermFactory(term=f"Transformer {n}")
        PaperFactory(title=f"Transformers Revisited {n}")
    # Five full-text queries, one for the suggestion, two for close matches; the page cache may
    # add its own reads, which tests/test_query_counts.py pins.
    with django_assert_max_num_queries(8 + 4):
        assert client.get("/search/", {"q": "transformr"}).status_code == 200
