"""Finishing a path is felt at once, and a completed path offers Review and Start again."""

import re

import pytest
from django.urls import reverse

from learning import services
from learning.models import Enrollment, Path, ProgressEvent, Step, StepProgress, StepStatus

pytestmark = pytest.mark.usefixtures("roadmap")

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def almost_done(auth_client, user):
    """The product manager path, every step but the last one done, a note on the first."""
    path = Path.objects.get(slug="ai-product-manager")
    enrollment, _ = services.enrollment_create(user=user, path=path, depth="quick")
    steps = list(Step.objects.current().filter(path=path).order_by("phase__position", "position"))
    for step in steps[:-1]:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    services.step_note_set(enrollment=enrollment, step=steps[0], note="worth it")
    return enrollment, steps[-1]


def status_url(step):
    return reverse("learning:step_status", args=[step.pk])


def test_marking_the_last_step_announces_completion_in_place(auth_client, almost_done):
    _enrollment, last = almost_done
    response = auth_client.post(status_url(last), {"status": "done"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "You completed this path!" in html
    assert 'data-hx-swap-oob="true"' in html  # the panel above the outline is replaced too
    assert "You completed this path</h2>" in html
    assert ">Review</a>" in html
    assert "Start again" in html
    assert ">Pause</button>" not in html
    again = auth_client.post(status_url(last), {"status": "done"}, **HTMX).content.decode()
    assert "You completed this path!" not in again  # announced once, when it happens


def test_without_javascript_completion_is_a_message_and_the_banner(auth_client, almost_done):
    enrollment, last = almost_done
    response = auth_client.post(status_url(last), {"status": "skipped"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("#start")
    assert f"You completed {enrollment.path.title}" in html
    assert "You completed this path</h2>" in html
    assert ">Pause</button>" not in html
    assert ">Review</a>" in html


def test_an_unfinished_path_still_offers_pause_and_no_review(auth_client, almost_done):
    enrollment, _ = almost_done
    html = auth_client.get(enrollment.path.get_absolute_url()).content.decode()
    assert ">Pause</button>" in html
    assert ">Review</a>" not in html


def test_review_opens_every_phase(auth_client, almost_done):
    enrollment, last = almost_done
    auth_client.post(status_url(last), {"status": "done"})
    url = enrollment.path.get_absolute_url()
    phases = re.compile(r'<details class="phase[^"]*" id="[^"]+"( open)?>')
    closed = phases.findall(auth_client.get(url).content.decode())
    assert closed
    assert set(closed) == {""}
    reviewed = phases.findall(auth_client.get(url + "?review=1").content.decode())
    assert len(reviewed) == len(closed)
    assert set(reviewed) == {" open"}


def test_start_again_sets_statuses_back_and_keeps_notes_and_history(auth_client, almost_done):
    enrollment, last = almost_done
    auth_client.post(status_url(last), {"status": "done"})
    url = reverse("learning:enrollment_restart", args=[enrollment.pk])
    assert auth_client.get(url).status_code == 200
    refused = auth_client.post(url, {})
    assert refused.status_code == 400
    assert Enrollment.objects.get(pk=enrollment.pk).is_complete
    events_before = ProgressEvent.objects.filter(user=enrollment.user).count()

    auth_client.post(url, {"confirm": "yes"})
    enrollment.refresh_from_db()
    assert not enrollment.is_complete
    rows = StepProgress.objects.filter(user=enrollment.user, step__path=enrollment.path)
    assert set(rows.values_list("status", flat=True)) == {StepStatus.NOT_STARTED}
    assert rows.filter(note="worth it").exists()
    assert ProgressEvent.objects.filter(user=enrollment.user).count() > events_before
    html = auth_client.get(enrollment.path.get_absolute_url()).content.decode()
    assert ">Pause</button>" in html


def test_start_again_is_owner_only(client, other_user, almost_done):
    enrollment, _ = almost_done
    client.force_login(other_user)
    url = reverse("learning:enrollment_restart", args=[enrollment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
