"""The weekly digest: opting in and out, what it says (the coming week from the learner's own
plan or their group's schedule, what they finished last week), and who gets it."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from learning.digest.services import digest_subscription_set, digests_send
from learning.models import (
    DigestSend,
    DigestSubscription,
    Enrollment,
    EnrollmentStatus,
    MembershipState,
    Path,
)

from .digest_support import (
    NOW,
    TODAY,
    WEEK,
    finished_last_week,
    following,
    group_on,
    member,
    names,
    only_digest,
)
from .email_support import HOST, html_part
from .factories import StepProgressFactory, steps_of
from .test_builder import plan, save

pytestmark = pytest.mark.usefixtures("digest_site")


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

    report = digests_send(now=NOW)

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

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    assert "Next up (you have set no weekly pace):\n" in body
    for step in steps[1:4]:
        assert f"- {step.display_name} (2 h)\n" in body
    assert steps[4].display_name not in body
    assert "Nothing finished last week." in body


def test_a_group_member_gets_the_groups_schedule_week(subscriber):
    learner = subscriber()
    enrollment = following(learner, hours_per_week=10)
    steps = steps_of(enrollment.path)
    StepProgressFactory(enrollment=enrollment, step=steps[2])
    member(group_on(enrollment.path), learner)

    digests_send(now=NOW)

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

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    assert "Coming week at your pace of 4 h a week:" in body
    assert "Reading club" not in body


def test_a_group_starting_within_the_week_gives_its_first_week(subscriber):
    """The group starts on Wednesday 14 January, within the digest's 12 to 18 January."""
    learner = subscriber()
    enrollment = following(learner)
    member(group_on(enrollment.path, start_date=TODAY + datetime.timedelta(days=2)), learner)

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    first_two = names(steps_of(enrollment.path)[:2])
    assert f"Reading club:\n- {first_two[0]} (2 h)\n- {first_two[1]} (2 h)\nNothing" in body


def test_a_group_that_started_on_a_tuesday_gives_both_its_weeks_in_the_digests_week(subscriber):
    """The group began Tuesday 6 January: its week 1 is 6 to 12 January, its week 2 13 to 19.
    The digest of Monday 12 to Sunday 18 January has both (in path order, once each), not
    week 1 alone, which has one day left."""
    learner = subscriber()
    enrollment = following(learner, steps=6)
    assert TODAY.weekday() == 0
    member(group_on(enrollment.path, start_date=TODAY - datetime.timedelta(days=6)), learner)

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    steps = names(steps_of(enrollment.path))
    listed = "".join(f"- {name} (2 h)\n" for name in steps[:4])  # 4 h a week: 2 steps each
    assert f"Coming week on the schedule of Reading club:\n{listed}Nothing finished" in body
    assert steps[4] not in body


# --- Who gets it ----------------------------------------------------------------------------


def test_a_learner_with_nothing_to_say_gets_no_digest_and_is_settled_for_the_week(subscriber):
    nothing = subscriber()  # follows no path
    paused = subscriber()
    following(paused)
    Enrollment.objects.filter(user=paused).update(status=EnrollmentStatus.PAUSED)
    done = subscriber()
    enrollment = following(done, steps=1)
    StepProgressFactory(enrollment=enrollment, step=steps_of(enrollment.path)[0])  # this week

    report = digests_send(now=NOW)

    assert mail.outbox == []
    assert (report.sent, report.nothing_to_say) == (0, 3)
    settled = DigestSend.objects.filter(week=WEEK, nothing_to_say=True)
    assert {row.user_id for row in settled} == {nothing.pk, paused.pk, done.pk}
    assert digests_send(now=NOW).nothing_to_say == 0  # not composed again this week


def test_a_finished_path_with_steps_finished_last_week_is_news(subscriber):
    learner = subscriber()
    enrollment = following(learner, steps=1)
    finished_last_week(enrollment, steps_of(enrollment.path)[0])

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    assert "Every step is finished.\nFinished last week, 1 step:\n" in body


def test_only_active_subscribed_accounts_with_a_confirmed_address_get_it(subscriber, make_user):
    """A recurring email goes only to an address its owner confirmed: with optional email
    verification anyone could otherwise sign up with, and subscribe, another person's."""
    unsubscribed = subscriber()
    digest_subscription_set(user=unsubscribed, weekly=False)
    never_asked = make_user()
    EmailAddress.objects.create(user=never_asked, email=never_asked.email, primary=True)
    inactive = subscriber(is_active=False)
    no_address = subscriber()
    EmailAddress.objects.filter(user=no_address).delete()
    unconfirmed_other = subscriber()
    EmailAddress.objects.filter(user=unconfirmed_other).update(primary=False, verified=False)
    unconfirmed_primary = subscriber()
    EmailAddress.objects.filter(user=unconfirmed_primary).update(verified=False)
    confirmed = subscriber("confirmed@example.com")
    EmailAddress.objects.filter(user=confirmed).update(primary=False)  # verified, not primary
    for learner in (unsubscribed, never_asked, inactive, no_address, unconfirmed_other):
        following(learner)
    following(unconfirmed_primary)
    following(confirmed)

    report = digests_send(now=NOW)

    assert report.sent == 1
    assert [message.to for message in mail.outbox] == [["confirmed@example.com"]]


def test_the_digest_page_says_when_the_address_is_not_confirmed(make_user, client_for):
    learner = make_user("new@example.com")
    address = EmailAddress.objects.create(user=learner, email=learner.email, primary=True)
    client = client_for(learner)

    html = client.get("/digest/").content.decode()
    assert "not confirmed yet" in html
    assert 'href="/accounts/email/"' in html

    address.verified = True
    address.save()
    html = client.get("/digest/").content.decode()
    assert "not confirmed yet" not in html


def test_a_personal_path_has_its_plans_first_week(roadmap, subscriber, client_for):
    learner = subscriber()
    client = client_for(learner)
    plan(client)
    save(client)
    personal = Path.objects.get(owner=learner)

    digests_send(now=NOW)

    _, body = only_digest(learner.email)
    assert f"{personal.title}\nComing week at your pace of " in body
    assert f"http://{HOST}/paths/{personal.slug}/" in body
