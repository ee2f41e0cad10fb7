"""Step progress: statuses and private notes, by plain form and in place, and their safety."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from learning.models import ProgressEvent, StepProgress, StepStatus

from .factories import ChecklistItemFactory, StepFactory


def set_status(client, step, status, **headers):
    return client.post(
        reverse("learning:step_status", args=[step.pk]), {"status": status}, **headers
    )


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
    assertContains(response, f"<strong>1 of {len(steps)} steps</strong>", html=True)
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
    other_step = StepFactory()
    assert set_status(auth_client, other_step, "done").status_code == 404
    assert not StepProgress.objects.filter(step=other_step).exists()


def test_anonymous_posts_are_sent_to_log_in(client, steps, enrollment):
    item = ChecklistItemFactory()
    for url, data in [
        (reverse("learning:step_status", args=[steps[0].pk]), {"status": "done"}),
        (reverse("learning:step_note", args=[steps[0].pk]), {"note": "x"}),
        (reverse("learning:enrollment_settings", args=[enrollment.pk]), {"depth": "quick"}),
        (reverse("learning:enrollment_share", args=[enrollment.pk]), {"shared": "on"}),
        (reverse("learning:checklist_tick", args=[item.pk]), {}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not StepProgress.objects.exists()


def test_posts_without_a_csrf_token_are_refused(user, enrollment, steps, client_for):
    strict = client_for(user, enforce_csrf_checks=True)
    assert set_status(strict, steps[0], "done").status_code == 403
    assert not StepProgress.objects.exists()


def test_notes_are_private_markdown_and_sanitized(auth_client, client, enrollment, steps, path):
    auth_client.post(
        reverse("learning:step_note", args=[steps[0].pk]),
        {"note": "**Remember** this <script>alert(1)</script>"},
    )
    page = auth_client.get(path.get_absolute_url())
    assertContains(page, "<strong>Remember</strong>", html=True)
    assertNotContains(page, "<script>alert(1)</script>")
    assertNotContains(client.get(path.get_absolute_url()), "Remember")


def test_a_too_long_note_is_refused(auth_client, enrollment, steps):
    response = auth_client.post(
        reverse("learning:step_note", args=[steps[0].pk]), {"note": "x" * 20_001}
    )
    assert response.status_code == 400
    assert not StepProgress.objects.exists()
