"""A learner's own pages (their path page, dashboard, shared progress page) are kept per
version of their data (core.page_cache.learner_page, accounts.learner_version): a page is never
staler than what a fresh render would show, whoever wrote (a view, the admin, a bulk update),
and never shown to anyone else."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from core.models import PublicationStatus
from learning import services
from learning.models import Enrollment, Path, Step, StepProgress, StepStatus

from .concurrency import at_once
from .factories import EnrollmentFactory, StepProgressFactory
from .test_builder import BUILDER, plan


def tally(done: int, steps) -> str:
    return f"<strong>{done} of {len(steps)} steps</strong>"


def data_version(user) -> int:
    return User.objects.values_list("data_version", flat=True).get(pk=user.pk)


def test_a_status_set_in_another_tab_shows_on_the_next_view(auth_client, enrollment, steps):
    url = enrollment.path.get_absolute_url()
    for _ in range(2):  # rendered, then served as kept
        assertContains(auth_client.get(url), tally(0, steps), html=True)
    auth_client.post(reverse("learning:step_status", args=[steps[0].pk]), {"status": "done"})
    assertContains(auth_client.get(url), tally(1, steps), html=True)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda user, steps: StepProgress.objects.create(
                user=user, step=steps[0], status=StepStatus.DONE
            ),
            id="insert",
        ),
        pytest.param(
            lambda user, steps: StepProgress.objects.filter(user=user).update(
                status=StepStatus.DONE
            ),
            id="bulk update",
        ),
        pytest.param(
            lambda user, steps: StepProgress.objects.filter(user=user).delete(), id="delete"
        ),
    ],
)
def test_writes_that_bypass_the_services_show_too(auth_client, user, enrollment, steps, write):
    """An admin edit or a bulk update changes the learner version in PostgreSQL, so the page
    kept from before is not served."""
    StepProgressFactory(enrollment=enrollment, step=steps[1], status=StepStatus.SKIPPED)
    url = enrollment.path.get_absolute_url()
    before = auth_client.get(url).content
    version = data_version(user)
    write(user, steps)
    assert data_version(user) > version
    after = auth_client.get(url).content
    assert after != before
    done = StepProgress.objects.filter(user=user, status=StepStatus.DONE).count()
    assert tally(done, steps).encode() in after


def test_one_learners_page_is_never_served_to_another(
    auth_client, user, other_user, client_for, enrollment, steps
):
    services.step_note_set(enrollment=enrollment, step=steps[0], note="my private note")
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    url = enrollment.path.get_absolute_url()
    assertContains(auth_client.get(url), "my private note")
    EnrollmentFactory(user=other_user, path=enrollment.path)
    other = client_for(other_user).get(url)
    assertNotContains(other, "my private note")
    assertContains(other, tally(0, steps), html=True)
    assertNotContains(other, user.email)


def test_the_shared_page_follows_its_owners_changes(client, auth_client, enrollment, steps):
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    url = reverse("learning:shared_progress", args=[enrollment.share_token])
    assertContains(client.get(url), tally(0, steps), html=True)
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    assertContains(client.get(url), tally(1, steps), html=True)
    services.enrollment_sharing_set(enrollment=enrollment, shared=False)
    assert client.get(url).status_code == 404
    services.enrollment_sharing_set(enrollment=enrollment, shared=True)
    url = reverse("learning:shared_progress", args=[enrollment.share_token])
    assertContains(client.get(url), tally(1, steps), html=True)
    services.enrollment_leave(enrollment=enrollment)  # the link goes with the enrolment
    assert client.get(url).status_code == 404


def test_the_dashboard_shows_a_change_at_once(auth_client, enrollment, steps):
    url = reverse("learning:dashboard")
    assertContains(auth_client.get(url), "No activity yet")
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="in_progress")
    page = auth_client.get(url)
    assertNotContains(page, "No activity yet")
    assertContains(page, "<strong>In progress</strong>", html=True)


def test_each_visitor_gets_their_own_csrf_token_in_a_kept_page(client_for, user, enrollment, steps):
    url = enrollment.path.get_absolute_url()
    first, second = client_for(user), client_for(user)
    pages = [c.get(url) for c in (first, second)]
    tokens = [c.cookies[settings.CSRF_COOKIE_NAME].value for c in (first, second)]
    assert tokens[0] != tokens[1]
    for page in pages:
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    # a status set with the token from the kept page is accepted
    strict = client_for(user)
    strict.handler.enforce_csrf_checks = True
    page = strict.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = strict.post(
        reverse("learning:step_status", args=[steps[0].pk]),
        {"status": "done", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_an_account_saved_from_an_old_copy_never_takes_the_version_back(user, enrollment, steps):
    old_copy = User.objects.get(pk=user.pk)
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    after_write = data_version(user)
    old_copy.display_name = "Ada"
    old_copy.save()
    assert data_version(user) > after_write


def _tables_with_triggers(name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [name],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_of_learner_data_changes_the_learner_version(db):
    """Every model of the site's apps that points at an account (a learner's rows, not the
    curator named in a content history row), and the parts of personal paths, has the
    triggers; a new model without them fails here."""
    owned = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in {"learning", "papers", "core", "search"}
        and not hasattr(model, "history_user")
        and any(
            field.many_to_one and field.related_model is User
            for field in model._meta.get_fields()
            if field.concrete
        )
    }
    personal_parts = {"learning_phase", "learning_step", "learning_steppaper"}
    personal_parts.add(apps.get_model("learning", "PathSection")._meta.db_table)
    expected = owned | personal_parts
    for event in ("insert", "update", "delete"):
        assert expected <= _tables_with_triggers(f"learner_{event}"), event


def test_a_personal_path_edited_shows_on_its_page(auth_client, user, enrollment):
    path = enrollment.path
    path.owner = user
    path.save()
    step = Step.objects.filter(path=path).first()
    url = path.get_absolute_url()
    assertNotContains(auth_client.get(url), "Renamed by its owner")
    version = data_version(user)
    Step.objects.filter(pk=step.pk).update(title="Renamed by its owner")
    assert data_version(user) > version
    assertContains(auth_client.get(url), "Renamed by its owner")


@pytest.mark.django_db(transaction=True)
def test_one_learners_writes_from_two_tabs_at_once_never_deadlock(user, path, steps):
    """Finishing the path (statuses, then the enrolment's completion) while the other tab
    pauses it (the enrolment): both lock the account first, so they take turns."""
    enrollment = EnrollmentFactory(user=user, path=path)
    for step in steps[:-1]:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    for round_ in range(6):
        last = "done" if round_ % 2 == 0 else "not_started"

        def finish(status=last):
            services.step_progress_set(
                enrollment=Enrollment.objects.get(pk=enrollment.pk), step=steps[-1], status=status
            )

        def pause(paused=round_ % 2 == 0):
            services.enrollment_set_paused(
                enrollment=Enrollment.objects.get(pk=enrollment.pk), paused=paused
            )

        actions = iter([finish, pause, finish, pause])
        assert at_once(lambda actions=actions: next(actions)(), 4) == []


def test_the_builder_follows_the_draft_in_the_session(roadmap, auth_client):
    plan(auth_client)
    assert 'name="key" value="rag"' in auth_client.get(BUILDER).content.decode()
    assert 'name="key" value="rag"' in auth_client.get(BUILDER).content.decode()  # kept
    auth_client.post(BUILDER, {"action": "remove", "key": "rag"})
    assert 'name="key" value="rag"' not in auth_client.get(BUILDER).content.decode()


def test_a_status_post_costs_its_pinned_queries(auth_client, enrollment, steps):
    """With htmx: a change locks the learner, writes the status and its history, refreshes
    completion and renders the outline; the same status again (a double click, a retried POST)
    writes nothing (the status comes with the enrolment), and its outline is the one kept
    under the learner version read with that status."""
    url = reverse("learning:step_status", args=[steps[0].pk])

    def post(status: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = auth_client.post(url, {"status": status}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return len(captured.captured_queries)

    # the first change also creates the status's row and builds the path's outline; within a
    # test, the write's transaction is a savepoint (two more statements)
    assert post("done") == 25
    # session, user, content version (the step is content), the enrolment with the status
    # and the learner version
    assert post("done") == 4
    assert post("in_progress") == 17


def test_whether_a_learners_catalog_is_their_own_follows_both_versions(
    auth_client, client_for, other_user, enrollment
):
    """A learner following a path curators took back to draft still finds it listed; whether
    their catalog is their own is remembered per content version and learner version."""
    path, other = enrollment.path, client_for(other_user)
    for visitor in (auth_client, other):
        assertContains(visitor.get("/"), path.title)
    Path.objects.filter(pk=path.pk).update(status=PublicationStatus.DRAFT)
    assertContains(auth_client.get("/"), path.title)
    assertNotContains(other.get("/"), path.title)
    EnrollmentFactory(user=other_user, path=path)
    assertContains(other.get("/"), path.title)


def test_a_personal_path_is_its_owners_alone_and_gone_when_deleted(
    auth_client, client_for, user, other_user, enrollment
):
    path = enrollment.path
    Path.objects.filter(pk=path.pk).update(owner=user)
    url = path.get_absolute_url()
    for _ in range(2):
        assert auth_client.get(url).status_code == 200
    assert client_for(other_user).get(url).status_code == 404
    services.account_delete(user=user)
    assert client_for(other_user).get(url).status_code == 404


def test_a_repeated_status_answers_with_the_learners_current_outline(
    auth_client, enrollment, steps
):
    """The same status again writes nothing, yet the outline it answers with shows what
    another tab did meanwhile."""

    def mark_done(step):
        url = reverse("learning:step_status", args=[step.pk])
        return auth_client.post(url, {"status": "done"}, HTTP_HX_REQUEST="true")

    assertContains(mark_done(steps[0]), tally(1, steps), html=True)
    services.step_progress_set(enrollment=enrollment, step=steps[1], status="done")
    assertContains(mark_done(steps[0]), tally(2, steps), html=True)
    assert auth_client.post(reverse("learning:step_status", args=[999_999]), {}).status_code == 404
