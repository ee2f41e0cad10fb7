"""A paper is one thing to a learner: its page shows their status for it on each of their paths,
and "mark as read" makes it Done on all of them, asking first before it overrides another
status they chose."""

import pytest

from learning import paper_status, services
from learning.models import Enrollment, ProgressEvent, StepProgress, StepStatus

from .factories import EnrollmentFactory, PaperFactory, PathFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return PaperFactory(short_name="Shared Paper")


@pytest.fixture
def two_paths(user, paper):
    """Two paths the learner follows, each with a step on the paper (and one without it), and a
    third path they do not follow that also uses it."""
    made = []
    for _ in range(2):
        path = PathFactory(phase_sizes=[1])
        step = StepFactory(phase=path.phases.get(), papers=[paper])
        EnrollmentFactory(user=user, path=path)
        made.append((path, step))
    return made


def status_of(user, step) -> str | None:
    row = StepProgress.objects.filter(user=user, step=step).first()
    return row.status if row else None


def test_mark_as_read_counts_on_every_path_and_again_changes_nothing(user, paper, two_paths):
    marked = services.paper_mark_read(user=user, paper=paper)
    assert marked.changed == 2
    assert marked.to_confirm == []
    assert [status_of(user, step) for _, step in two_paths] == ["done", "done"]
    events = ProgressEvent.objects.filter(user=user).count()
    assert events == 2
    again = services.paper_mark_read(user=user, paper=paper)
    assert again.changed == 0
    assert ProgressEvent.objects.filter(user=user).count() == events


def test_another_status_is_only_overridden_once_confirmed(user, paper, two_paths):
    (_first_path, first), (second_path, second) = two_paths
    enrollment = Enrollment.objects.get(user=user, path=second_path)
    services.step_progress_set(enrollment=enrollment, step=second, status="skipped")
    asked = services.paper_mark_read(user=user, paper=paper)
    assert asked.to_confirm == [second]
    assert asked.changed == 0
    assert status_of(user, first) is None  # nothing changed before the learner confirms
    confirmed = services.paper_mark_read(user=user, paper=paper, override=True)
    assert confirmed.changed == 2
    assert [status_of(user, first), status_of(user, second)] == ["done", "done"]


def test_another_learner_and_paths_not_followed_are_untouched(user, other_user, paper, two_paths):
    unfollowed = PathFactory(phase_sizes=[1])
    stranger_step = StepFactory(phase=unfollowed.phases.get(), papers=[paper])
    (path, step), _ = two_paths
    EnrollmentFactory(user=other_user, path=path)
    services.paper_mark_read(user=user, paper=paper)
    assert status_of(user, stranger_step) is None
    assert status_of(other_user, step) is None
    assert not ProgressEvent.objects.filter(user=other_user).exists()


def test_finishing_a_path_by_reading_a_paper_completes_it(user, paper):
    path = PathFactory()
    phase = path.phases.create(slug="only", label="Week 1", title="Only")
    StepFactory(phase=phase, papers=[paper])
    enrollment = EnrollmentFactory(user=user, path=path)
    services.paper_mark_read(user=user, paper=paper)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_the_paper_page_shows_the_learner_s_status_on_each_path(
    auth_client, user, paper, two_paths, client
):
    (path, step), (second_path, second) = two_paths
    enrollment = Enrollment.objects.get(user=user, path=path)
    services.step_progress_set(enrollment=enrollment, step=step, status="in_progress")
    html = auth_client.get(paper.get_absolute_url()).content.decode()
    assert "Your status for this paper" in html
    badge = '</a>: <span class="status-badge status-'
    assert f"{path.title} — {step.display_name}{badge}in_progress" in html
    assert f"{second_path.title} — {second.display_name}{badge}not_started" in html
    assert "Mark as read on all my paths" in html
    anonymous = client.get(paper.get_absolute_url()).content.decode()
    assert "Your status for this paper" not in anonymous


def test_marking_from_the_page_asks_first_then_marks_everything(
    auth_client, user, paper, two_paths
):
    (path, step), (_, second) = two_paths
    enrollment = Enrollment.objects.get(user=user, path=path)
    services.step_progress_set(enrollment=enrollment, step=step, status="in_progress")
    url = f"/papers/{paper.slug}/read/"
    asked = auth_client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Mark Shared Paper as read?" in page
    assert 'name="confirm" value="yes"' in page
    assert status_of(user, second) is None
    done = auth_client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    assert done["Location"] == paper.get_absolute_url() + "#your-status"
    assert status_of(user, step) == status_of(user, second) == StepStatus.DONE
    page = auth_client.get(paper.get_absolute_url()).content.decode()
    assert "Shared Paper is read: 2 steps marked Done." in page
    assert page.count('class="status-badge status-done"') == 2


def test_a_paper_without_conflicts_is_marked_at_once_and_the_page_updates(
    auth_client, user, paper, two_paths
):
    auth_client.get(paper.get_absolute_url())  # kept for this learner version
    response = auth_client.post(f"/papers/{paper.slug}/read/")
    assert response.status_code == 302
    page = auth_client.get(paper.get_absolute_url()).content.decode()
    assert page.count('class="status-badge status-done"') == 2


def test_statuses_are_read_in_one_query(user, paper, two_paths, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = paper_status.paper_on_paths(user=user, paper_id=paper.pk)
        assert [row.step.path.title for row in rows]  # paths and phases come with the rows
        assert all(row.step.display_name for row in rows)
    assert [row.status for row in rows] == ["not_started", "not_started"]


def test_anonymous_visitors_are_sent_to_log_in(client, paper):
    response = client.post(f"/papers/{paper.slug}/read/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
