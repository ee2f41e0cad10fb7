"""Enrolment and step progress: the flows, their safety, and that nothing is ever lost."""

import datetime
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import (
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    EnrollmentStatus,
    Path,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)
from learning.progress import activity_summary

pytestmark = pytest.mark.usefixtures("roadmap")


@pytest.fixture
def path():
    return Path.objects.get(slug="software-engineer")


@pytest.fixture
def steps(path):
    return list(Step.objects.filter(path=path).order_by("phase__position", "position"))


@pytest.fixture
def enrollment(user, path):
    return services.enrollment_create(user=user, path=path, depth="thorough")[0]


def set_status(client, step, status, **headers):
    return client.post(
        reverse("learning:step_status", args=[step.pk]), {"status": status}, **headers
    )


# --- Enrolment -------------------------------------------------------------------------------


def test_start_this_path_enrols_at_the_chosen_depth(auth_client, user, path):
    response = auth_client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "deep", "hours_per_week": 6}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=user, path=path)
    assert (enrollment.depth, enrollment.hours_per_week) == ("deep", 6)
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert "You are following this path" in html
    assert "0 of 9 steps" in html


def test_start_with_bad_input_is_a_form_error_and_enrols_nobody(auth_client, user, path):
    response = auth_client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "forever", "hours_per_week": -3}
    )
    assert response.status_code == 400
    assert "Please choose a depth" in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


def test_anonymous_start_goes_through_signup_and_comes_back_enrolled(client, path, password):
    response = client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "quick", "hours_per_week": 3}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_signup"))
    assert "next=%2Fpaths%2Fsoftware-engineer%2Fstart%2F" in response["Location"]
    next_url = reverse("learning:path_start", args=[path.slug])
    response = client.post(
        reverse("account_signup") + f"?next={next_url}",
        {
            "email": "new@example.com",
            "password1": password,
            "password2": password,
            "next": next_url,
        },
    )
    assert response["Location"] == next_url
    response = client.get(next_url)
    assert response["Location"] == path.get_absolute_url()
    enrollment = Enrollment.objects.get(user__email="new@example.com", path=path)
    assert (enrollment.depth, enrollment.hours_per_week) == ("quick", 3)


def test_a_learner_follows_several_paths_and_changes_depth_later(auth_client, user, enrollment):
    other = Path.objects.get(slug="complete-beginner")
    auth_client.post(reverse("learning:path_start", args=[other.slug]), {"depth": "quick"})
    assert Enrollment.objects.filter(user=user).count() == 2
    auth_client.post(
        reverse("learning:enrollment_settings", args=[enrollment.pk]),
        {"depth": "quick", "hours_per_week": "4"},
    )
    enrollment.refresh_from_db()
    assert (enrollment.depth, enrollment.hours_per_week) == ("quick", 4)


def test_pause_and_resume(auth_client, enrollment):
    url = reverse("learning:enrollment_pause", args=[enrollment.pk])
    auth_client.post(url, {"paused": "1"})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.PAUSED
    assert "Paused" in auth_client.get("/dashboard/").content.decode()
    auth_client.post(url, {"paused": "0"})
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_reset_needs_confirmation_then_clears_statuses_and_notes(auth_client, enrollment, steps):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    services.step_note_set(enrollment=enrollment, step=steps[0], note="mine")
    url = reverse("learning:enrollment_reset", args=[enrollment.pk])
    assert "cannot be undone" in auth_client.get(url).content.decode()
    assert auth_client.post(url, {}).status_code == 400
    assert StepProgress.objects.filter(user=enrollment.user).count() == 1
    auth_client.post(url, {"confirm": "yes"})
    assert not StepProgress.objects.filter(user=enrollment.user).exists()
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()


def test_leaving_keeps_statuses_for_a_later_return(auth_client, user, enrollment, steps, path):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    auth_client.post(reverse("learning:enrollment_leave", args=[enrollment.pk]))
    assert not Enrollment.objects.filter(user=user).exists()
    auth_client.post(reverse("learning:path_start", args=[path.slug]), {"depth": "thorough"})
    assert "1 of 9 steps" in auth_client.get(path.get_absolute_url()).content.decode()


