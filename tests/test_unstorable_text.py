"""A NUL byte or a lone surrogate anywhere in a request (address, query, form) is refused with a
400 that says why, in one place (core.middleware), and nothing is written."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from learning.models import StepProgress

REASON = "cannot be stored"


@pytest.mark.parametrize(
    "url",
    ["/shared/%00/", "/papers/?topic=%00", "/search/?q=a%00b", "/paths/%00/", "/search/?%00=x"],
)
def test_anyone_gets_a_400_that_says_why(client, url):
    assertContains(client.get(url), REASON, status_code=400)


def test_learners_and_curators_get_it_too(auth_client, curator_client):
    assertContains(auth_client.get("/builder/?path=%00"), REASON, status_code=400)
    admin = "/admin/papers/paper/?status__exact=%00"
    assertContains(curator_client.get(admin), REASON, status_code=400)


def test_a_note_with_a_nul_byte_is_refused_and_nothing_is_written(auth_client, enrollment, steps):
    url = reverse("learning:step_note", args=[steps[0].pk])
    response = auth_client.post(url, {"note": "before\x00after"})
    assertContains(response, REASON, status_code=400)
    assert not StepProgress.objects.filter(user=enrollment.user).exists()


def test_bytes_that_are_not_utf8_arrive_as_replacement_characters(auth_client, enrollment, steps):
    """Broken UTF-8 (here a surrogate's bytes) is decoded with replacement characters, which
    PostgreSQL stores: the note is saved, not refused and not a 500."""
    url = reverse("learning:step_note", args=[steps[0].pk])
    body = b"note=broken+%ED%A0%80+character"
    response = auth_client.generic(
        "POST", url, body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert "broken" in StepProgress.objects.get(user=enrollment.user).note


@pytest.mark.parametrize("suffix", ["abc/history/", "1/history/abc/", "%20/history/"])
def test_admin_history_with_an_id_that_is_not_one_is_a_404(curator_client, suffix):
    assert curator_client.get(f"/admin/learning/step/{suffix}").status_code == 404


def test_clean_requests_pass(client, auth_client, enrollment, steps):
    assert client.get("/search/?q=attention").status_code == 200
    url = reverse("learning:step_note", args=[steps[0].pk])
    assert auth_client.post(url, {"note": "fine"}).status_code == 302
