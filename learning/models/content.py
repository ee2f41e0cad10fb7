"""The roadmap's structure: paths, phases, steps, path sections and checklists (curated content,
and learners' personal paths, which are private to them)."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core.history import ContentHistory
from core.models import (
    ContentModel,
    DepthHours,
    DepthKey,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    RenderedMarkdownModel,
    search_document,
)
from papers.models import Paper

STEP_SEARCH = (("title", "A"), ("key_takeaway", "B"), ("body", "B"))
SECTION_SEARCH = (("title", "A"), ("body", "B"))


class Audience(models.TextChoices):
    BEGINNER = "beginner", "Complete beginner"
    ENGINEER = "engineer", "Software engineer"
    RESEARCHER = "researcher", "ML student or researcher"
    PRODUCT_MANAGER = "product-manager", "AI product manager"


class RoadmapInfo(RenderedMarkdownModel):
    """The roadmap's own texts (title, tagline, closing note): a single row."""

    title = models.CharField(max_length=200)
    tagline = models.CharField(max_length=300)
    topics_intro = models.CharField(max_length=300, blank=True)
    closing_note = models.TextField(blank=True, help_text="Markdown.")
    closing_note_html = models.TextField(editable=False, default="")
    last_updated = models.DateField(null=True, blank=True)

    markdown_fields = {"closing_note": "closing_note_html"}
    history = ContentHistory()

    class Meta:
        verbose_name = "roadmap information"
        verbose_name_plural = "roadmap information"
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="roadmap_info_single_row")]

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.title


class Depth(ContentModel):
    """How a reading depth is explained to learners; the keys themselves are fixed."""

    key = models.CharField(max_length=10, choices=DepthKey.choices, unique=True)
    label = models.CharField(max_length=40)
    description = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    history = ContentHistory()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class PrivateToLearner:
    """A learner's personal path, its phases and steps are theirs alone: curators' content
    history keeps no record of them (see core.history.ContentHistory)."""

    def keeps_no_history(self) -> bool:
        if isinstance(self, Path):
            return self.owner_id is not None
        path = self._state.fields_cache.get("path")
        if path is None:
            return Path.objects.filter(pk=self.path_id, owner__isnull=False).exists()
        return path.owner_id is not None


class PathQuerySet(PublishableQuerySet):
    def curated(self):
        """The roadmap's own paths, not learners' personal ones."""
        return self.filter(owner__isnull=True)

    def visible_to(self, user):
        """Published curated paths for everyone, drafts too for staff, and a path someone has
        started stays visible to them even if curators take it back to draft; personal paths
        only to their owner (staff included: a personal path is private)."""
        curated = Q(owner__isnull=True)
        if not user.is_authenticated:
            return self.filter(curated, status=PublicationStatus.PUBLISHED)
        if not user.is_staff:
            # The Enrollment model through the reverse relation: it lives in learners.py.
            enrollments = self.model.enrollments.rel.related_model.objects
            enrolled = Exists(enrollments.filter(path=OuterRef("pk"), user=user))
            curated &= Q(status=PublicationStatus.PUBLISHED) | Q(enrolled)
        return self.filter(curated | Q(owner=user))


class Path(PrivateToLearner, Publishable, RenderedMarkdownModel, DepthHours):
    slug = models.SlugField(unique=True, max_length=80)
    number = models.PositiveSmallIntegerField(default=0, help_text="Order in the catalog.")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, help_text="The catalog card's title.")
    audience_key = models.CharField(max_length=20, choices=Audience.choices)
    goal = models.CharField(max_length=300)
    time_estimate = models.CharField(max_length=80, help_text='e.g. "20-30 hours".')
    prerequisites = models.CharField(max_length=300)
    hours_note = models.CharField(max_length=80, blank=True, help_text='e.g. "100+ hours".')
    after_completing = models.TextField(blank=True, help_text="Markdown.")
    after_completing_html = models.TextField(editable=False, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_paths",
        help_text="Set for a learner's personal path (from the builder); empty for curated paths.",
    )
    builder_answers = models.JSONField(null=True, blank=True, editable=False)
    builder_edits = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="A personal path's edits that outlive a re-plan: papers added and removed.",
    )
    plan_revision = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Bumped by every change to a personal path's plan: a re-plan drafted from an "
        "older revision is out of date and is not saved over a newer one.",
    )
    imported_from = models.SlugField(
        max_length=80,
        blank=True,
        editable=False,
        help_text="For a personal path restored from a learner's record: its slug in the file.",
    )
    history = ContentHistory(excluded_fields=["builder_edits", "plan_revision", "imported_from"])

    objects = PathQuerySet.as_manager()

    markdown_fields = {"after_completing": "after_completing_html"}

    class Meta:
        ordering = ["number", "title"]
        constraints = [
            *DepthHours.hours_constraints("path"),
            models.UniqueConstraint(
                fields=["owner", "imported_from"],
                condition=~Q(imported_from=""),
                name="path_imported_once_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:path_detail", args=[self.slug])

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None


class Phase(PrivateToLearner, ContentModel):
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="phases")
    slug = models.SlugField(max_length=80, help_text="Stable key within the path.")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=40, help_text='"Week 1", "Sprint 2", "Phase 3".')
    title = models.CharField(max_length=200)
    goal = models.CharField(max_length=300, blank=True)
    duration = models.CharField(max_length=40, blank=True, help_text='e.g. "3-5 days".')
    history = ContentHistory()

    class Meta:
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "slug"], name="phase_slug_unique_in_path"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    def get_absolute_url(self) -> str:
        return self.path.get_absolute_url() + f"#{self.slug}"


