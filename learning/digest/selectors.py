"""Reads for the weekly digest: who is due this week, and everything their digests are made of,
for a batch of learners in a fixed number of queries whatever its size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..models import (
    DigestSend,
    DigestSubscription,
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    MembershipState,
    StepProgress,
    StudyGroup,
)
from ..selectors import _with_outlines

# A claim older than this whose email never went out (the run that held it was killed) is
# taken again by the next run.
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)


def is_subscribed(*, user) -> bool:
    """Whether the learner asked for the weekly digest (and has not turned it off)."""
    return DigestSubscription.objects.filter(user=user, weekly=True).exists()


def has_confirmed_address(*, user) -> bool:
    """Whether the account's address is one its owner confirmed (allauth's verified), which the
    digest, a recurring email, needs."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def due_learners(*, week: datetime.date, now: datetime.datetime):
    """Active accounts that asked for the digest before the week began (the first digest comes
    on the Monday after subscribing), whose address they confirmed (primary or not: with
    optional verification an unconfirmed one may be someone else's), and that have no digest
    for this week (sent, settled or being sent), by id."""
    week_start = timezone.make_aware(datetime.datetime.combine(week, datetime.time.min))
    address = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"))
    settled = DigestSend.objects.filter(user=OuterRef("pk"), week=week).exclude(
        sent_at__isnull=True, claimed_at__lt=now - CLAIM_TIMEOUT
    )
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            digest_subscription__weekly=True,
            digest_subscription__changed_at__lt=week_start,
        )
        .filter(Exists(address.filter(verified=True)))
        .exclude(Exists(settled))
        .order_by("pk")
    )


@dataclass
class LearnerMaterial:
    """One learner's active enrolments (outlines prefetched), their progress rows by step id,
    and the open, scheduled group they are a member of on each path (by path id)."""

    enrollments: list[Enrollment] = field(default_factory=list)
    progress: dict[int, StepProgress] = field(default_factory=dict)
    groups: dict[int, StudyGroup] = field(default_factory=dict)


def digest_material(users: list) -> dict[int, LearnerMaterial]:
    """What the digests of these learners are made of, by user id: six queries in all.
    Paused enrolments are left out: a paused path is one the learner asked to rest."""
    material = {user.pk: LearnerMaterial() for user in users}
    enrollments = list(
        Enrollment.objects.filter(user__in=users, status=EnrollmentStatus.ACTIVE)
        .select_related("path")
        .order_by("user_id", "-started_at", "pk")
    )
    _with_outlines(enrollments, None)
    for enrollment in enrollments:
        material[enrollment.user_id].enrollments.append(enrollment)
    rows = StepProgress.objects.filter(
        user__in=users, step__path__in={e.path_id for e in enrollments}
    ).order_by()
    for row in rows:
        material[row.user_id].progress[row.step_id] = row
    memberships = (
        GroupMembership.objects.filter(
            user__in=users,
            state=MembershipState.ACTIVE,
            group__closed_at__isnull=True,
            group__start_date__isnull=False,
            group__hours_per_week__isnull=False,
        )
        .select_related("group__path")
        .order_by("-group__name", "-group__pk")  # the first by name wins below
    )
    paths_of = defaultdict(set)
    for enrollment in enrollments:
        paths_of[enrollment.user_id].add(enrollment.path_id)
    for membership in memberships:
        group = membership.group
        if group.path_id in paths_of[membership.user_id]:
            material[membership.user_id].groups[group.path_id] = group
    return material
