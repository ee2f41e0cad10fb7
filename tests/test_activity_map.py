"""The dashboard's activity heat map: 26 weeks of days, each with its level, the streak, and the
same in words."""

import datetime

import pytest
from django.utils import timezone

from learning import selectors
from learning.activity_map import WEEKS, activity_map
from learning.models import ProgressEvent

TODAY = datetime.date(2026, 11, 26)  # a Thursday


def day(offset: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=offset)


def test_the_grid_is_26_weeks_from_a_monday_up_to_today():
    laid = activity_map({}, TODAY, 0)
    assert laid.first.weekday() == 0
    assert laid.first == datetime.date(2026, 6, 1)
    assert laid.last == TODAY
    assert len(laid.cells) == (WEEKS - 1) * 7 + 4  # today's week up to Thursday
    assert {c.x for c in laid.cells} == {laid.cells[0].x + n * 15 for n in range(WEEKS)}
    assert laid.cells[-1].day == TODAY
    assert laid.cells[-1].y == laid.cells[3].y
    assert all(0 <= c.x < laid.width and 0 <= c.y < laid.height for c in laid.cells)
    assert [m.text for m in laid.months] == ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]


def test_levels_grow_with_the_day_s_changes_and_each_day_says_so():
    laid = activity_map({day(0): 1, day(1): 4, day(2): 9, day(400): 5}, TODAY, 3)
    by_day = {c.day: c for c in laid.cells}
    assert [by_day[day(n)].level for n in range(4)] == [1, 2, 3, 0]
    assert laid.active_days == 3  # a day before the grid is not counted
    assert by_day[day(1)].title == "Wed 25 Nov 2026: 4 changes"
    assert by_day[day(0)].title == "Thu 26 Nov 2026: 1 change"
    assert by_day[day(3)].title == "Mon 23 Nov 2026: no change"
    assert laid.streak == 3


@pytest.mark.django_db
def test_the_dashboard_counts_active_days_in_one_query_and_draws_them(
    auth_client, user, other_user, steps, enrollment, django_assert_num_queries
):
    now = timezone.now()
    for days_ago, times in ((0, 2), (1, 1), (2, 1), (5, 3)):
        for _ in range(times):
            ProgressEvent.objects.create(
                user=user,
                step=steps[0],
                status="done",
                created_at=now - datetime.timedelta(days=days_ago),
            )
    ProgressEvent.objects.create(user=other_user, step=steps[0], status="done", created_at=now)
    today = timezone.localdate()
    with django_assert_num_queries(1):
        counts = selectors.active_days(user=user, since=today - datetime.timedelta(days=30))
    assert counts == {
        today: 2,
        today - datetime.timedelta(days=1): 1,
        today - datetime.timedelta(days=2): 1,
        today - datetime.timedelta(days=5): 3,
    }
    html = auth_client.get("/dashboard/").content.decode()
    assert 'class="activity-map"' in html
    assert "Active on <strong>4</strong> days in the last 26 weeks" in html
    assert "current streak: <strong>3</strong> days" in html
    assert html.count('class="heat-cell heat-') == (WEEKS - 1) * 7 + today.weekday() + 1
    assert 'class="heat-cell heat-2" x="' in html
    assert f'data-day="{today:%Y-%m-%d}"' in html
