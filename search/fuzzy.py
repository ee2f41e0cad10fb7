"""Search that forgives typos, with PostgreSQL's pg_trgm: "Did you mean transformer?" from the
words of published paper titles, short names and glossary terms, and close matches on those
names when full text finds nothing. One query each, whatever the amount of content."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Greatest

from core.models import PublicationStatus
from papers.models import GlossaryTerm, Paper

# Below this, "did you mean" would propose noise ("attention" for "tension" is fine, "bert" for
# "best" is not): pg_trgm's own default for `%` is 0.3.
SUGGESTION_SIMILARITY = 0.45
MAX_QUERY_WORDS = 8
MAX_FUZZY_HITS = 10
QUERY_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# Words of what visitors may see (published only, so drafts never leak into a suggestion); for
# each word of the query, the closest of them by trigram similarity.
SUGGESTION_SQL = """
WITH vocabulary AS (
    SELECT DISTINCT word FROM (
        SELECT regexp_split_to_table(lower(title || ' ' || short_name), '[^[:alnum:]-]+') AS word
        FROM papers_paper WHERE status = %(published)s
        UNION ALL
        SELECT regexp_split_to_table(lower(term), '[^[:alnum:]-]+')
        FROM papers_glossaryterm WHERE status = %(published)s
    ) AS words
    WHERE length(word) >= 3
)
SELECT DISTINCT ON (typed.word) typed.word, vocabulary.word
FROM unnest(%(words)s::text[]) AS typed(word)
JOIN vocabulary ON similarity(typed.word, vocabulary.word) >= %(threshold)s
ORDER BY typed.word, similarity(typed.word, vocabulary.word) DESC, vocabulary.word
"""


def suggestion(text: str) -> str | None:
    """The query with each word that is not in the vocabulary replaced by the closest word
    that is, or None when nothing would change."""
    words = [w.lower() for w in QUERY_WORD.findall(text)][:MAX_QUERY_WORDS]
    words = [w for w in dict.fromkeys(words) if len(w) >= 3]
    if not words:
        return None
    params = {
        "published": PublicationStatus.PUBLISHED,
        "words": words,
        "threshold": SUGGESTION_SIMILARITY,
    }
    with connection.cursor() as cursor:
        cursor.execute(SUGGESTION_SQL, params)
        closest = {typed: known for typed, known in cursor.fetchall() if typed != known}
    if not closest:
        return None
    suggested = QUERY_WORD.sub(lambda m: closest.get(m[0].lower(), m[0]), text)
    return suggested if suggested.lower() != text.lower() else None


def close_papers(text: str, user):
    """Papers whose title holds a word like one typed, or whose short name is like the query."""
    return (
        Paper.objects.visible_to(user)
        .filter(Q(title__trigram_word_similar=text) | Q(short_name__trigram_similar=text))
        .annotate(
            rank=Greatest(
                TrigramWordSimilarity(text, "title"), TrigramSimilarity("short_name", text)
            )
        )
        .only("slug", "short_name", "title", "summary")
        .order_by(F("rank").desc(), "number")[:MAX_FUZZY_HITS]
    )


def close_terms(text: str, user):
    """Glossary terms like the query."""
    return (
        GlossaryTerm.objects.visible_to(user)
        .filter(term__trigram_word_similar=text)
        .annotate(rank=TrigramWordSimilarity(text, "term"))
        .only("slug", "term", "definition")
        .order_by(F("rank").desc(), "term")[:MAX_FUZZY_HITS]
    )
