"""Models of the library: papers, topics, glossary terms and reference pages."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .rendering import render_inline, render_markdown


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def visible_to(self, user):
        """Published content for everyone; drafts too for staff, who preview them."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


SEARCH_CONFIG = "english"


def search_vector(weighted_fields):
    """The weighted full-text document of a model, for its stored `search_vector`."""
    parts = [SearchVector(f, weight=w, config=SEARCH_CONFIG) for f, w in weighted_fields]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


class RenderedMarkdownModel(models.Model):
    """Stores the sanitized HTML of each Markdown field beside its source, rendered on save.

    `markdown_fields` maps a source field to its HTML field; `inline_markdown_fields` likewise for
    one-line fields rendered without a wrapping paragraph.
    """

    markdown_fields: dict[str, str] = {}
    inline_markdown_fields: dict[str, str] = {}
    # (field, weight) pairs of a model with a stored `search_vector`, kept current on save.
    search_fields: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.render_markdown_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            all_fields = {**self.markdown_fields, **self.inline_markdown_fields}
            rendered = {all_fields[f] for f in update_fields if f in all_fields}
            kwargs["update_fields"] = set(update_fields) | rendered
        super().save(*args, **kwargs)
        if self.search_fields:
            type(self)._base_manager.filter(pk=self.pk).update(
                search_vector=search_vector(self.search_fields)
            )

    def render_markdown_fields(self) -> None:
        for source, target in self.markdown_fields.items():
            setattr(self, target, render_markdown(getattr(self, source)))
        for source, target in self.inline_markdown_fields.items():
            setattr(self, target, render_inline(getattr(self, source)))


class DepthHours(models.Model):
    """Hours at each reading depth: Quick pass, Thorough, Deep study."""

    hours_quick = models.DecimalField(
        "hours (quick pass)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hours_thorough = models.DecimalField(
        "hours (thorough)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hours_deep = models.DecimalField(
        "hours (deep study)", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        abstract = True

    @classmethod
    def hours_constraints(cls, prefix: str) -> list[models.CheckConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(hours_quick__gte=0) & Q(hours_thorough__gte=0) & Q(hours_deep__gte=0),
                name=f"{prefix}_hours_not_negative",
            )
        ]

    def hours_for(self, depth: str):
        return getattr(self, f"hours_{depth}")

    @property
    def hours_by_depth(self) -> list[tuple[str, str, object]]:
        """(key, label, hours) for each depth, in order: for templates."""
        return [
            ("quick", "Quick pass", self.hours_quick),
            ("thorough", "Thorough", self.hours_thorough),
            ("deep", "Deep study", self.hours_deep),
        ]


class Paper(RenderedMarkdownModel, DepthHours):
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
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishableQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[prerequisites], excluded_fields=["search_vector"])
    search_fields = (
        ("short_name", "A"), ("title", "A"), ("key_takeaway", "B"), ("summary", "B"),
        ("why_it_matters", "C"), ("core_idea", "C"), ("authors", "D"),
    )  # fmt: skip

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
        indexes = [GinIndex(fields=["search_vector"], name="paper_search")]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="paper_number_positive"),
            *DepthHours.hours_constraints("paper"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}. {self.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("papers:paper_detail", args=[self.slug])

    @property
    def is_draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT


class Topic(models.Model):
    """An interest from "Customizing Your Path", with its prioritized reading order."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=120)
    question = models.CharField(max_length=200, help_text='e.g. "Interested in vision?"')
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    papers = models.ManyToManyField(Paper, through="TopicPaper", related_name="topics")
    history = HistoricalRecords()

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "paper"], name="topic_paper_once"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.position}: {self.paper}"


class GlossaryTerm(RenderedMarkdownModel):
    slug = models.SlugField(unique=True, max_length=80)
    term = models.CharField(max_length=200)
    definition = models.TextField(help_text="Markdown.")
    definition_html = models.TextField(editable=False, default="")
    papers = models.ManyToManyField(Paper, blank=True, related_name="glossary_terms")
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(m2m_fields=[papers], excluded_fields=["search_vector"])
    search_fields = (("term", "A"), ("definition", "B"))

    markdown_fields = {"definition": "definition_html"}

    class Meta:
        ordering = [Lower("term")]
        indexes = [GinIndex(fields=["search_vector"], name="glossary_search")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("papers:glossary") + f"#{self.slug}"


class Page(RenderedMarkdownModel):
    """A reference page: Quick Reference, Comparisons, General Tips and the like."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown; start sections at ##.")
    body_html = models.TextField(editable=False, default="")
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )

    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishableQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])
    search_fields = (("title", "A"), ("body", "B"))

    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["position", "title"]
        indexes = [GinIndex(fields=["search_vector"], name="page_search")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("papers:page_detail", args=[self.slug])

    @property
    def is_draft(self) -> bool:
        return self.status == PublicationStatus.DRAFT
