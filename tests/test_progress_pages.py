"""Progress shown everywhere: the path page's tallies, hours and next step, papers read in
another path, completion and the shared page, the dashboard and its checklists."""

import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from learning import services
from learning.models import ChecklistTick
from learning.progress import activity_summary

from .factories import (
    ChecklistFactory,
    ChecklistItemFactory,
    EnrollmentFactory,
    PathFactory,
    StepFactory,
    StepProgressFactory,
)


def tick_button(item, *, ticked: bool) -> str:
    pressed, box = ("true", "☑") if ticked else ("false", "☐")
    return (
        f'<button type="submit" class="tick-button" id="tick-{item.pk}" aria-pressed="{pressed}">'
        f'<span aria-hidden="true">{box}</span> {item.text}</button>'
    )


def test_counts_hours_left_next_step_and_finished_phases(auth_client, enrollment, steps, path):
    first_phase = [s for s in steps if s.phase_id == steps[0].phase_id]
    for step in first_phase:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    services.step_progress_set(
        enrollment=enrollment, step=steps[len(first_phase)], status="skipped"
    )
    response = auth_client.get(path.get_absolute_url())
    html = response.content.decode()
    tally = f"<strong>{len(first_phase)} of {len(steps)} steps</strong>"
    assertContains(response, tally, html=True)
    assert f'<details class="phase phase-complete" id="{steps[0].phase.slug}">' in html
    next_step = steps[len(first_phase) + 1]
    assert f'class="step status-not_started is-next" id="step-{next_step.slug}"' in html
    assertContains(
        response, f'<a href="#step-{next_step.slug}">Next: {next_step.title}</a>', html=True
    )
    hours_left = float(html.split('<span class="time-left">')[1].split(" h left")[0])
    assert 0 < hours_left < float(path.hours_thorough)


def test_a_paper_read_in_one_path_shows_as_read_in_another(auth_client, user, steps, path):
    other = PathFactory()
    same_paper = StepFactory(phase__path=other, papers=[steps[0].papers.get()])
    StepProgressFactory(enrollment=EnrollmentFactory(user=user, path=other), step=same_paper)
    assertContains(
        auth_client.get(path.get_absolute_url()),
        f'<p class="read-in"><small>Already read in {other.title}.</small></p>',
        html=True,
    )


def test_finishing_every_step_completes_the_path_and_offers_sharing(
    auth_client, client, enrollment, steps, path
):
    path.after_completing = "Build **your own** reading group."
    path.save()
    for step in steps:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    page = auth_client.get(path.get_absolute_url())
    assertContains(page, '<h2 id="enrollment-title">You completed this path</h2>', html=True)
    assertContains(page, "<p>Build <strong>your own</strong> reading group.</p>", html=True)
    assert enrollment.share_token is None  # off by default

    auth_client.post(reverse("learning:enrollment_share", args=[enrollment.pk]), {"shared": "on"})
    enrollment.refresh_from_db()
    shared_url = reverse("learning:shared_progress", args=[enrollment.share_token])
    shared = client.get(shared_url)
    assert shared.status_code == 200
    assertContains(shared, f"<strong>{len(steps)} of {len(steps)} steps</strong>", html=True)

    auth_client.post(reverse("learning:enrollment_share", args=[enrollment.pk]), {})
    assert client.get(shared_url).status_code == 404

    services.step_progress_set(enrollment=enrollment, step=steps[0], status="in_progress")
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None


def test_shared_page_never_shows_notes(client, enrollment, steps):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="very private")
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    enrollment.refresh_from_db()
    shared = client.get(reverse("learning:shared_progress", args=[enrollment.share_token]))
    assertNotContains(shared, "very private")


def test_dashboard_shows_progress_continue_activity_and_checklists(
    auth_client, enrollment, steps, path
):
    checklist = ChecklistFactory(items=2)
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    response = auth_client.get("/dashboard/")
    html = response.content.decode()
    assert f"1 of {len(steps)} steps" in html
    assertContains(
        response,
        f'<a class="button-link continue" href="{steps[1].get_absolute_url()}">'
        f"Continue: {steps[1].title}</a>",
        html=True,
    )
    assert f'Marked <a href="{steps[0].get_absolute_url()}">' in html
    assertContains(response, "<div><dt>Days active this week</dt><dd>1</dd></div>", html=True)
    assertContains(response, f"<h3>{checklist.title}</h3>", html=True)
    for item in checklist.items.all():
        assertContains(response, tick_button(item, ticked=False), html=True)


def test_checklist_items_tick_and_untick(auth_client, user):
    item = ChecklistItemFactory()
    url = reverse("learning:checklist_tick", args=[item.pk])
    response = auth_client.post(url, {"ticked": "on"}, HTTP_HX_REQUEST="true")
    assertContains(response, tick_button(item, ticked=True), html=True)
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
