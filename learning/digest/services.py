"""Writes of the weekly digest: a learner's choice to get it, and sending the week's digests.

Sending is idempotent: each learner's digest for a week is claimed (a DigestSend row, inserted
with ON CONFLICT) before its email goes out, and marked sent once the mail server took it. A
second run, at once or later, finds the claim and sends nothing; a send that fails deletes its
claim, so the next run retries. The mail server is never spoken to inside a transaction.

The week is Monday to Sunday in the site's time zone (TIME_ZONE): a digest is due in any run
during the week it covers, so an hourly cron job sends each learner's on Monday shortly after
midnight (and a run on Tuesday, after a Monday the job did not run, still sends it). A learner
who subscribes during a week gets their first digest the Monday after."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.mail import get_connection
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from accounts.learner_version import learner_lock

from ..models import DigestSend, DigestSubscription
from .compose import Digest, path_digest, week_of
from .emails import absolute, digest_email
from .selectors import CLAIM_TIMEOUT, LearnerMaterial, digest_material, due_learners

logger = logging.getLogger(__name__)

# Learners read and composed together: memory stays bounded, queries stay few.
BATCH = 200


@transaction.atomic
def digest_subscription_set(*, user, weekly: bool) -> DigestSubscription:
    """Turn the weekly digest on or off; setting it as it is changes nothing."""
    learner_lock(user)
    subscription, created = DigestSubscription.objects.select_for_update().get_or_create(
        user=user, defaults={"weekly": weekly}
    )
    if not created and subscription.weekly != weekly:
        subscription.weekly = weekly
        subscription.changed_at = timezone.now()
        subscription.save(update_fields=["weekly", "changed_at"])
    return subscription


@dataclass
class DigestReport:
    week: datetime.date
    sent: int = 0
    nothing_to_say: int = 0  # settled for the week without an email
    taken: int = 0  # claimed meanwhile by another run
    failed: int = 0  # released: the next run retries them

    def __str__(self) -> str:
        return (
            f"Week of {self.week:%Y-%m-%d}: {self.sent} sent, "
            f"{self.nothing_to_say + self.taken} skipped "
            f"({self.nothing_to_say} with nothing to say, {self.taken} sent by another run), "
            f"{self.failed} failed"
        )


def last_week_span(week: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end of the Monday-to-Sunday before `week`, in the site's time zone."""
    start = datetime.datetime.combine(week - datetime.timedelta(weeks=1), datetime.time.min)
    end = datetime.datetime.combine(week, datetime.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def digest_compose(user, material: LearnerMaterial, *, week: datetime.date) -> Digest:
    """One learner's digest from the batch's material (no queries)."""
    span = last_week_span(week)
    digest = Digest(user=user, week=week)
    for enrollment in material.enrollments:
        digest.paths.append(
            path_digest(
                enrollment,
                progress=material.progress,
                group=material.groups.get(enrollment.path_id),
                week=week,
                last_week=span,
                url=absolute(enrollment.path.get_absolute_url()),
            )
        )
    return digest


_CLAIM = """
    INSERT INTO {table} (user_id, week, claimed_at, sent_at, nothing_to_say)
    VALUES (%s, %s, %s, NULL, false)
    ON CONFLICT (user_id, week) DO UPDATE SET claimed_at = EXCLUDED.claimed_at
        WHERE {table}.sent_at IS NULL AND {table}.claimed_at < %s
    RETURNING id
"""


def _claim(user, week: datetime.date, now: datetime.datetime) -> int | None:
    """Claim the learner's digest for the week (or a stale claim of a run that died): its
    row's id, or None when another run has it. Committed at once, before any email."""
    with db.cursor() as cursor:
        cursor.execute(
            _CLAIM.format(table=DigestSend._meta.db_table),
            [user.pk, week, now, now - CLAIM_TIMEOUT],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _settle_empty(user, week: datetime.date) -> None:
    now = timezone.now()
    DigestSend.objects.bulk_create(
        [DigestSend(user=user, week=week, claimed_at=now, sent_at=now, nothing_to_say=True)],
        ignore_conflicts=True,
    )


def _deliver(digest: Digest, mail, report: DigestReport, *, now) -> None:
    claim = _claim(digest.user, digest.week, now)
    if claim is None:
        report.taken += 1
        return
    try:
        mail.open()  # one SMTP session for the run (a no-op once open), again after a failure
        if not mail.send_messages([digest_email(digest, connection=mail)]):
            raise RuntimeError("the mail backend sent nothing")
    except Exception:
        # Whatever went wrong (the server refused, the connection broke), the claim goes and
        # the run goes on with the next learner; the next run retries this one.
        logger.exception("The weekly digest to user %s was not sent", digest.user.pk)
        DigestSend.objects.filter(pk=claim, sent_at__isnull=True).delete()
        mail.close()
        report.failed += 1
        return
    DigestSend.objects.filter(pk=claim).update(sent_at=timezone.now())
    report.sent += 1


def digests_send(*, now: datetime.datetime | None = None, dry_run: bool = False) -> DigestReport:
    """Send every digest due for the week of `now` (default: now); with `dry_run`, only count
    what would be sent. Queries: seven per batch of learners (one more to find the end), plus two
    per email sent."""
    now = now or timezone.now()
    report = DigestReport(week=week_of(timezone.localdate(now)))
    mail = get_connection()
    after = 0
    while users := list(due_learners(week=report.week, now=now).filter(pk__gt=after)[:BATCH]):
        after = users[-1].pk
        material = digest_material(users)
        for user in users:
            digest = digest_compose(user, material[user.pk], week=report.week)
            if not digest.has_news:
                report.nothing_to_say += 1
                if not dry_run:
                    _settle_empty(user, report.week)
            elif dry_run:
                report.sent += 1
            else:
                _deliver(digest, mail, report, now=now)
    mail.close()
    return report
