"""Enrolment: starting a path at a depth, following several, pausing, resetting and leaving."""

from urllib.parse import quote

from django.urls import reverse
from pytest_django.asserts import assertContains

from learning import services
from learning.models import Enrollment, EnrollmentStatus, StepProgress

from .factories import PathFactory
from .signup_support import sign_up_and_log_in


def test_start_this_path_enrols_at_the_chosen_depth(auth_client, user, path, steps):
    response = auth_client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "deep", "hours_per_week": 6}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=user, path=path)
    assert (enrollment.depth, enrollment.hours_per_week) == ("deep", 6)
    page = auth_client.get(path.get_absolute_url())
    assertContains(page, '<h2 id="enrollment-title">You are following this path</h2>', html=True)
    assertContains(page, f"<strong>0 of {len(steps)} steps</strong>", html=True)


def test_start_with_bad_input_is_a_form_error_and_enrols_nobody(auth_client, user, path):
    response = auth_client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "forever", "hours_per_week": -3}
    )
    assert response.status_code == 400
    assert "Please choose a depth" in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


def test_anonymous_start_goes_through_signup_and_comes_back_enrolled(client, path, password):
    next_url = reverse("learning:path_start", args=[path.slug])
    response = client.post(next_url, {"depth": "quick", "hours_per_week": 3})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_signup"))
    assert f"next={quote(next_url, safe='')}" in response["Location"]
    response = sign_up_and_log_in(
        client,
        "starter@example.com",
        password,
        reverse("account_signup") + f"?next={next_url}",
        next=next_url,
    )
    assert response["Location"] == next_url
    response = client.get(next_url)
    assert response["Location"] == path.get_absolute_url()
    enrollment = Enrollment.objects.get(user__email="starter@example.com", path=path)
    assert (enrollment.depth, enrollment.hours_per_week) == ("quick", 3)


def test_a_learner_follows_several_paths_and_changes_depth_later(auth_client, user, enrollment):
    other = PathFactory(phase_sizes=[1])
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
    assertContains(auth_client.get("/dashboard/"), '<span class="badge">Paused</span>', html=True)
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
    page = auth_client.get(path.get_absolute_url())
    assertContains(page, f"<strong>1 of {len(steps)} steps</strong>", html=True)
