"""What learners make: enrolments, step progress and its history, checklist ticks, saved plans."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import DepthKey, RenderedMarkdownModel

from .content import ChecklistItem, Path, Step


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


FINISHED_STATUSES = (StepStatus.DONE, StepStatus.SKIPPED)


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class Enrollment(models.Model):
    """A learner following a path, at the depth they chose."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    path = models.ForeignKey(Path, on_delete=models.PROTECT, related_name="enrollments")
    depth = models.CharField(max_length=10, choices=DepthKey.choices, default=DepthKey.THOROUGH)
    hours_per_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Optional; 1 to 100.",
    )
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    share_token = models.CharField(max_length=43, null=True, blank=True, unique=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="enrollment_once_per_path"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=1, hours_per_week__lte=100),
                name="enrollment_hours_per_week_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.path}"

    def get_absolute_url(self) -> str:
        return self.path.get_absolute_url()

    @property
    def is_paused(self) -> bool:
        return self.status == EnrollmentStatus.PAUSED

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def depth_label(self) -> str:
        return DepthKey(self.depth).label


class StepProgress(RenderedMarkdownModel):
    """One learner's status and private note on one step: one row per learner and step.

    Keyed to the step itself, so reordering, renaming or moving steps never loses it, and
    PROTECT keeps a step (and through it, its path) from being deleted while learners have it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_progress"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(
        max_length=12, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    note = models.TextField(blank=True, max_length=20_000)
    note_html = models.TextField(editable=False, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "step progress"
        ordering = ["user", "step"]
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="progress_once_per_step"),
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values), name="progress_status_valid"
            ),
        ]

    markdown_fields = {"note": "note_html"}
    # Below the step title (an h3): a `#` in a note never outranks the step it is about.
    markdown_top_heading = 4

    def __str__(self) -> str:
        # No learner's identity here: the admin lists these when it refuses to delete a step.
        return f"A learner's progress on {self.step} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class ProgressEvent(models.Model):
    """A learner's change of status, kept for recent activity, active days and streaks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_events"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=12, choices=StepStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="event_user_recent")]

    def __str__(self) -> str:
        return f"A learner marked {self.step} {self.get_status_display()}"


class ChecklistTick(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_ticks"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="ticks")
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "item"]
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="tick_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"A learner ticked {self.item}"


class PlanSave(models.Model):
    """A builder draft saved into a personal path: the same draft saved again (a double click,
    a retried POST, a page left open) finds its path here instead of making another."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_saves"
    )
    token = models.CharField(max_length=64)
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="plan_saves")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "token"], name="plan_saved_once_per_token"),
        ]

    def __str__(self) -> str:
        return f"A saved plan of {self.path}"
