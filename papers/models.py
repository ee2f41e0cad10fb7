"""Models of the library: papers, topics, glossary terms and reference pages."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from core.history import ContentHistory
from core.models import (
    ContentModel,
    DepthHours,
    Publishable,
    RenderedMarkdownModel,
    search_document,
)

PAPER_SEARCH = (
    ("short_name", "A"), ("title", "A"), ("key_takeaway", "B"), ("summary", "B"),
    ("why_it_matters", "C"), ("core_idea", "C"), ("authors", "D"),
)  # fmt: skip
GLOSSARY_SEARCH = (("term", "A"), ("definition", "B"))
PAGE_SEARCH = (("title", "A"), ("body", "B"))


class Paper(Publishable, RenderedMarkdownModel, DepthHours):
    number = models.PositiveSmallIntegerField(unique=True, help_text="Reading number, 1 to 15.")
    slug = models.SlugField(unique=True, max_length=80)
    short_name = models.CharField(max_length=80, help_text='As used in paths, e.g. "GPT-3".')
    title = models.CharField(max_length=300)
    authors = models.TextField()
    year = models.PositiveSmallIntegerField()
    venue = models.CharField(max_length=120)
    url = models.URLField("link", max_length=500)
    summary = models.TextField(help_text="Markdown.")
    summary_html = models.TextField(editable=False, default="")
    why_it_matters = models.TextField(help_text="Markdown.")
    why_it_matters_html = models.TextField(editable=False, default="")
    core_idea = models.TextField(help_text="Markdown.")
    core_idea_html = models.TextField(editable=False, default="")
    focus_points = models.TextField(blank=True, help_text="Markdown.")
    focus_points_html = models.TextField(editable=False, default="")
    further_reading = models.TextField(blank=True, help_text="Markdown.")
    further_reading_html = models.TextField(editable=False, default="")
    key_takeaway = models.TextField(help_text="One sentence; inline Markdown.")
    key_takeaway_html = models.TextField(editable=False, default="")
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    search_vector = search_document(PAPER_SEARCH)

    history = ContentHistory(m2m_fields=[prerequisites], excluded_fields=["search_vector"])

    markdown_fields = {
        "summary": "summary_html",
        "why_it_matters": "why_it_matters_html",
        "core_idea": "core_idea_html",
        "focus_points": "focus_points_html",
        "further_reading": "further_reading_html",
    }
    inline_markdown_fields = {"key_takeaway": "key_takeaway_html"}

    class Meta:
        ordering = ["number"]
        indexes = [
            GinIndex(fields=["search_vector"], name="paper_search"),
            # Typo-tolerant search (search.fuzzy): pg_trgm over the names people type.
            GinIndex(fields=["title"], name="paper_title_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["short_name"], name="paper_short_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="paper_number_positive"),
            *DepthHours.hours_constraints("paper"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}. {self.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("papers:paper_detail", args=[self.slug])


class Topic(ContentModel):
    """An interest from "Customizing Your Path", with its prioritized reading order."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=120)
    question = models.CharField(max_length=200, help_text='e.g. "Interested in vision?"')
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    papers = models.ManyToManyField(Paper, through="TopicPaper", related_name="topics")
    history = ContentHistory()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("papers:topic_detail", args=[self.slug])


class TopicPaper(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="track")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    history = ContentHistory()

    class Meta:
        ordering = ["topic", "position"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "paper"], name="topic_paper_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.position}: {self.paper}"


class GlossaryTerm(Publishable, RenderedMarkdownModel):
    slug = models.SlugField(unique=True, max_length=80)
    term = models.CharField(max_length=200)
    definition = models.TextField(help_text="Markdown.")
    definition_html = models.TextField(editable=False, default="")
    papers = models.ManyToManyField(Paper, blank=True, related_name="glossary_terms")
    search_vector = search_document(GLOSSARY_SEARCH)
    history = ContentHistory(m2m_fields=[papers], excluded_fields=["search_vector"])

    markdown_fields = {"definition": "definition_html"}

    class Meta:
        ordering = [Lower("term")]
        indexes = [
            GinIndex(fields=["search_vector"], name="glossary_search"),
            GinIndex(fields=["term"], name="glossary_term_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("papers:glossary") + f"#{self.slug}"


class Page(Publishable, RenderedMarkdownModel):
    """A reference page: Quick Reference, Comparisons, General Tips and the like."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; start sections at ##.")
    body_html = models.TextField(editable=False, default="")
    position = models.PositiveIntegerField(default=0)
    search_vector = search_document(PAGE_SEARCH)
    history = ContentHistory(excluded_fields=["search_vector"])

    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["position", "title"]
        indexes = [GinIndex(fields=["search_vector"], name="page_search")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("papers:page_detail", args=[self.slug])
