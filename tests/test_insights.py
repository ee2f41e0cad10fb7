"""Curator insights: the aggregates on a small known data set, small counts suppressed
everywhere (page, snapshot, CSV), the refresh command, who may see the pages, and a page that
reads its snapshot (a fixed number of queries whatever the number of learners)."""

import csv
import datetime
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from learning import services as learning_services
from learning.insights.compute import insights_refresh, suppressed, suppressed_parts
from learning.insights.selectors import CURATOR_VIEW_RIGHTS, may_see_insights
from learning.models import (
    Enrollment,
    Path,
    PathInsight,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)

from .conftest import forget_rendered_pages
from .factories import PathFactory, UserFactory, steps_of

DONE, SKIPPED, IN_PROGRESS = StepStatus.DONE, StepStatus.SKIPPED, StepStatus.IN_PROGRESS
HOUR = datetime.timedelta(hours=1)


def learners_on(path, count: int, *, started: datetime.datetime, completed: int = 0) -> list:
    users = [UserFactory() for _ in range(count)]
    Enrollment.objects.bulk_create(
        Enrollment(
            user=user,
            path=path,
            started_at=started,
            completed_at=started if index < completed else None,
        )
        for index, user in enumerate(users)
    )
    return users


def mark(users, step, status, *, notes: int = 0) -> None:
    StepProgress.objects.bulk_create(
        StepProgress(
            user=user,
            step=step,
            status=status,
            note="A thought." if index < notes else "",
            started_at=timezone.now(),
        )
        for index, user in enumerate(users)
    )


def timed(users, step, hours: list[float], *, at: datetime.datetime) -> None:
    """Each user's first In progress at `at`, then Done so many hours later (a later In progress
    and Done after that do not count)."""
    events = []
    for user, spent in zip(users, hours, strict=True):
        events += [
            ProgressEvent(user=user, step=step, status=IN_PROGRESS, created_at=at),
            ProgressEvent(user=user, step=step, status=DONE, created_at=at + spent * HOUR),
            ProgressEvent(user=user, step=step, status=IN_PROGRESS, created_at=at + 100 * HOUR),
            ProgressEvent(user=user, step=step, status=DONE, created_at=at + 200 * HOUR),
        ]
    ProgressEvent.objects.bulk_create(events)


@pytest.fixture
def known(db):
    """A path of four steps: 12 learners this week (5 of them completed it), 3 learners three
    weeks ago; step 1 reached by 12 (7 Done, 5 In progress, 6 notes, 6 timed: 1…6 h), step 2
    by 11 (6 Done, 5 Skipped, 2 notes, 3 timed), step 3 by 4, step 4 by nobody."""
    now = timezone.now()
    path = PathFactory(phase_sizes=[2, 2])
    one, two, three, _four = steps_of(path)
    recent = learners_on(path, 12, started=now, completed=5)
    learners_on(path, 3, started=now - datetime.timedelta(weeks=3))
    mark(recent[:7], one, DONE, notes=6)
    mark(recent[7:], one, IN_PROGRESS)
    mark(recent[:6], two, DONE, notes=2)
    mark(recent[6:11], two, SKIPPED)
    mark(recent[:3], three, DONE)
    mark(recent[3:4], three, IN_PROGRESS)
    timed(recent[:6], one, [1, 2, 3, 4, 5, 6], at=now - datetime.timedelta(days=40))
    timed(recent[6:9], two, [1, 1, 1], at=now - datetime.timedelta(days=2))
    return path


def snapshot(path) -> dict:
    (insight,) = insights_refresh(paths=[path])
    return insight.data


def test_the_learners_weeks_and_funnel_of_a_known_data_set(known):
    data = snapshot(known)
    # Active: the 3 learners whose events are 2 days old (the others' are 40 days old).
    assert data["learners"] == {"enrolled": 15, "completed": 5, "active": None}
    assert len(data["weeks"]) == 26
    # 3 learners three weeks ago: fewer than 5; and this week's 12 is hidden too, or 15 - 12
    # would tell them.
    assert data["weeks"][-4]["started"] is None
    assert data["weeks"][-1]["started"] is None
    assert {week["started"] for week in data["weeks"][:-4]} == {0}
    one, two, three, four = data["steps"]
    assert (one["reached"], one["in_progress"], one["done"], one["skipped"]) == (12, 5, 7, 0)
    assert (one["notes"], one["durations"], one["median_hours"]) == (6, 6, 3.5)
    assert (two["reached"], two["done"], two["skipped"], two["notes"]) == (11, 6, 5, None)
    assert two["skip_rate"] == round(5 / 11, 4)
    assert two["median_hours"] is None
    assert two["durations"] is None
    assert (three["reached"], three["done"], three["in_progress"]) == (None, None, None)
    assert (four["reached"], four["done"], four["notes"]) == (0, 0, 0)
    assert data["estimate_depth"] == "Thorough"
    assert one["estimate_hours"] == 2.5  # the path's 10 h at Thorough over 4 steps
    assert one["pace"] == round(3.5 / 2.5, 2)
    assert data["most_skipped"] == [two["id"]]
    assert data["slowest"] == [one["id"]]


