"""What the weekly digest's tests share: a learner who asked for it, a path of steps of known
hours, steps finished last week, a study group, and the digest of this week as sent.

The tests send at a fixed moment, NOW (a Monday morning), with dates fixed around it, so they
test the same thing whatever day (or across whatever midnight) the suite runs; the few that
run on the real clock say so."""

import datetime

from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from learning.digest.compose import week_of
from learning.digest.services import digest_subscription_set
from learning.models import (
    DigestSubscription,
    GroupMembership,
    MembershipRole,
    StepProgress,
    StudyGroup,
)

from .email_support import assert_product_email
from .factories import EnrollmentFactory, PathFactory, StepProgressFactory

# Monday 12 January 2026, 9:00 in the site's time zone: the digest of 12 to 18 January.
NOW = timezone.make_aware(datetime.datetime(2026, 1, 12, 9))
TODAY = timezone.localdate(NOW)
WEEK = week_of(TODAY)


def subject_of(week: datetime.date) -> str:
    end = week + datetime.timedelta(days=6)
    return f"Your week on Learning Roadmap: {week:%-d %B} to {end:%-d %B %Y}"


SUBJECT = subject_of(WEEK)


def subscribed_before_this_week(user):
    """Backdated to the week before NOW's (so also before any week of the real clock)."""
    when = datetime.datetime.combine(WEEK - datetime.timedelta(weeks=1), datetime.time(12))
    DigestSubscription.objects.filter(user=user).update(changed_at=timezone.make_aware(when))


def following(user, *, hours_per_week=None, steps=5):
    """The learner on a new path of `steps` steps of 2 h each at Thorough."""
    path = PathFactory(phase_sizes=[steps], hours_thorough=2 * steps)
    return EnrollmentFactory(user=user, path=path, hours_per_week=hours_per_week)


def finished_last_week(enrollment, step, status="done"):
    StepProgressFactory(enrollment=enrollment, step=step, status=status)
    when = datetime.datetime.combine(WEEK - datetime.timedelta(days=3), datetime.time(12))
    StepProgress.objects.filter(user=enrollment.user, step=step).update(
        completed_at=timezone.make_aware(when)
    )


def names(steps) -> list[str]:
    return [step.display_name for step in steps]


def only_digest(to: str, *, subject: str = SUBJECT):
    (message,) = mail.outbox
    return message, assert_product_email(message, subject=subject, to=to)


def group_on(path, *, name="Reading club", **fields):
    defaults = {
        "depth": "thorough",
        "start_date": TODAY - datetime.timedelta(days=7),  # the schedule's week 2
        "hours_per_week": 4,
    }
    return StudyGroup.objects.create(name=name, path=path, **{**defaults, **fields})


def member(group, user, **fields):
    return GroupMembership.objects.create(
        group=group, user=user, display_name="Ada", role=MembershipRole.MEMBER, **fields
    )


def subscribing(make_user):
    """Make learners with a confirmed primary address who asked for the digest last week."""

    def make(email=None, **extra):
        user = make_user(email, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        digest_subscription_set(user=user, weekly=True)
        subscribed_before_this_week(user)
        return user

    return make
