"""A learner's data is theirs: no other learner reaches it, they can take it with them as JSON
and Markdown, and deleting the account removes all of it."""

import json

from django.test import Client
from django.urls import reverse

from learning import services
from learning.models import (
    ChecklistTick,
    Enrollment,
    EnrollmentStatus,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)

from .factories import ChecklistItemFactory
from .test_progress import set_status


def test_second_user_gets_404_on_the_first_users_enrolment_pages(
    enrollment, other_user, client_for
):
    intruder = client_for(other_user)
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


def test_second_user_cannot_read_or_change_the_first_users_notes(
    enrollment, steps, path, other_user, client_for
):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="first user's secret")
    intruder = client_for(other_user)
    note_url = reverse("learning:step_note", args=[steps[0].pk])
    assert intruder.post(note_url, {"note": "overwritten"}).status_code == 404
    assert set_status(intruder, steps[0], "skipped").status_code == 404
    assert b"first user's secret" not in intruder.get(path.get_absolute_url()).content
    assert b"first user's secret" not in intruder.get("/dashboard/").content
    progress = StepProgress.objects.get(user=enrollment.user, step=steps[0])
    assert (progress.note, progress.status) == ("first user's secret", StepStatus.NOT_STARTED)


def test_exports_contain_only_the_learners_own_data(
    enrollment, steps, other_user, user, client_for
):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="first user's secret")
    services.step_progress_set(enrollment=enrollment, step=steps[1], status="done")
    intruder = client_for(other_user)
    for name in ("account_export_json", "account_export_markdown"):
        body = intruder.get(reverse(name)).content.decode()
        assert "first user's secret" not in body
        assert user.email not in body
        assert steps[1].slug not in body  # not even the history of the other learner's statuses


def test_export_as_json_and_markdown_includes_archived_steps(auth_client, enrollment, steps):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    services.step_note_set(enrollment=enrollment, step=steps[0], note="my **note**")
    ChecklistTick.objects.create(user=enrollment.user, item=ChecklistItemFactory())
    Step.objects.filter(pk=steps[0].pk).update(archived=True)

    response = auth_client.get(reverse("account_export_json"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert (data["format"], data["format_version"]) == ("learning-roadmap-learner", 2)
    assert data["enrollments"][0]["path"] == enrollment.path.slug
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
    ChecklistTick.objects.create(user=user, item=ChecklistItemFactory())
    client.force_login(user)  # no fresh password entry
    again_then_back = f"{reverse('account_reauthenticate')}?next=%2Faccounts%2Fdelete%2F"
    response = client.post(reverse("account_delete"), {"confirm": "yes"})
    assert response["Location"] == again_then_back
    assert type(user).objects.filter(pk=user.pk).exists()

    fresh = Client()
    fresh.post(reverse("account_login"), {"login": user.email, "password": password})
    # A log-in is not a fresh password entry: the page itself asks for one first.
    response = fresh.get(reverse("account_delete"))
    assert response["Location"] == again_then_back
    response = fresh.post(again_then_back, {"password": password})
    assert response["Location"] == reverse("account_delete")
    assert "cannot be undone" in fresh.get(reverse("account_delete")).content.decode()
    assert fresh.post(reverse("account_delete"), {}).status_code == 400
    response = fresh.post(reverse("account_delete"), {"confirm": "yes"})
    assert response.status_code == 302
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not StepProgress.objects.filter(user_id=user.pk).exists()
    assert not Enrollment.objects.filter(user_id=user.pk).exists()
    assert not ChecklistTick.objects.filter(user_id=user.pk).exists()
    assert not ProgressEvent.objects.filter(user_id=user.pk).exists()
