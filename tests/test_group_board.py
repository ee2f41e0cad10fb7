"""The group's board: members by phases (and steps on demand) with each member's status and
standing against the schedule, recent activity, shared notes only of those who share them,
never an email address; the CSV download; and a fixed number of queries whatever the size."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning.groups import selectors, services
from learning.models import Enrollment, ProgressEvent

from .conftest import forget_rendered_pages
from .factories import PathFactory, StepProgressFactory, UserFactory, steps_of
from .group_support import join, make_group, membership

# Queries of a member's board page: the session, the user, their membership (with the group
# and path), the members, the steps (with phases), their papers, statuses and shared notes,
# recent activity. The same at 3 and at 30 members.
BOARD_QUERIES = 9
BOARD_KEPT_QUERIES = 3
CSV_QUERIES = 8


def mark(group, user, index, status="done", note=""):
    enrollment = Enrollment.objects.get(user=user, path=group.path)
    step = steps_of(group.path)[index]
    return StepProgressFactory(enrollment=enrollment, step=step, status=status, note=note)


@pytest.fixture
def club(user, other_user):
    """A group of two on a path of a 3-step and a 2-step phase: the organiser ("Ada", `user`)
    and Grace (`other_user`), who has finished two steps and has a private note."""
    group = make_group(user, path=PathFactory(phase_sizes=[3, 2]))
    membership(group, user).__class__.objects.filter(group=group, user=user).update(
        display_name="Ada"
    )
    join(group, other_user, "Grace")
    mark(group, other_user, 0, note="Grace's secret thought")
    mark(group, other_user, 1, status="skipped")
    mark(group, other_user, 3, status="in_progress")
    return group


def page(client, group, query=""):
    response = client.get(group.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_shows_each_member_by_phase_and_by_step_on_demand(club, auth_client):
    text = page(auth_client, club)
    assert "Grace" in text
    assert "Ada" in text
    assert "2/3" in text  # Grace's first phase: a Done and a Skipped step of three
    assert "0/2" in text
    assert "Show every step" in text
    steps = page(auth_client, club, "?steps=1")
    for step in steps_of(club.path):
        assert step.title in steps
    for word in ("Done", "Skipped", "In progress", "Not started"):
        assert word in steps


def test_the_board_never_shows_an_email_address(club, auth_client, client_for, other_user, user):
    # (Each sees their own address in their account menu, nobody else's anywhere.)
    for client, others in ((auth_client, other_user), (client_for(other_user), user)):
        for query in ("", "?steps=1"):
            text = page(client, club, query)
            assert others.email not in text
    settings = auth_client.get(reverse("learning:group_settings", args=[club.pk])).content
    assert other_user.email.encode() not in settings


def test_notes_show_only_for_members_who_share_them(club, auth_client, other_user):
    assert "secret thought" not in page(auth_client, club)
    assert "secret thought" not in page(auth_client, club, "?steps=1")
    services.membership_sharing_set(membership=membership(club, other_user), sharing="notes")
    assert "secret thought" in page(auth_client, club)
    services.membership_sharing_set(membership=membership(club, other_user), sharing="status")
    assert "secret thought" not in page(auth_client, club)


def test_a_status_only_members_notes_are_not_even_read(club, user, other_user):
    board = selectors.group_board(viewer=membership(club, user))
    assert board.notes == []
    services.membership_sharing_set(membership=membership(club, other_user), sharing="notes")
    board = selectors.group_board(viewer=membership(club, user))
    assert [(n.member, "secret thought" in n.note_html) for n in board.notes] == [("Grace", True)]


def test_recent_activity_lists_active_members_marks_at_most_twenty(club, auth_client, other_user):
    text = page(auth_client, club)
    assert "Grace marked" in text
    for index in range(25):  # more events than the board shows
        mark(club, other_user, index % 5, status=("done", "in_progress")[index % 2])
    board = selectors.group_board(viewer=membership(club, auth_client_user(club)))
    assert len(board.recent) == selectors.RECENT_ACTIVITY
    services.member_remove(
        group=club, by=auth_client_user(club), member_pk=membership(club, other_user).pk
    )
    assert "Grace" not in page(auth_client, club)


def auth_client_user(group):
    return group.memberships.get(role="organiser").user


def test_activity_on_other_paths_is_not_the_groups(club, other_user, user):
    elsewhere = PathFactory(phase_sizes=[1])
    enrollment = Enrollment.objects.create(user=other_user, path=elsewhere)
    StepProgressFactory(enrollment=enrollment, step=steps_of(elsewhere)[0])
    board = selectors.group_board(viewer=membership(club, user))
    assert {a.step.path_id for a in board.recent} == {club.path_id}
    assert ProgressEvent.objects.filter(user=other_user, step__path=elsewhere).exists()


def test_the_schedule_shows_the_week_this_weeks_steps_and_who_is_behind(club, user, other_user):
    # Path hours at Thorough: 10 h over 5 equal steps (2 h each). 4 h a week, started 15 days
    # ago: week 3, two whole weeks (8 h) are due. Grace finished 2 steps (4 h): behind by 4 h.
    services.schedule_set(
        group=club,
        by=user,
        depth="thorough",
        start_date=timezone.localdate() - datetime.timedelta(days=15),
        hours_per_week=4,
    )
    club.refresh_from_db()
    board = selectors.group_board(viewer=membership(club, user))
    assert board.week == 3
    assert [s.pk for s in board.this_week] == [steps_of(club.path)[4].pk]
    standings = {row.membership.display_name: row.standing for row in board.rows}
    assert standings["Grace"].description == "4 h behind the schedule"
    assert standings["Ada"].description == "8 h behind the schedule"
    for index in range(5):
        mark(club, user, index)
    board = selectors.group_board(viewer=membership(club, user))
    assert {r.membership.display_name: r.standing.label for r in board.rows}["Ada"] == "Finished"


def test_the_board_page_shows_the_week_and_standing(club, user, auth_client):
    services.schedule_set(
        group=club,
        by=user,
        depth="thorough",
        start_date=timezone.localdate() - datetime.timedelta(days=8),
        hours_per_week=4,
    )
    text = page(auth_client, club)
    assert "This is week 2." in text
    assert "On track" in text  # Grace: 4 h finished, 4 h due


def test_before_the_start_the_board_shows_what_week_1_holds(club, user, auth_client):
    # 4 h a week over 2 h steps: week 1 holds the first two steps.
    start = timezone.localdate() + datetime.timedelta(days=3)
    services.schedule_set(group=club, by=user, depth="thorough", start_date=start, hours_per_week=4)
    club.refresh_from_db()
    board = selectors.group_board(viewer=membership(club, user))
    assert board.week == 0
    assert board.this_week == steps_of(club.path)[:2]
    text = page(auth_client, club)
    assert f"Starts on {start:%-d %b %Y}" in text
    assert "Started" not in text
    assert "Week 1" in text
    assert steps_of(club.path)[1].display_name in text


def test_without_a_schedule_the_board_says_so(club, client_for, other_user):
    text = page(client_for(other_user), club)
    assert "No schedule" in text


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_one_row_per_active_member_and_no_email(club, auth_client, user, other_user):
    leaver = UserFactory()
    join(club, leaver, "Leaver")
    services.group_leave(membership=membership(club, leaver))
    response = auth_client.get(reverse("learning:group_board_csv", args=[club.pk]))
    rows = read_csv(response)
    phases = [f"{p.label}: {p.title}" for p in club.path.phases.order_by("position")]
    assert rows[0] == ["Member", "Role", *phases, "Finished steps", "Hours finished", "Standing"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Ada", "Grace"}
    assert by_name["Grace"][1:] == ["Member", "2/3", "0/2", "2", "4.00", "No schedule"]
    assert by_name["Ada"][1:3] == ["Organiser", "0/3"]
    text = response.content.decode()
    for email in (user.email, other_user.email, leaver.email):
        assert email not in text


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_display_name_cannot_become_a_spreadsheet_formula(club, auth_client, other_user, name):
    membership(club, other_user).__class__.objects.filter(
        pk=membership(club, other_user).pk
    ).update(display_name=name)
    rows = read_csv(auth_client.get(reverse("learning:group_board_csv", args=[club.pk])))
    assert [row[0] for row in rows[1:] if row[0] != "Ada"] == ["'" + name]


def test_only_organisers_download_the_csv(club, client_for, other_user):
    response = client_for(other_user).get(reverse("learning:group_board_csv", args=[club.pk]))
    assert response.status_code == 403


def group_of(size: int):
    organiser = UserFactory()
    group = make_group(organiser, path=PathFactory(phase_sizes=[3, 3, 2]), members=size - 1)
    for number, member in enumerate(group.memberships.select_related("user")):
        services.membership_sharing_set(membership=member, sharing="notes")
        mark(group, member.user, number % 8, note=f"note {number}")
    return group, organiser


def count_queries(client, address: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("size", [3, 30])
def test_the_board_costs_the_same_queries_at_3_and_30_members(size, client_for):
    group, organiser = group_of(size)
    client = client_for(organiser)
    client.get(reverse("learning:group_list"))  # the session is warm, as on any later page
    for query in ("", "?steps=1"):
        forget_rendered_pages()
        queries = count_queries(client, group.get_absolute_url() + query)
        assert len(queries) == BOARD_QUERIES, "\n".join(queries)
        # Served again, the board is kept: the session, the user, and the board's version
        # (with the viewer's membership and the content version).
        queries = count_queries(client, group.get_absolute_url() + query)
        assert len(queries) == BOARD_KEPT_QUERIES, "\n".join(queries)
    csv_queries = count_queries(client, reverse("learning:group_board_csv", args=[group.pk]))
    assert len(csv_queries) == CSV_QUERIES, "\n".join(csv_queries)
    assert len(selectors.group_board(viewer=membership(group, organiser)).rows) == size


def test_a_kept_board_is_made_again_when_a_member_or_the_group_changes(
    club, user, other_user, auth_client, client_for, make_user
):
    """The board is kept between views (above), yet every change shows on the next view: a
    member's mark, their choice to share notes, a new member, a rename, a member leaving."""
    grace = membership(club, other_user)
    assert "Grace's secret thought" not in page(auth_client, club)
    with CaptureQueriesContext(connection) as kept:
        page(auth_client, club)
    assert len(kept) == BOARD_KEPT_QUERIES
    mark(club, other_user, 2, status="done")
    assert "3 of 5" in page(auth_client, club)  # Grace: two finished before, one now
    assert page(auth_client, club, "?steps=1").count("<td>Done</td>") == 2
    services.membership_sharing_set(membership=grace, sharing="notes")
    assert "Grace's secret thought" in page(auth_client, club)
    join(club, make_user("lin@example.com"), "Lin")
    assert "Lin" in page(auth_client, club)
    services.group_rename(group=club, by=user, name="Transformers at dawn")
    assert "Transformers at dawn" in page(auth_client, club)
    services.group_leave(membership=membership(club, other_user))
    assert "Grace" not in page(auth_client, club)
    assert client_for(other_user).get(club.get_absolute_url()).status_code == 404
