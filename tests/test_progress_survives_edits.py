"""Nothing a learner did is lost: not when curators reorder, rename, move, archive or take a
path back to draft, not when steps are deleted, not under concurrent clicks."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from core.models import PublicationStatus
from learning import services
from learning.models import Path, ProgressEvent, Step, StepProgress, StepStatus

from .concurrency import at_once
from .factories import EnrollmentFactory, PathFactory, steps_of


def test_reordering_renaming_moving_and_archiving_keep_every_learners_record(
    make_user, path, steps, client_for
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
    Step.objects.filter(pk=first.pk).update(position=5, title=f"{first.title}, renamed")
    Step.objects.filter(pk=second.pk).update(position=0)
    other_phase = path.phases.exclude(pk=first.phase_id).first()
    Step.objects.filter(pk=steps[2].pk).update(phase=other_phase, position=9)
    assert snapshot() == before

    archived = steps[3]
    Step.objects.filter(pk=archived.pk).update(archived=True)
    assert snapshot() == before
    for i, learner in enumerate(learners):
        html = client_for(learner).get(path.get_absolute_url()).content.decode()
        done_now = len([s for s in steps[: i + 2] if s.pk != archived.pk])
        assert f"{done_now} of {len(steps) - 1} steps" in html
        assert f"note {i}" in html
        outline = html.split('id="learner-outline"')[1].split('id="removed"')[0]
        assert f"step-{archived.slug}" not in outline  # archived: off the path itself,
        worked_on = archived in steps[: i + 2]
        assert ("Retired from this path" in html) == worked_on  # apart, with their record


def test_deleting_a_step_with_progress_is_refused_by_the_database(enrollment, steps):
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


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_requests_for_the_same_step_make_one_row_and_no_error(make_user):
    learner = make_user("clicker@example.com")
    path = PathFactory(phase_sizes=[1])
    enrollment = EnrollmentFactory(user=learner, path=path, depth="quick")
    [step] = steps_of(path)
    errors = at_once(
        lambda: services.step_progress_set(enrollment=enrollment, step=step, status="done"),
        10,
        timeout=30,
    )
    assert errors == []
    assert StepProgress.objects.filter(user=learner, step=step).count() == 1
    assert StepProgress.objects.get(user=learner, step=step).status == StepStatus.DONE
    assert ProgressEvent.objects.filter(user=learner, step=step).count() == 1
    assert timezone.now() >= StepProgress.objects.get(user=learner, step=step).completed_at


def test_a_path_taken_back_to_draft_stays_visible_to_its_learners(
    auth_client, client, enrollment, path, steps
):
    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)
    assert client.get(path.get_absolute_url()).status_code == 404
    response = auth_client.get(path.get_absolute_url())
    assert response.status_code == 200
    assertContains(response, f"<strong>0 of {len(steps)} steps</strong>", html=True)


def test_shared_page_survives_the_path_becoming_a_draft(client, enrollment, path):
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