class StepQuerySet(models.QuerySet):
    def current(self):
        """Steps shown on their path: not archived."""
        return self.filter(archived=False)

    def renumber(self, phase_ids) -> int:
        """Number the numbered steps ("1", "2", …) of these phases by their position, so that
        reordering them keeps the numbers in order. Returns how many labels changed."""
        steps = self.filter(phase_id__in=phase_ids, archived=False).order_by(
            "phase_id", "position", "pk"
        )
        changed, counters = [], {}
        for step in steps.only("pk", "phase_id", "label"):
            if not step.label.isdigit():
                continue
            counters[step.phase_id] = counters.get(step.phase_id, 0) + 1
            if step.label != str(counters[step.phase_id]):
                step.label = str(counters[step.phase_id])
                changed.append(step)
        self.model.objects.bulk_update(changed, ["label"])
        return len(changed)


class Step(PrivateToLearner, RenderedMarkdownModel):
    """One step of a path. Learners' progress will hang on the step itself, never its position."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="steps")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="steps")
    slug = models.SlugField(max_length=80, help_text="Stable key within the path.")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=40, blank=True, help_text='"Day 1-2", or "1" for lists.')
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=200, blank=True)
    duration = models.CharField(max_length=40, blank=True)
    body = models.TextField(blank=True, help_text="Markdown: Read / Focus on / Try … lines.")
    body_html = models.TextField(editable=False, default="")
    key_takeaway = models.TextField(blank=True, help_text="Inline Markdown.")
    key_takeaway_html = models.TextField(editable=False, default="")
    papers = models.ManyToManyField(Paper, through="StepPaper", related_name="steps", blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why a personal path includes this step."
    )
    plan_key = models.CharField(
        max_length=90,
        blank=True,
        editable=False,
        help_text="A personal path's step without a paper: its key in the learner's plan "
        '("project", or "step:<slug>" for one restored from a record without its paper).',
    )
    archived = models.BooleanField(
        default=False,
        help_text="Hidden from the path; learners keep their status and note, and their export "
        "still contains it. Use this instead of deleting a step people have worked on.",
    )

    search_vector = search_document(STEP_SEARCH)

    objects = StepQuerySet.as_manager()
    history = ContentHistory(excluded_fields=["search_vector", "plan_key"])

    markdown_fields = {"body": "body_html"}
    inline_markdown_fields = {"key_takeaway": "key_takeaway_html"}

    class Meta:
        ordering = ["path", "phase__position", "position"]
        indexes = [GinIndex(fields=["search_vector"], name="step_search")]
        constraints = [
            models.UniqueConstraint(fields=["path", "slug"], name="step_slug_unique_in_path"),
        ]

    def __str__(self) -> str:
        if not self.label:
            return self.title
        label = f"Step {self.label}" if self.label.isdigit() else self.label
        return f"{label}: {self.title}"

    def save(self, *args, **kwargs):
        """Numbered steps keep their numbers in the order of their positions (in the phase it
        leaves, too, when a step moves to another phase)."""
        numbered = self.label.isdigit()
        before = None
        if numbered and self.pk:
            before = Step.objects.filter(pk=self.pk).values_list("phase_id", flat=True).first()
        super().save(*args, **kwargs)
        if numbered:
            Step.objects.renumber({self.phase_id, before} - {None})
            self.label = Step.objects.filter(pk=self.pk).values_list("label", flat=True).get()

    @property
    def display_name(self) -> str:
        """The step as people read it out of its phase (the dashboard's "Continue", "Next", the
        shared page, search): numbered steps restart in every phase, so their phase comes first
        ("Sprint 2 · Step 1: RAG"); others by their label ("Day 1-2: …")."""
        if not self.label:
            return self.title
        if self.label.isdigit():
            return f"{self.phase.label} · Step {self.label}: {self.title}"
        return f"{self.label}: {self.title}"

    def clean(self):
        if self.phase_id and self.path_id and self.phase.path_id != self.path_id:
            raise ValidationError({"phase": "The phase must belong to the step's path."})

    def get_absolute_url(self) -> str:
        return self.path.get_absolute_url() + f"#step-{self.slug}"

    @property
    def anchor(self) -> str:
        return f"step-{self.slug}"


class StepPaper(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="step_papers")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, related_name="step_links")
    position = models.PositiveIntegerField(default=0)
    history = ContentHistory()

    class Meta:
        ordering = ["step", "position"]
        constraints = [
            models.UniqueConstraint(fields=["step", "paper"], name="step_paper_once"),
        ]

    def __str__(self) -> str:
        return f"{self.step} → {self.paper}"

    def keeps_no_history(self) -> bool:
        step = self._state.fields_cache.get("step")
        if step is not None:
            return step.keeps_no_history()
        return Step.objects.filter(pk=self.step_id, path__owner__isnull=False).exists()


class PathSection(RenderedMarkdownModel):
    """A per-path section: Hands-On Project Ideas, Product Decision Cheat Sheet and the like."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False, default="")
    position = models.PositiveIntegerField(default=0)
    search_vector = search_document(SECTION_SEARCH)
    history = ContentHistory(excluded_fields=["search_vector"])

    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["path", "position"]
        indexes = [GinIndex(fields=["search_vector"], name="section_search")]
        constraints = [
            models.UniqueConstraint(fields=["path", "slug"], name="section_slug_unique_in_path"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.path.get_absolute_url() + f"#{self.slug}"


class Checklist(ContentModel):
    """Tracking Progress, Success Criteria: lists a learner ticks off."""

    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    intro = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = ContentHistory()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(ContentModel):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    slug = models.SlugField(max_length=80, help_text="Stable key within the checklist.")
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    history = ContentHistory()

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "slug"], name="checklist_item_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text