def every_count(data: dict) -> list:
    counts = list(data["learners"].values()) + [week["started"] for week in data["weeks"]]
    for step in data["steps"]:
        counts += [step[key] for key in ("reached", "in_progress", "done", "skipped", "notes")]
        counts.append(step["durations"])
    return counts


def test_no_stored_count_is_between_one_and_four(known):
    counts = every_count(snapshot(known))
    assert None in counts
    assert not [count for count in counts if count is not None and 0 < count < 5]


def test_a_path_of_four_learners_shows_no_figure_about_them(db, editor):
    path = PathFactory(phase_sizes=[2])
    users = learners_on(path, 4, started=timezone.now(), completed=4)
    first, second = steps_of(path)
    mark(users, first, DONE, notes=4)
    mark(users, second, SKIPPED)
    timed(users, first, [1, 2, 3, 4], at=timezone.now() - HOUR * 10)
    data = snapshot(path)
    assert set(every_count(data)) <= {None, 0}
    assert all(step["median_hours"] is None for step in data["steps"])
    page = editor.get(f"/admin/insights/{path.slug}/").content.decode()
    assert page.count("fewer than 5") > 10
    assert not re.search(r'<td class="number">[1-4]</td>', page)
    csv_text = editor.get(f"/admin/insights/{path.slug}.csv").content.decode()
    assert not re.search(r",[1-4]\n", csv_text.split("weekly starts")[0])
    assert data["most_skipped"] == []
    assert data["slowest"] == []


def test_suppression_rule():
    assert [suppressed(n) for n in range(7)] == [0, None, None, None, None, 5, 6]


@pytest.mark.parametrize(
    ("counts", "unshown", "shown"),
    [
        ([6, 7, 0], 0, [6, 7, 0]),
        ([6, 4, 0], 0, [None, None, 0]),  # else 10 - 6 - 0 would tell the 4
        ([9, 3, 1], 0, [None, None, None]),  # the two hidden add up to 4, so the 9 goes too
        ([9, 3, 1, 6], 0, [9, None, None, None]),  # ... the smallest part shown goes
        ([12], 3, [None]),  # 3 learners in no part shown: the total minus 12 would tell them
        ([12, 8], 5, [12, 8]),
        ([2, 1], 0, [None, None]),
        ([0, 0], 0, [0, 0]),
    ],
)
def test_parts_of_a_total_are_hidden_together(counts, unshown, shown):
    assert suppressed_parts(counts, unshown=unshown) == shown


def test_no_count_can_be_worked_out_from_a_total_and_the_others(db):
    """10 learners reached the step: 6 Done, 4 In progress. In progress is fewer than 5, and
    Done goes too, or 10 - 6 would tell it; 7 of 8 learners completed the path, so completed is
    hidden (8 - 7)."""
    path = PathFactory(phase_sizes=[1])
    (step,) = steps_of(path)
    users = learners_on(path, 10, started=timezone.now(), completed=7)
    mark(users[:6], step, DONE)
    mark(users[6:], step, IN_PROGRESS)
    data = snapshot(path)
    (figures,) = data["steps"]
    assert (figures["reached"], figures["done"], figures["in_progress"]) == (10, None, None)
    assert figures["skipped"] == 0
    assert data["learners"]["enrolled"] == 10
    assert data["learners"]["completed"] is None


