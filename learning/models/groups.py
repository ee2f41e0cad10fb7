"""Study groups: learners working through one curated path together, on a shared schedule.

A membership never owns progress: a member's statuses and notes stay on their own StepProgress
rows, so leaving a group, being removed from it or the group closing never touches them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import DepthKey

from .content import Path


class StudyGroupQuerySet(models.QuerySet):
    def for_member(self, user):
        """Groups the user is a current member of (none for an anonymous visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user, memberships__state=MembershipState.ACTIVE
        ).distinct()


class StudyGroup(models.Model):
    """A group on a curated path. Its schedule (start date and weekly pace, at its depth) is laid
    out by the one estimate model (learning.group_schedule)."""

    name = models.CharField(max_length=100)
    path = models.ForeignKey(Path, on_delete=models.PROTECT, related_name="study_groups")
    depth = models.CharField(max_length=10, choices=DepthKey.choices, default=DepthKey.THOROUGH)
    start_date = models.DateField(null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Optional; 1 to 100.",
    )
    # The invite link's secret; NULL once revoked (a new one can be made).
    invite_token = models.CharField(max_length=43, null=True, blank=True, unique=True)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = StudyGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gte=1, hours_per_week__lte=100),
                name="group_hours_per_week_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("learning:group_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def has_schedule(self) -> bool:
        return self.start_date is not None and bool(self.hours_per_week)


class MembershipRole(models.TextChoices):
    ORGANISER = "organiser", "Organiser"
    MEMBER = "member", "Member"


class MembershipState(models.TextChoices):
    ACTIVE = "active", "Member"
    LEFT = "left", "Left"
    REMOVED = "removed", "Removed"


class GroupSharing(models.TextChoices):
    STATUS = "status", "Status only"
    NOTES = "notes", "Status and notes"


class GroupMembership(models.Model):
    """One learner in one group: one row per learner and group, kept when they leave or are
    removed (so a removed member cannot come back by the invite link)."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # The name the group sees: never the email address.
    display_name = models.CharField(max_length=60)
    role = models.CharField(
        max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    state = models.CharField(
        max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    sharing = models.CharField(
        max_length=10, choices=GroupSharing.choices, default=GroupSharing.STATUS
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # The member this one last handed organising to: a hand-over sent again (a retried POST)
    # is recognised by it and changes nothing.
    handed_over_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "display_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once_per_group"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=MembershipState.values), name="membership_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(sharing__in=GroupSharing.values), name="membership_sharing_valid"
            ),
        ]
        indexes = [models.Index(fields=["user", "state"], name="membership_user_state")]

    def __str__(self) -> str:
        # No email here: the admin and error pages may show it.
        return f"{self.display_name} in {self.group}"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_organiser(self) -> bool:
        return self.is_active and self.role == MembershipRole.ORGANISER

    @property
    def shares_notes(self) -> bool:
        return self.sharing == GroupSharing.NOTES
