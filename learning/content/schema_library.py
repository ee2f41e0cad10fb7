"""The library part of the content file: site texts, depths, papers, topics, glossary, pages.

Each key's description is the docstring under it; the format reference is generated from them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from core.models import DepthKey, PublicationStatus
from learning.models import Depth, RoadmapInfo
from papers.models import GlossaryTerm, Page, Paper, Topic

from .fields import Day, Entry, Hours, Markdown, PaperSlugs, Slug, Text, WebAddress, WholeNumber

PUBLISHED = PublicationStatus.PUBLISHED.value


def chars(column) -> int:
    """The length limit of a model's text column, e.g. chars(Paper.title): the file's limits
    are the database's."""
    return column.field.max_length


class SiteInfo(Entry):
    title: Text = Field(max_length=chars(RoadmapInfo.title))
    """Site title (header, page titles)."""
    tagline: Text = Field(max_length=chars(RoadmapInfo.tagline))
    """Line under the title on the catalog page."""
    topics_intro: Text = Field("", max_length=chars(RoadmapInfo.topics_intro))
    """Sentence introducing the topics ("Customizing Your Path"); empty, and no intro is
    shown."""
    closing_note: Markdown = ""
    """The roadmap's closing note ("Remember:" and "Questions?" lines)."""
    last_updated: Day | None = None
    """"Last updated" date."""


class DepthEntry(Entry):
    key: DepthKey
    """Internal key, also used in every `hours` mapping."""
    label: Text = Field(max_length=chars(Depth.label))
    """The depth's name in the file ("Quick pass", "Thorough", "Deep study"). The site names
    depths with these three fixed labels everywhere (one label set, from `DepthKey`), whatever
    this says."""
    description: Text = Field(max_length=chars(Depth.description))
    """One-line explanation under the label."""


class PaperEntry(Entry):
    omitted_when_default: ClassVar = frozenset({"status"})

    slug: Slug
    """URL (`/papers/<slug>/`) and the identifier used everywhere else in this file."""
    number: WholeNumber = Field(ge=1, le=9999)
    """Reading number; the `NN` in `./NN-slug/summary.md` links. Unique."""
    short_name: Text = Field(max_length=chars(Paper.short_name))
    """Short name used in lists and path steps ("Transformers", "GPT-3")."""
    title: Text = Field(max_length=chars(Paper.title))
    """Full paper title."""
    authors: Text
    """Full author list, comma-separated, in the paper's order."""
    year: WholeNumber = Field(ge=1900, le=2100)
    """Publication year."""
    venue: Text = Field(max_length=chars(Paper.venue))
    """Conference and year, or `arXiv YYYY` for preprints."""
    url: WebAddress = Field(max_length=chars(Paper.url))
    """Canonical link, normally `https://arxiv.org/abs/<id>`."""
    status: PublicationStatus = PUBLISHED
    """Drafts are visible to curators only. Written only for drafts."""
    summary: Markdown
    """The summary, 2-4 short paragraphs."""
    why_it_matters: Markdown
    """The "Why This Matters" section. Paths refer to it by that name."""
    core_idea: Markdown
    """The "Core Innovation" section; may hold formulas in inline code and short code
    examples."""
    focus_points: Markdown = ""
    """Bullet list: what to focus on when reading the paper."""
    key_takeaway: Text
    """One sentence, shown highlighted."""
    hours: Hours
    """Hours for this paper at each depth; feeds "hours left" for learners."""
    prerequisites: PaperSlugs = []
    """"Read first" papers. Must not form a cycle."""
    further_reading: Markdown = ""
    """Follow-up papers, tutorials, videos."""


class TopicEntry(Entry):
    slug: Slug
    """URL (`/topics/<slug>/`)."""
    title: Text = Field(max_length=chars(Topic.title))
    """Topic name."""
    question: Text = Field(max_length=chars(Topic.question))
    """The prompt shown in the catalog ("Interested in vision?")."""
    description: Text = ""
    """One or two sentences."""
    papers: PaperSlugs = []
    """Prioritized reading order, first = read first: the path builder's raw material."""


class GlossaryEntry(Entry):
    omitted_when_default: ClassVar = frozenset({"status"})

    slug: Slug
    """Identifier of the term (and its anchor on the glossary page). Unique."""
    term: Text = Field(max_length=chars(GlossaryTerm.term))
    """The term as displayed, e.g. `RLHF (reinforcement learning from human feedback)`."""
    definition: Markdown
    """1-3 sentences; may link papers with `./NN-slug/summary.md`."""
    papers: PaperSlugs = []
    """"Related papers" links under the definition."""
    status: PublicationStatus = PUBLISHED
    """Drafts are visible to curators only. Written only for drafts."""


class PageEntry(Entry):
    omitted_when_default: ClassVar = frozenset({"status"})

    slug: Slug
    """URL (`/pages/<slug>/`)."""
    title: Text = Field(max_length=chars(Page.title))
    """Page heading."""
    status: PublicationStatus = PUBLISHED
    """Drafts are visible to curators only. Written only for drafts."""
    body: Markdown
    """Page content. Start its sections at `##`. Section headings that other content names
    (for example "When to Use Which Paper's Techniques", "Cost Comparisons", "RAG vs
    Fine-tuning") should keep their wording."""