def test_the_csv_has_its_columns_and_the_figures_suppressed_alike(known, editor):
    response = editor.get(f"/admin/insights/{known.slug}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"insights-{known.slug}-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "phase", "measure", "value"]
    by_key = {(row[0], row[1], row[3]): row[4] for row in rows[1:]}
    assert by_key[("learners", known.title, "learners started")] == "15"
    assert by_key[("learners", known.title, "learners active in the last 30 days")] == "<5"
    step_one, step_two, step_three, _ = (str(step) for step in steps_of(known))
    assert by_key[("step", step_one, "learners reached")] == "12"
    assert by_key[("step", step_one, "learners in progress")] == "5"
    assert by_key[("step", step_three, "learners in progress")] == "<5"
    assert by_key[("step", step_one, "median hours from first In progress to Done")] == "3.5"
    assert by_key[("step", step_two, "skip rate (% of reached)")] == "45.5"
    assert by_key[("step", step_two, "median hours from first In progress to Done")] == ""
    assert by_key[("step", step_three, "learners reached")] == "<5"
    assert by_key[("step", step_one, "estimate hours (Thorough)")] == "2.5"
    assert len([row for row in rows if row[0] == "weekly starts"]) == 26
    counts = [row[4] for row in rows[1:] if row[3].startswith("learners")]
    assert not [value for value in counts if value in {"1", "2", "3", "4"}]


