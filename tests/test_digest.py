"""The weekly digest: opting in and out, what it says (the coming week from the learner's own
plan or their group's schedule, what they finished last week), who gets it, sending it once a
week however often and however many runs go at once, and unsubscribing in one click."""

import datetime
import re
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from learning.digest import services as digest_services
from learning.digest.compose import week_of
from learning.digest.emails import unsubscribe_token
from learning.digest.services import digest_subscription_set, digests_send
from learning.models import (
    DigestSend,
    DigestSubscription,
    Enrollment,
    EnrollmentStatus,
    GroupMembership,
    MembershipRole,
    MembershipState,
    Path,
    StepProgress,
    StudyGroup,
)
from learning.services import account_delete

from .concurrency import at_once
from .email_support import HOST, SITE, assert_product_email, html_part
from .factories import EnrollmentFactory, PathFactory, StepProgressFactory, steps_of
from .test_builder import plan, save

TODAY = timezone.localdate()
WEEK = week_of(TODAY)
SUBJECT = (
    f"Your week on Learning Roadmap: {WEEK:%-d %B} to {WEEK + datetime.timedelta(days=6):%-d %B %Y}"
)


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.SITE_URL = SITE


def subscribed_before_this_week(user):
    DigestSubscription.objects.filter(user=user).update(
        changed_at=timezone.now() - datetime.timedelta(weeks=1)
    )


@pytest.fixture
def subscriber(make_user):
    """A learner with a confirmed primary address who asked for the digest."""

    def make(email=None, **extra):
        user = make_user(email, **extra)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        digest_subscription_set(user=user, weekly=True)
        subscribed_before_this_week(user)
        return user

    return make


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


def only_digest(to: str):
    (message,) = mail.outbox
    return message, assert_product_email(message, subject=SUBJECT, to=to)


# --- Opting in and out ---------------------------------------------------------------------