# --- Step progress ---------------------------------------------------------------------------


def test_status_changes_with_a_plain_form_and_redirects_to_the_step(auth_client, enrollment, steps):
    response = set_status(auth_client, steps[1], "in_progress")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#step-{steps[1].slug}")
    progress = StepProgress.objects.get(user=enrollment.user, step=steps[1])
    assert progress.status == StepStatus.IN_PROGRESS
    assert progress.started_at is not None
    assert progress.completed_at is None


def test_status_changes_in_place_with_htmx(auth_client, enrollment, steps):
    response = set_status(auth_client, steps[0], "done", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="learner-outline">')
    assert "1 of 9 steps" in html
    assert "<html" not in html


def test_same_status_twice_is_a_no_op(auth_client, enrollment, steps):
    set_status(auth_client, steps[0], "done")
    first = StepProgress.objects.get(user=enrollment.user, step=steps[0])
    set_status(auth_client, steps[0], "done")
    again = StepProgress.objects.get(user=enrollment.user, step=steps[0])
    assert again.completed_at == first.completed_at
    assert ProgressEvent.objects.filter(user=enrollment.user).count() == 1


@pytest.mark.parametrize("status", ["finished", "", "DONE", "done'; drop table x; --"])
def test_invalid_status_is_400_and_changes_nothing(auth_client, enrollment, steps, status):
    assert set_status(auth_client, steps[0], status).status_code == 400
    assert not StepProgress.objects.filter(user=enrollment.user).exists()


def test_unknown_step_is_404(auth_client, enrollment):
    response = auth_client.post(reverse("learning:step_status", args=[999_999]), {"status": "done"})
    assert response.status_code == 404


def test_a_step_of_a_path_not_started_is_404(auth_client, enrollment):
    other_step = Step.objects.filter(path__slug="complete-beginner").first()
    assert set_status(auth_client, other_step, "done").status_code == 404
    assert not StepProgress.objects.filter(step=other_step).exists()


def test_anonymous_posts_are_sent_to_log_in(client, steps, enrollment):
    for url, data in [
        (reverse("learning:step_status", args=[steps[0].pk]), {"status": "done"}),
        (reverse("learning:step_note", args=[steps[0].pk]), {"note": "x"}),
        (reverse("learning:enrollment_settings", args=[enrollment.pk]), {"depth": "quick"}),
        (reverse("learning:enrollment_share", args=[enrollment.pk]), {"shared": "on"}),
        (reverse("learning:checklist_tick", args=[ChecklistItem.objects.first().pk]), {}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not StepProgress.objects.exists()


def test_posts_without_a_csrf_token_are_refused(user, enrollment, steps):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert set_status(strict, steps[0], "done").status_code == 403
    assert not StepProgress.objects.exists()


def test_notes_are_private_markdown_and_sanitized(auth_client, client, enrollment, steps, path):
    auth_client.post(
        reverse("learning:step_note", args=[steps[0].pk]),
        {"note": "**Remember** this <script>alert(1)</script>"},
    )
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert "<strong>Remember</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Remember" not in client.get(path.get_absolute_url()).content.decode()


def test_a_too_long_note_is_refused(auth_client, enrollment, steps):
    response = auth_client.post(
        reverse("learning:step_note", args=[steps[0].pk]), {"note": "x" * 20_001}
    )
    assert response.status_code == 400
    assert not StepProgress.objects.exists()


# --- Progress everywhere -----------------------------------------------------------------------


def test_counts_hours_left_next_step_and_finished_phases(auth_client, enrollment, steps, path):
    first_phase = [s for s in steps if s.phase_id == steps[0].phase_id]
    for step in first_phase:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    services.step_progress_set(
        enrollment=enrollment, step=steps[len(first_phase)], status="skipped"
    )
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert f"{len(first_phase)} of 9 steps" in html
    assert f'<details class="phase phase-complete" id="{steps[0].phase.slug}">' in html
    next_step = steps[len(first_phase) + 1]
    assert f'class="step status-not_started is-next" id="step-{next_step.slug}"' in html
    assert f'href="#step-{next_step.slug}">Next:' in html
    hours_left = float(html.split('<span class="time-left">')[1].split(" hours left")[0])
    assert 0 < hours_left < float(path.hours_thorough)


def test_a_paper_read_in_one_path_shows_as_read_in_another(auth_client, user, path):
    beginner = Path.objects.get(slug="complete-beginner")
    mine = services.enrollment_create(user=user, path=beginner, depth="quick")[0]
    transformers_step = Step.objects.get(path=beginner, slug="start-with-transformers")
    services.step_progress_set(enrollment=mine, step=transformers_step, status="done")
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert "Already read in Complete Beginner." in html


def test_finishing_every_step_completes_the_path_and_offers_sharing(
    auth_client, client, enrollment, steps, path
):
    for step in steps:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    html = auth_client.get(path.get_absolute_url()).content.decode()
    assert "You completed this path" in html
    assert "Build production applications" in html  # the engineers' "After completing" advice
    assert enrollment.share_token is None  # off by default

    auth_client.post(reverse("learning:enrollment_share", args=[enrollment.pk]), {"shared": "on"})
    enrollment.refresh_from_db()
    shared_url = reverse("learning:shared_progress", args=[enrollment.share_token])
    shared = client.get(shared_url)
    assert shared.status_code == 200
    assert "9 of 9 steps" in shared.content.decode()

    auth_client.post(reverse("learning:enrollment_share", args=[enrollment.pk]), {})
    assert client.get(shared_url).status_code == 404

    services.step_progress_set(enrollment=enrollment, step=steps[0], status="in_progress")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None


def test_shared_page_never_shows_notes(client, enrollment, steps):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="very private")
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    enrollment.refresh_from_db()
    html = client.get(reverse("learning:shared_progress", args=[enrollment.share_token])).content
    assert b"very private" not in html


# --- Dashboard ---------------------------------------------------------------------------------


def test_dashboard_shows_progress_continue_activity_and_checklists(auth_client, enrollment, steps):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    html = auth_client.get("/dashboard/").content.decode()
    assert "1 of 9 steps" in html
    assert f'href="/paths/software-engineer/#step-{steps[1].slug}">Continue' in html
    assert f'Marked <a href="/paths/software-engineer/#step-{steps[0].slug}">' in html
    assert "Days active this week</dt><dd>1</dd>" in html
    assert "Tracking Progress" in html
    assert "Success Criteria" in html


def test_checklist_items_tick_and_untick(auth_client, user):
    item = ChecklistItem.objects.first()
    url = reverse("learning:checklist_tick", args=[item.pk])
    response = auth_client.post(url, {"ticked": "on"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' in response.content.decode()
    assert ChecklistTick.objects.filter(user=user, item=item).exists()
    auth_client.post(url, {"ticked": "on"})
    assert ChecklistTick.objects.filter(user=user).count() == 1
    auth_client.post(url, {})
    assert not ChecklistTick.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("active_offsets", "expected"),
    [
        ([], (0, 0)),
        ([0], (1, 1)),
        ([1, 2, 3], (3, 3)),  # today is Thursday; yesterday's streak still counts
        ([0, 1, 2, 5], (3, 3)),
        ([0, 1, 2, 3, 4, 5, 6, 7, 8], (4, 9)),
    ],
)
def test_days_active_this_week_and_streak(active_offsets, expected):
    today = datetime.date(2026, 11, 26)  # a Thursday
    days = {today - datetime.timedelta(days=offset) for offset in active_offsets}
    assert activity_summary(days, today) == expected


# --- Ownership: a second learner never reaches the first one's data ------------------------------


def test_second_user_gets_404_on_the_first_users_enrolment_pages(enrollment, other_user):
    intruder = Client()
    intruder.force_login(other_user)
    for name, method, data in [
        ("enrollment_settings", "post", {"depth": "quick"}),
        ("enrollment_pause", "post", {"paused": "1"}),
        ("enrollment_reset", "get", {}),
        ("enrollment_reset", "post", {"confirm": "yes"}),
        ("enrollment_leave", "get", {}),
        ("enrollment_leave", "post", {}),
        ("enrollment_share", "post", {"shared": "on"}),
    ]:
        url = reverse(f"learning:{name}", args=[enrollment.pk])
        assert getattr(intruder, method)(url, data).status_code == 404, name
    enrollment.refresh_from_db()
    assert enrollment.depth == "thorough"
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert enrollment.share_token is None


def test_second_user_cannot_read_or_change_the_first_users_notes(enrollment, steps, other_user):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="first user's secret")
    intruder = Client()
    intruder.force_login(other_user)
    note_url = reverse("learning:step_note", args=[steps[0].pk])
    assert intruder.post(note_url, {"note": "overwritten"}).status_code == 404
    assert set_status(intruder, steps[0], "skipped").status_code == 404
    assert b"first user's secret" not in intruder.get("/paths/software-engineer/").content
    assert b"first user's secret" not in intruder.get("/dashboard/").content
    progress = StepProgress.objects.get(user=enrollment.user, step=steps[0])
    assert (progress.note, progress.status) == ("first user's secret", StepStatus.NOT_STARTED)


def test_exports_contain_only_the_learners_own_data(enrollment, steps, other_user, user, password):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="first user's secret")
    services.step_progress_set(enrollment=enrollment, step=steps[1], status="done")
    intruder = Client()
    intruder.force_login(other_user)
    for name in ("account_export_json", "account_export_markdown"):
        body = intruder.get(reverse(name)).content.decode()
        assert "first user's secret" not in body
        assert user.email not in body
        assert steps[1].slug not in body  # not even the history of the other learner's statuses


# --- Your data -----------------------------------------------------------------------------------


def test_export_as_json_and_markdown_includes_archived_steps(auth_client, enrollment, steps):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    services.step_note_set(enrollment=enrollment, step=steps[0], note="my **note**")
    ChecklistTick.objects.create(user=enrollment.user, item=ChecklistItem.objects.first())
    Step.objects.filter(pk=steps[0].pk).update(archived=True)

    response = auth_client.get(reverse("account_export_json"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert (data["format"], data["format_version"]) == ("learning-roadmap-learner", 2)
    assert data["enrollments"][0]["path"] == "software-engineer"
    [step] = data["progress"]
    assert (step["step"], step["status"], step["note"], step["archived"]) == (
        steps[0].slug,
        "done",
        "my **note**",
        True,
    )
    assert [(e["step"], e["status"]) for e in data["events"]] == [(steps[0].slug, "done")]
    assert len(data["checklists"]) == 1

    markdown = auth_client.get(reverse("account_export_markdown")).content.decode()
    assert "(archived)" in markdown
    assert "my **note**" in markdown
    assert "Status: Done" in markdown


def test_account_deletion_needs_recent_login_and_confirmation_and_removes_everything(
    client, user, enrollment, steps, password
):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    ChecklistTick.objects.create(user=user, item=ChecklistItem.objects.first())
    client.force_login(user)  # no fresh password entry
    response = client.post(reverse("account_delete"), {"confirm": "yes"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert type(user).objects.filter(pk=user.pk).exists()

    fresh = Client()
    fresh.post(reverse("account_login"), {"login": user.email, "password": password})
    assert "cannot be undone" in fresh.get(reverse("account_delete")).content.decode()
    assert fresh.post(reverse("account_delete"), {"confirm": "yes"})["Location"].startswith(
        reverse("account_reauthenticate")
    )
    fresh.post(reverse("account_reauthenticate"), {"password": password})
    assert fresh.post(reverse("account_delete"), {}).status_code == 400
    response = fresh.post(reverse("account_delete"), {"confirm": "yes"})
    assert response.status_code == 302
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not StepProgress.objects.filter(user_id=user.pk).exists()
    assert not Enrollment.objects.filter(user_id=user.pk).exists()
    assert not ChecklistTick.objects.filter(user_id=user.pk).exists()
    assert not ProgressEvent.objects.filter(user_id=user.pk).exists()


# --- Content edits never lose progress ---------------------------------------------------------


def test_reordering_renaming_moving_and_archiving_keep_every_learners_record(
    make_user, path, steps, curator_client
):
    learners = [make_user() for _ in range(3)]
    for i, learner in enumerate(learners):
        enrollment = services.enrollment_create(user=learner, path=path, depth="quick")[0]
        for step in steps[: i + 2]:
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
        services.step_note_set(enrollment=enrollment, step=steps[0], note=f"note {i}")

    def snapshot():
        return {
            (p.user_id, p.step_id): (p.status, p.note)
            for p in StepProgress.objects.filter(step__path=path)
        }

    before = snapshot()
    first, second = steps[0], steps[1]
    Step.objects.filter(pk=first.pk).update(position=5, title="Transformers, renamed")
    Step.objects.filter(pk=second.pk).update(position=0)
    other_phase = path.phases.exclude(pk=first.phase_id).first()
    Step.objects.filter(pk=steps[2].pk).update(phase=other_phase, position=9)
    assert snapshot() == before

    Step.objects.filter(pk=steps[3].pk).update(archived=True)
    assert snapshot() == before
    for i, learner in enumerate(learners):
        viewer = Client()
        viewer.force_login(learner)
        html = viewer.get(path.get_absolute_url()).content.decode()
        done_now = len([s for s in steps[: i + 2] if s.pk != steps[3].pk])
        assert f"{done_now} of 8 steps" in html
        assert f"note {i}" in html
        outline = html.split('id="learner-outline"')[1].split('id="removed"')[0]
        assert f"step-{steps[3].slug}" not in outline  # archived: off the path itself,
        worked_on = steps[3] in steps[: i + 2]
        assert ("Retired from this path" in html) == worked_on  # apart, with their record


def test_deleting_a_step_with_progress_is_refused_by_the_database(enrollment, steps):
    from django.db.models import ProtectedError

    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    with pytest.raises(ProtectedError):
        Step.objects.filter(pk=steps[0].pk).delete()
    with pytest.raises(ProtectedError):
        Path.objects.filter(pk=enrollment.path_id).delete()


def test_the_admin_refuses_to_delete_a_step_learners_have_worked_on(
    curator_client, enrollment, steps
):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    url = reverse("admin:learning_step_delete", args=[steps[0].pk])
    html = curator_client.get(url).content.decode()
    assert "would require deleting the following protected related objects" in html
    assert enrollment.user.email not in html
    curator_client.post(url, {"post": "yes"})
    assert Step.objects.filter(pk=steps[0].pk).exists()


# --- Concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_requests_for_the_same_step_make_one_row_and_no_error(roadmap, make_user):
    learner = make_user("clicker@example.com")
    path = Path.objects.get(slug="software-engineer")
    enrollment = services.enrollment_create(user=learner, path=path, depth="quick")[0]
    step = Step.objects.filter(path=path).first()
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def click():
        try:
            barrier.wait()
            services.step_progress_set(enrollment=enrollment, step=step, status="done")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert StepProgress.objects.filter(user=learner, step=step).count() == 1
    assert StepProgress.objects.get(user=learner, step=step).status == StepStatus.DONE
    assert ProgressEvent.objects.filter(user=learner, step=step).count() == 1
    assert timezone.now() >= StepProgress.objects.get(user=learner, step=step).completed_at


def test_a_path_taken_back_to_draft_stays_visible_to_its_learners(
    auth_client, client, enrollment, path
):
    from core.models import PublicationStatus

    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)
    assert client.get(path.get_absolute_url()).status_code == 404
    response = auth_client.get(path.get_absolute_url())
    assert response.status_code == 200
    assert "0 of 9 steps" in response.content.decode()


def test_shared_page_survives_the_path_becoming_a_draft(client, enrollment, path):
    from core.models import PublicationStatus

    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    enrollment.refresh_from_db()
    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)
    response = client.get(reverse("learning:shared_progress", args=[enrollment.share_token]))
    assert response.status_code == 200


def test_archiving_the_last_open_step_completes_the_enrolment(enrollment, steps, curator_client):
    for step in steps[:-1]:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    curator_client.post(
        reverse("admin:learning_step_changelist"),
        {"action": "archive", "_selected_action": [steps[-1].pk]},
    )
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