def test_the_page_shows_the_figures_and_fewer_than_5(known, editor):
    page = editor.get(f"/admin/insights/{known.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Figures as of" in html
    assert "fewer than 5" in html
    assert "most skipped" in html
    assert "slowest" in html
    assert 'role="img"' in html
    assert "3.5 h" in html  # the median, through hours_display


def test_the_refresh_command_is_idempotent_and_skips_personal_paths(known, make_user):
    personal = PathFactory(phase_sizes=[1], owner=make_user())
    out = io.StringIO()
    call_command("refresh_insights", stdout=out)
    first = {i.path_id: i.data for i in PathInsight.objects.all()}
    call_command("refresh_insights", stdout=out)
    second = {i.path_id: i.data for i in PathInsight.objects.all()}
    assert first == second
    assert known.pk in first
    assert personal.pk not in first
    assert PathInsight.objects.count() == len(first)
    assert "Refreshed the insights of" in out.getvalue()


def test_the_refresh_command_takes_slugs_and_refuses_unknown_ones(known):
    call_command("refresh_insights", known.slug, stdout=io.StringIO())
    assert list(PathInsight.objects.values_list("path_id", flat=True)) == [known.pk]
    with pytest.raises(CommandError, match="no-such-path"):
        call_command("refresh_insights", "no-such-path", stdout=io.StringIO())


def test_a_path_without_steps_or_learners_has_a_page(editor):
    path = PathFactory()
    page = editor.get(f"/admin/insights/{path.slug}/")
    assert page.status_code == 200
    assert "This path has no steps yet." in page.content.decode()
    assert snapshot(path)["learners"] == {"enrolled": 0, "completed": 0, "active": 0}


def test_archived_steps_are_left_out(known):
    step = steps_of(known)[0]
    step.archived = True
    step.save()
    assert [s["id"] for s in snapshot(known)["steps"]] == [s.pk for s in steps_of(known)[1:]]


def test_a_curator_sees_the_index_and_the_first_view_computes_the_figures(known, editor):
    index = editor.get("/admin/insights/").content.decode()
    assert known.title in index
    missing = index.count("not computed yet")
    assert missing == Path.objects.curated().count()
    assert editor.get(f"/admin/insights/{known.slug}/").status_code == 200
    assert PathInsight.objects.filter(path=known).exists()
    assert editor.get("/admin/insights/").content.decode().count("not computed yet") == missing - 1


def test_the_admin_index_links_to_insights(editor):
    assert 'href="/admin/insights/"' in editor.get("/admin/").content.decode()


def test_refresh_now_recomputes_and_says_so(known, editor):
    snapshot(known)
    PathInsight.objects.filter(path=known).update(
        computed_at=timezone.now() - datetime.timedelta(days=1), data={**snapshot(known)}
    )
    before = PathInsight.objects.get(path=known).computed_at
    response = editor.post(f"/admin/insights/{known.slug}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/insights/{known.slug}/"
    assert "Figures refreshed for 1 path" in response.content.decode()
    assert PathInsight.objects.get(path=known).computed_at > before
    everything = editor.post("/admin/insights/", follow=True)
    assert "Figures refreshed for" in everything.content.decode()


def test_a_superuser_sees_insights(known, make_user, client_for):
    admin = make_user("boss@example.com", is_staff=True, is_superuser=True)
    assert client_for(admin).get(f"/admin/insights/{known.slug}/").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_learners_anonymous_visitors_and_other_staff_are_refused(
    known, method, user, make_user, client_for, client
):
    staff = make_user("staff@example.com", is_staff=True)  # staff, but not a curator
    page = f"/admin/insights/{known.slug}"
    urls = ["/admin/insights/", f"{page}/", f"{page}.csv"]
    for who in (client_for(user), client, client_for(staff)):
        for url in urls:
            response = getattr(who, method)(url)
            assert response.status_code in (302, 403, 405), (url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/")
            assert b"fewer than 5" not in response.content
    assert not PathInsight.objects.exists()


def test_a_personal_path_has_no_insights(editor, make_user):
    personal = PathFactory(phase_sizes=[1], owner=make_user())
    assert editor.get(f"/admin/insights/{personal.slug}/").status_code == 404
    assert editor.get(f"/admin/insights/{personal.slug}.csv").status_code == 404
    assert editor.post(f"/admin/insights/{personal.slug}/").status_code == 404
    assert not PathInsight.objects.exists()
    assert personal.title not in editor.get("/admin/insights/").content.decode()


def test_the_page_reads_its_snapshot_at_a_fixed_cost(known, editor, django_assert_num_queries):
    """Session, user, the curator's rights, the path's heading with its snapshot's time; the
    snapshot's figures are read and drawn once per snapshot and process. The same at two sizes,
    so the page never aggregates learners' rows itself."""
    snapshot(known)
    forget_rendered_pages()
    url = f"/admin/insights/{known.slug}/"
    with django_assert_num_queries(5):
        assert editor.get(url).status_code == 200
    with django_assert_num_queries(4):
        assert editor.get(url).status_code == 200
    more = learners_on(known, 30, started=timezone.now())
    mark(more, steps_of(known)[3], DONE, notes=30)
    assert snapshot(known)["steps"][3]["done"] == 30
    with django_assert_num_queries(5):
        page = editor.get(url)
    assert "30" in page.content.decode()
    with django_assert_num_queries(4):
        assert editor.get(url).status_code == 200
    with django_assert_num_queries(5):
        assert editor.get(f"/admin/insights/{known.slug}.csv").status_code == 200
    with django_assert_num_queries(4):
        assert editor.get("/admin/insights/").status_code == 200


def test_a_curators_rights_are_read_as_django_reads_them(curator_user, make_user):
    """may_see_insights agrees with has_perms: through the group, through the user's own
    rights, without them, and for an inactive account."""
    own = make_user("own@example.com", is_staff=True)
    own.user_permissions.set(
        Permission.objects.filter(codename__startswith="view_").filter(
            content_type__app_label__in=["learning", "papers"]
        )
    )
    nobody = make_user("nobody@example.com", is_staff=True)
    gone = make_user("gone@example.com", is_staff=True, is_active=False)
    gone.groups.set(curator_user.groups.all())
    for person in (curator_user, own, nobody, gone):
        person = type(person).objects.get(pk=person.pk)
        assert may_see_insights(person) == person.has_perms(CURATOR_VIEW_RIGHTS), person.email
    assert may_see_insights(curator_user)
    assert may_see_insights(type(own).objects.get(pk=own.pk))
    assert not may_see_insights(nobody)


def test_the_snapshot_holds_no_learner(known):
    text = json.dumps(snapshot(known))
    for user in UserFactory._meta.model.objects.filter(enrollments__path=known):
        assert user.email not in text


def test_a_kept_page_is_each_curators_own(known, editor, curator_user, make_user, client_for):
    """The page is kept per curator: another curator gets their own header and token, never
    the first one's."""
    snapshot(known)
    url = f"/admin/insights/{known.slug}/"
    first = editor.get(url).content.decode()
    second_curator = make_user("second.curator@example.com", display_name="Second Curator")
    learning_services.curator_set(user=second_curator, curator=True)
    second = client_for(second_curator).get(url).content.decode()
    assert "Second Curator" in second
    assert "Second Curator" not in first
    assert curator_user.get_short_name() in editor.get(url).content.decode()
    assert curator_user.get_short_name() not in second


def test_a_step_name_cannot_become_a_spreadsheet_formula_in_the_csv(known, editor):
    """Step names are curators' words: one that starts like a formula stays text."""
    step = steps_of(known)[0]
    Step.objects.filter(pk=step.pk).update(title='=HYPERLINK("http://x")')
    insights_refresh(paths=[known])
    text = editor.get(f"/admin/insights/{known.slug}.csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    names = {row[1] for row in rows if row[0] == "step"}
    assert not [name for name in names if name[:1] in "=+-@"]
    assert any(name.startswith("'=HYPERLINK") for name in names)