def test_a_learner_opts_in_and_out_on_the_digest_page(user, auth_client, client):
    page = auth_client.get("/digest/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Email me a weekly digest" in html
    assert "checked" not in html
    for _ in range(2):  # the same choice twice changes nothing
        response = auth_client.post("/digest/", {"weekly": "on"})
        assert response.status_code == 302
        assert DigestSubscription.objects.get(user=user).weekly
    assert "checked" in auth_client.get("/digest/").content.decode()
    auth_client.post("/digest/", {})
    assert not DigestSubscription.objects.get(user=user).weekly
    assert DigestSubscription.objects.count() == 1
    assert client.get("/digest/")["Location"].startswith("/accounts/login/")


def test_the_dashboard_links_to_the_digest_page(auth_client):
    assert 'href="/digest/"' in auth_client.get("/dashboard/").content.decode()


# --- What it says -------------------------------------------------------------------------


def test_the_digest_has_the_first_week_of_the_learners_plan_and_last_weeks_steps(subscriber):
    learner = subscriber("reader@example.com")
    enrollment = following(learner, hours_per_week=4)
    steps = steps_of(enrollment.path)
    finished_last_week(enrollment, steps[0])
    finished_last_week(enrollment, steps[4], status="skipped")
    StepProgressFactory(enrollment=enrollment, step=steps[3])  # finished today: not last week

    report = digests_send()

    assert (report.sent, report.failed) == (1, 0)
    message, body = only_digest("reader@example.com")
    title = enrollment.path.title
    # Left: steps 1, 2 (4 h at 4 h a week: the first week), then 3 is Done, so not left.
    assert (
        f"{title}\nComing week at your pace of 4 h a week:\n"
        f"- {steps[1].display_name} (2 h)\n- {steps[2].display_name} (2 h)\n"
        f"Finished last week, 2 steps:\n"
        f"- {steps[0].display_name} (Done)\n- {steps[4].display_name} (Skipped)\n"
        f"Open the path: http://{HOST}/paths/{enrollment.path.slug}/\n"
    ) in body
    assert "Your week of" in body
    assert f"http://{HOST}/digest/unsubscribe/" in body
    assert f"http://{HOST}/digest/\n" in body
    assert f'href="http://{HOST}/paths/{enrollment.path.slug}/"' in html_part(message)


def test_without_a_pace_the_digest_lists_the_next_steps(subscriber):
    learner = subscriber()
    enrollment = following(learner, steps=6)
    steps = steps_of(enrollment.path)
    StepProgressFactory(enrollment=enrollment, step=steps[0])

    digests_send()

    _, body = only_digest(learner.email)
    assert "Next up (you have set no weekly pace):\n" in body
    for step in steps[1:4]:
        assert f"- {step.display_name} (2 h)\n" in body
    assert steps[4].display_name not in body
    assert "Nothing finished last week." in body


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


def test_a_group_member_gets_the_groups_schedule_week(subscriber):
    learner = subscriber()
    enrollment = following(learner, hours_per_week=10)
    steps = steps_of(enrollment.path)
    StepProgressFactory(enrollment=enrollment, step=steps[2])
    member(group_on(enrollment.path), learner)

    digests_send()

    _, body = only_digest(learner.email)
    # Week 2 at 4 h a week: hours 4 to 8, the third and fourth steps (2 h each).
    assert (
        "Coming week on the schedule of Reading club:\n"
        f"- {steps[2].display_name} (2 h): Done already\n"
        f"- {steps[3].display_name} (2 h)\n"
    ) in body
    assert steps[0].display_name not in body


@pytest.mark.parametrize(
    ("group_fields", "membership_fields"),
    [
        ({"closed_at": timezone.now()}, {}),
        ({}, {"state": MembershipState.LEFT}),
        ({"start_date": None}, {}),
        ({"start_date": TODAY + datetime.timedelta(days=30)}, {}),
    ],
    ids=["closed group", "left the group", "no schedule", "starts next month"],
)
def test_without_a_group_schedule_for_the_week_the_learners_own_plan_counts(
    subscriber, group_fields, membership_fields
):
    learner = subscriber()
    enrollment = following(learner, hours_per_week=4)
    member(group_on(enrollment.path, **group_fields), learner, **membership_fields)

    digests_send()

    _, body = only_digest(learner.email)
    assert "Coming week at your pace of 4 h a week:" in body
    assert "Reading club" not in body


def test_a_group_starting_within_the_week_gives_its_first_week(subscriber):
    learner = subscriber()
    enrollment = following(learner)
    member(group_on(enrollment.path, start_date=TODAY + datetime.timedelta(days=2)), learner)

    digests_send()

    _, body = only_digest(learner.email)
    first_two = names(steps_of(enrollment.path)[:2])
    assert f"Reading club:\n- {first_two[0]} (2 h)\n- {first_two[1]} (2 h)\n" in body


# --- Who gets it ----------------------------------------------------------------------------


def test_a_learner_with_nothing_to_say_gets_no_digest_and_is_settled_for_the_week(subscriber):
    nothing = subscriber()  # follows no path
    paused = subscriber()
    following(paused)
    Enrollment.objects.filter(user=paused).update(status=EnrollmentStatus.PAUSED)
    done = subscriber()
    enrollment = following(done, steps=1)
    StepProgressFactory(enrollment=enrollment, step=steps_of(enrollment.path)[0])  # this week

    report = digests_send()

    assert mail.outbox == []
    assert (report.sent, report.nothing_to_say) == (0, 3)
    settled = DigestSend.objects.filter(week=WEEK, nothing_to_say=True)
    assert {row.user_id for row in settled} == {nothing.pk, paused.pk, done.pk}
    assert digests_send().nothing_to_say == 0  # not composed again this week


def test_a_finished_path_with_steps_finished_last_week_is_news(subscriber):
    learner = subscriber()
    enrollment = following(learner, steps=1)
    finished_last_week(enrollment, steps_of(enrollment.path)[0])

    digests_send()

    _, body = only_digest(learner.email)
    assert "Every step is finished.\nFinished last week, 1 step:\n" in body


def test_only_active_subscribed_accounts_with_a_known_address_get_it(subscriber, make_user):
    unsubscribed = subscriber()
    digest_subscription_set(user=unsubscribed, weekly=False)
    never_asked = make_user()
    EmailAddress.objects.create(user=never_asked, email=never_asked.email, primary=True)
    inactive = subscriber(is_active=False)
    no_address = subscriber()
    EmailAddress.objects.filter(user=no_address).delete()
    unconfirmed_other = subscriber()
    EmailAddress.objects.filter(user=unconfirmed_other).update(primary=False, verified=False)
    unconfirmed_primary = subscriber("primary@example.com")
    EmailAddress.objects.filter(user=unconfirmed_primary).update(verified=False)
    for learner in (unsubscribed, never_asked, inactive, no_address, unconfirmed_other):
        following(learner)
    following(unconfirmed_primary)

    report = digests_send()

    assert report.sent == 1
    assert [message.to for message in mail.outbox] == [["primary@example.com"]]


# --- Once a week ---------------------------------------------------------------------------


def test_the_first_digest_comes_the_monday_after_subscribing(user):
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    following(user)
    digest_subscription_set(user=user, weekly=True)

    assert digests_send().sent == 0
    assert digests_send(now=timezone.now() + datetime.timedelta(weeks=1)).sent == 1


def test_running_twice_sends_nothing_twice(subscriber):
    learners = [subscriber() for _ in range(3)]
    for learner in learners:
        following(learner)

    first, second = digests_send(), digests_send()

    assert (first.sent, second.sent, second.taken) == (3, 0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in learners)
    assert DigestSend.objects.filter(week=WEEK, sent_at__isnull=False).count() == 3


def test_next_week_brings_the_next_digest(subscriber):
    learner = subscriber()
    following(learner)
    digests_send()
    digests_send(now=timezone.now() + datetime.timedelta(weeks=1))
    assert len(mail.outbox) == 2
    assert DigestSend.objects.filter(user=learner).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once(subscriber, settings):
    settings.SITE_URL = SITE
    learners = [subscriber() for _ in range(4)]
    for learner in learners:
        following(learner)

    errors = at_once(digests_send, 2)

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

    failed = digests_send()

    assert (failed.sent, failed.failed) == (0, 1)
    assert not DigestSend.objects.exists()
    monkeypatch.undo()
    assert digests_send().sent == 1
    assert len(mail.outbox) == 1


def test_a_claim_of_a_run_that_died_is_taken_again_later(subscriber):
    fresh, stale = subscriber(), subscriber()
    for learner in (fresh, stale):
        following(learner)
    now = timezone.now()
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
    assert f"Week of {WEEK:%Y-%m-%d}: 1 sent, 1 skipped" in out
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
        digests_send()
    for _ in range(3):
        learner = subscriber()
        enrollment = following(learner)
        member(group_on(enrollment.path), learner)
        finished_last_week(enrollment, steps_of(enrollment.path)[1])
    with django_assert_num_queries(8 + 2 * 3):
        digests_send()


# --- Unsubscribing -------------------------------------------------------------------------


def unsubscribe_path(body: str) -> str:
    return re.search(rf"http://{re.escape(HOST)}(/digest/unsubscribe/\S+/)", body)[1]


def test_the_emails_link_unsubscribes_in_one_click_without_logging_in(subscriber):
    learner = subscriber()
    following(learner)
    digests_send()
    _, body = only_digest(learner.email)
    link = unsubscribe_path(body)
    visitor = Client(enforce_csrf_checks=True)

    for _ in range(2):  # opened twice (two clicks, a mail scanner): the same answer
        page = visitor.get(link)
        assert page.status_code == 200
        assert "You will get no more weekly digests." in page.content.decode()
        assert not DigestSubscription.objects.get(user=learner).weekly

    again = visitor.get(link).content.decode()
    assert "Subscribe again" in again
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)[1]
    resubscribe = link.replace("/unsubscribe/", "/subscribe/")
    page = visitor.post(resubscribe, {"csrfmiddlewaretoken": csrf})
    assert page.status_code == 200
    assert "you will get a weekly digest" in page.content.decode()
    assert DigestSubscription.objects.get(user=learner).weekly


