"""Site search: PostgreSQL full text over papers, steps, path sections, glossary and pages,
ranked, with highlighted plain-text snippets, in five queries whatever the amount of content;
when they find little, one more for "Did you mean", and when nothing, two for close matches
(search.fuzzy)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.search import SEARCH_CONFIG
from learning.models import Path, PathSection, Step
from papers.models import GlossaryTerm, Page, Paper

from . import fuzzy

MAX_QUERY_LENGTH = 200
RESULTS_PER_KIND = 20
# Markers the database puts around matches; the snippet is escaped, then they become <mark>.
MARK_START, MARK_STOP = "\u27e6", "\u27e7"


@dataclass
class SearchHit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    context: str = ""


@dataclass
class SearchOutcome:
    query: str
    hits: list[SearchHit]
    shortened: bool = False
    # The query as we think it was meant ("transformer" for "transformr"), when it finds little.
    suggestion: str | None = None
    # The hits are close matches by spelling, full text having found nothing.
    fuzzy: bool = False


def clean_query(raw: str) -> tuple[str, bool]:
    """Drop control characters, fold white space, cut to a sane length."""
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cs"} else ch for ch in raw or "")
    text = " ".join(text.split())
    shortened = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), shortened


# Markdown syntax that means nothing as plain text: link targets, emphasis, code and heading
# marks, table pipes and a table's alignment row (`|---|:--:|`), rules, list bullets, HTML tags.
MARKDOWN_NOISE = re.compile(
    r"\]\([^)\s]*\)?|[*`#|\[\]_~]+|(?<![\w-]):?-{2,}:?(?![\w-])|={3,}|^\s*(?:[-+>]|\d+\.)\s+"
    r"|</?[a-zA-Z][^>]*>",
    re.MULTILINE,
)
SNIPPET_CHARS = 220
# When full text finds fewer hits than this, a spelling suggestion is looked for.
SUGGEST_BELOW = 3


def plain_text(markdown_text: str) -> str:
    """Markdown as one line of plain text, for snippets."""
    return " ".join(MARKDOWN_NOISE.sub(" ", markdown_text or "").split())


def _snippet(headline: str) -> SafeString:
    """Plain text around the matches: Markdown syntax dropped, everything escaped but <mark>."""
    html = escape(plain_text(headline))
    return mark_safe(html.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))


def _ranked(queryset, query, snippet_field: str, *fields: str):
    """The best matches by the stored, GIN-indexed search vector, with a highlighted snippet;
    only the columns the results show are read."""
    return (
        queryset.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                snippet_field,
                query,
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .only(*fields)
        .order_by("-rank")[:RESULTS_PER_KIND]
    )


def search(*, raw_query: str, user) -> SearchOutcome:
    """PostgreSQL full-text search over papers, steps, path sections, glossary and pages: five
    queries, whatever the amount of content."""
    text, shortened = clean_query(raw_query)
    if not text:
        return SearchOutcome(query="", hits=[], shortened=shortened)
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    visible_paths = Path.objects.visible_to(user)

    hits: list[SearchHit] = []
    for p in _ranked(
        Paper.objects.visible_to(user), query, "summary", "slug", "short_name", "title"
    ):
        hits.append(
            SearchHit("Paper", paper_title(p), p.get_absolute_url(), _snippet(p.headline), p.rank)
        )
    steps = _ranked(
        Step.objects.current().filter(path__in=visible_paths).select_related("path", "phase"),
        query,
        "body",
        "slug", "label", "title", "path__slug", "path__title", "phase__label",
    )  # fmt: skip
    for s in steps:
        url = s.get_absolute_url()
        hits.append(
            SearchHit("Step", s.display_name, url, _snippet(s.headline), s.rank, s.path.title)
        )
    for t in _ranked(GlossaryTerm.objects.visible_to(user), query, "definition", "slug", "term"):
        hits.append(
            SearchHit("Glossary", t.term, t.get_absolute_url(), _snippet(t.headline), t.rank)
        )
    for p in _ranked(Page.objects.visible_to(user), query, "body", "slug", "title"):
        hits.append(SearchHit("Page", p.title, p.get_absolute_url(), _snippet(p.headline), p.rank))
    sections = _ranked(
        PathSection.objects.filter(path__in=visible_paths).select_related("path"),
        query,
        "body",
        "slug", "title", "path__slug", "path__title",
    )  # fmt: skip
    for s in sections:
        url = s.get_absolute_url()
        hits.append(SearchHit("Section", s.title, url, _snippet(s.headline), s.rank, s.path.title))
    hits.sort(key=lambda hit: -hit.rank)
    outcome = SearchOutcome(query=text, hits=hits, shortened=shortened)
    if len(hits) < SUGGEST_BELOW:
        outcome.suggestion = fuzzy.suggestion(text)
    if not hits:
        outcome.hits, outcome.fuzzy = _close_matches(text, user), True
    return outcome


def paper_title(paper) -> str:
    """ "LoRA: Low-Rank Adaptation …", never "LoRA: LoRA: …" when the title starts with the
    short name already."""
    if paper.title.casefold().startswith(paper.short_name.casefold()):
        return paper.title
    return f"{paper.short_name}: {paper.title}"


def _plain_snippet(markdown_text: str) -> SafeString:
    text = plain_text(markdown_text)
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return escape(text)


def _close_matches(text: str, user) -> list[SearchHit]:
    """Papers and glossary terms whose names are spelled like the query (pg_trgm)."""
    hits = [
        SearchHit("Paper", paper_title(p), p.get_absolute_url(), _plain_snippet(p.summary), p.rank)
        for p in fuzzy.close_papers(text, user)
    ]
    hits += [
        SearchHit("Glossary", t.term, t.get_absolute_url(), _plain_snippet(t.definition), t.rank)
        for t in fuzzy.close_terms(text, user)
    ]
    hits.sort(key=lambda hit: -hit.rank)
    return hits
