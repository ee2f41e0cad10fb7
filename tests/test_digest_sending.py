"""Sending the weekly digest once a week however often `send_digests` runs and however many
runs go at once; a failed send retried by the next run; the command; its queries."""

import datetime
import smtplib
from functools import partial

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from learning.digest import services as digest_services
from learning.digest.services import digest_subscription_set, digests_send
from learning.models import DigestSend, DigestSubscription
from learning.services import account_delete

from .concurrency import at_once
from .digest_support import NOW, WEEK, finished_last_week, following, group_on, member
from .email_support import SITE
from .factories import steps_of

pytestmark = pytest.mark.usefixtures("digest_site")


# --- Once a week ---------------------------------------------------------------------------


def test_the_first_digest_comes_the_monday_after_subscribing(user):
    """On the real clock: subscribing now, whatever the day, sends nothing until next week."""
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    following(user)
    digest_subscription_set(user=user, weekly=True)

    assert digests_send().sent == 0
    assert digests_send(now=timezone.now() + datetime.timedelta(weeks=1)).sent == 1


def test_running_twice_sends_nothing_twice(subscriber):
    learners = [subscriber() for _ in range(3)]
    for learner in learners:
        following(learner)

    first, second = digests_send(now=NOW), digests_send(now=NOW)

    assert (first.sent, second.sent, second.taken) == (3, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in learners)
    assert DigestSend.objects.filter(week=WEEK, sent_at__isnull=False).count() == 3


def test_next_week_brings_the_next_digest(subscriber):
    learner = subscriber()
    following(learner)
    digests_send(now=NOW)
    digests_send(now=NOW + datetime.timedelta(weeks=1))
    assert len(mail.outbox) == 2
    assert DigestSend.objects.filter(user=learner).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once(subscriber, settings):
    settings.SITE_URL = SITE
    learners = [subscriber() for _ in range(4)]
    for learner in learners:
        following(learner)

    errors = at_once(partial(digests_send, now=NOW), 2)

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in learners)
    assert DigestSend.objects.filter(sent_at__isnull=False).count() == 4


class RefusingBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such user")})

    def close(self):
        pass


def test_a_failed_send_releases_its_claim_and_the_next_run_sends_it(subscriber, monkeypatch):
    learner = subscriber()
    following(learner)
    monkeypatch.setattr(digest_services, "get_connection", RefusingBackend)

    failed = digests_send(now=NOW)

    assert (failed.sent, failed.failed) == (0, 1)
    assert not DigestSend.objects.exists()
    monkeypatch.undo()
    assert digests_send(now=NOW).sent == 1
    assert len(mail.outbox) == 1


def test_a_claim_of_a_run_that_died_is_taken_again_later(subscriber):
    fresh, stale = subscriber(), subscriber()
    for learner in (fresh, stale):
        following(learner)
    now = NOW
    DigestSend.objects.create(user=fresh, week=WEEK, claimed_at=now)
    DigestSend.objects.create(user=stale, week=WEEK, claimed_at=now - datetime.timedelta(hours=1))

    assert digests_send(now=now).sent == 1

    assert [m.to for m in mail.outbox] == [[stale.email]]


def test_the_command_reports_and_a_dry_run_sends_nothing(subscriber, capsys):
    learner = subscriber()
    following(learner)
    subscriber()  # nothing to say

    call_command("send_digests", "--dry-run")
    assert mail.outbox == []
    assert not DigestSend.objects.exists()
    assert "Dry run, nothing sent. " in capsys.readouterr().out

    call_command("send_digests")
    out = capsys.readouterr().out
    week = DigestSend.objects.filter(sent_at__isnull=False).first().week  # the real clock's
    assert f"Week of {week:%Y-%m-%d}: 1 sent, 1 skipped" in out
    assert len(mail.outbox) == 1


def test_the_command_needs_the_sites_address(settings, subscriber):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="DJANGO_SITE_URL"):
        call_command("send_digests")


def test_sending_takes_a_fixed_number_of_queries_per_learner(subscriber, django_assert_num_queries):
    """Seven reads for a batch of learners whatever its size (who is due; their enrolments; the
    paths' phases, steps and papers; their progress; their groups), one more to find nobody
    else due, and per email its claim and its mark."""
    learner = subscriber()
    enrollment = following(learner, hours_per_week=4)
    finished_last_week(enrollment, steps_of(enrollment.path)[0])
    with django_assert_num_queries(8 + 2):
        digests_send(now=NOW)
    for _ in range(3):
        learner = subscriber()
        enrollment = following(learner)
        member(group_on(enrollment.path), learner)
        finished_last_week(enrollment, steps_of(enrollment.path)[1])
    with django_assert_num_queries(8 + 2 * 3):
        digests_send(now=NOW)


def test_deleting_the_account_deletes_its_digest_rows(subscriber):
    learner = subscriber()
    following(learner)
    digests_send(now=NOW)
    account_delete(user=learner)
    assert not DigestSubscription.objects.exists()
    assert not DigestSend.objects.exists()