def test_the_email_offers_one_click_unsubscribe_to_mail_programs(subscriber):
    learner = subscriber()
    following(learner)
    digests_send()
    message, body = only_digest(learner.email)
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<http://{HOST}{unsubscribe_path(body)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail program POSTs, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(body), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert not DigestSubscription.objects.get(user=learner).weekly
    mail.outbox.clear()
    digests_send(now=timezone.now() + datetime.timedelta(weeks=1))
    assert mail.outbox == []


def test_a_forged_or_tampered_token_is_refused_and_changes_nothing(subscriber, client):
    victim, other = subscriber(), subscriber()
    token = unsubscribe_token(other)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        f"{victim.pk}:{token.split(':', 1)[1]}",  # another learner's id with this signature
        "not-a-token",
        str(victim.pk),
    ]
    for bad in forged:
        for method in ("get", "post"):
            response = getattr(client, method)(f"/digest/unsubscribe/{bad}/")
            assert response.status_code == 400, bad
            assert "not valid" in response.content.decode()
        assert client.post(f"/digest/subscribe/{bad}/").status_code == 400
    assert DigestSubscription.objects.filter(weekly=True).count() == 2


def test_the_subscribe_again_button_is_a_post(subscriber, client):
    learner = subscriber()
    assert client.get(f"/digest/subscribe/{unsubscribe_token(learner)}/").status_code == 405


def test_a_personal_path_has_its_plans_first_week(roadmap, subscriber, client_for):
    learner = subscriber()
    client = client_for(learner)
    plan(client)
    save(client)
    personal = Path.objects.get(owner=learner)

    digests_send()

    _, body = only_digest(learner.email)
    assert f"{personal.title}\nComing week at your pace of " in body
    assert f"http://{HOST}/paths/{personal.slug}/" in body


def test_deleting_the_account_deletes_its_digest_rows(subscriber):
    learner = subscriber()
    following(learner)
    digests_send()
    account_delete(user=learner)
    assert not DigestSubscription.objects.exists()
    assert not DigestSend.objects.exists()
