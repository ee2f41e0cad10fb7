"""The group schedule's arithmetic (learning/group_schedule.py): week numbers, hours due, the
steps of a week, and where a member stands, checked by hand and against the one estimate
model's own schedule (learning.estimates.schedule)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learning.estimates import schedule, weeks_for
from learning.group_schedule import (
    Standing,
    hours_due,
    member_standing,
    steps_in_week,
    week_number,
)

START = datetime.date(2026, 3, 2)  # a Monday
D = Decimal


def day(offset: int) -> datetime.date:
    return START + datetime.timedelta(days=offset)


@pytest.mark.parametrize(
    ("offset", "week"),
    [(-30, 0), (-1, 0), (0, 1), (6, 1), (7, 2), (13, 2), (14, 3), (70, 11)],
)
def test_week_number_counts_seven_day_weeks_from_the_start_date(offset, week):
    assert week_number(START, day(offset)) == week


@pytest.mark.parametrize(
    ("offset", "due"),
    [(-3, 0), (0, 0), (6, 0), (7, 5), (13, 5), (14, 10), (27, 15), (28, 20), (400, 20)],
)
def test_hours_due_are_the_whole_weeks_before_the_day_at_the_pace_never_beyond_the_total(
    offset, due
):
    assert hours_due(D(20), start=START, hours_per_week=5, day=day(offset)) == D(due)


def test_hours_due_stop_at_a_total_that_is_not_a_multiple_of_the_pace():
    assert hours_due(D("7.5"), start=START, hours_per_week=5, day=day(14)) == D("7.5")


def test_steps_in_a_week_include_a_step_that_runs_over_into_the_next():
    hours = [D(3), D(3), D(3), D(3)]  # 12 h at 4 h a week: 0-3, 3-6, 6-9, 9-12
    assert steps_in_week(hours, hours_per_week=4, week=1) == [0, 1]
    assert steps_in_week(hours, hours_per_week=4, week=2) == [1, 2]
    assert steps_in_week(hours, hours_per_week=4, week=3) == [2, 3]
    assert steps_in_week(hours, hours_per_week=4, week=4) == []


def test_a_step_ending_on_a_weeks_boundary_is_not_in_the_next_week():
    hours = [D(5), D(5)]
    assert steps_in_week(hours, hours_per_week=5, week=1) == [0]
    assert steps_in_week(hours, hours_per_week=5, week=2) == [1]


def test_a_long_step_is_in_every_week_it_spans():
    hours = [D(1), D(10), D(1)]
    assert [steps_in_week(hours, hours_per_week=3, week=w) for w in (1, 2, 3, 4, 5)] == [
        [0, 1],
        [1],
        [1],
        [1, 2],
        [],
    ]


def test_a_step_of_no_hours_is_in_exactly_one_week():
    hours = [D(2), D(0), D(2), D(0)]
    weeks = [steps_in_week(hours, hours_per_week=2, week=w) for w in (1, 2, 3)]
    assert weeks == [[0], [1, 2], [3]]


@pytest.mark.parametrize("week", [0, -1])
def test_no_steps_before_the_first_week_or_without_a_pace(week):
    assert steps_in_week([D(1)], hours_per_week=5, week=week) == []
    assert steps_in_week([D(1)], hours_per_week=0, week=1) == []


hours_lists = st.lists(
    st.decimals(min_value=0, max_value=40, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(hours=hours_lists, pace=st.integers(min_value=1, max_value=100))
def test_every_step_falls_in_the_weeks_it_overlaps_and_agrees_with_the_estimate_models_schedule(
    hours, pace
):
    """Each step is listed in the week the estimate model's schedule starts it in and in no
    week before; every week up to the schedule's length lists something when the total is
    positive; no week after it lists a step of any hours."""
    laid_out = schedule(hours, pace)
    weeks = weeks_for(sum(hours, D(0)), pace) or 0
    listed = {w: steps_in_week(hours, hours_per_week=pace, week=w) for w in range(1, weeks + 3)}
    for block in laid_out.blocks:
        for index in block.indexes:
            first = min(w for w, indexes in listed.items() if index in indexes)
            assert first == block.number, (index, hours, pace)
    for week in range(1, weeks + 1):
        assert listed[week], (week, hours, pace)
    for week in range(weeks + 1, weeks + 3):
        assert all(hours[i] == 0 for i in listed[week]), (week, hours, pace)


TOTAL = D(20)
WEEK_3 = day(14)


def standing(finished, total=TOTAL, *, start=START, pace=5, on=WEEK_3):
    return member_standing(
        finished_hours=D(finished), total_hours=total, start=start, hours_per_week=pace, day=on
    )


def test_a_member_with_the_hours_due_is_on_track_and_one_short_is_behind_by_the_difference():
    on_track = standing(10)  # week 3: two whole weeks at 5 h are due
    assert (on_track.label, on_track.due_hours) == (Standing.ON_TRACK, D(10))
    behind = standing("7.5")
    assert behind.label == Standing.BEHIND
    assert behind.behind_by == D("2.5")
    assert behind.description == "2.5 h behind the schedule"
    assert standing(12).label == Standing.ON_TRACK  # ahead is on track


def test_in_the_first_week_nobody_is_behind():
    assert standing(0, on=day(6)).label == Standing.ON_TRACK


def test_before_the_start_date_the_group_starts_soon():
    result = standing(0, on=day(-1))
    assert (result.label, result.due_hours) == (Standing.NOT_STARTED, D(0))


def test_every_hour_finished_is_finished_whatever_the_schedule():
    assert standing(20).label == Standing.FINISHED
    assert standing(20, start=None, pace=None).label == Standing.FINISHED
    assert standing(20, on=day(-5)).label == Standing.FINISHED


@pytest.mark.parametrize(("start", "pace"), [(None, 5), (START, None), (START, 0)])
def test_without_a_start_date_or_a_pace_there_is_no_standing(start, pace):
    result = standing(3, start=start, pace=pace)
    assert result.label == Standing.NO_SCHEDULE
    assert result.description == ""


def test_long_after_the_schedule_ends_the_whole_path_is_due():
    result = standing(19, on=day(365))
    assert (result.label, result.due_hours, result.behind_by) == (Standing.BEHIND, D(20), D(1))


def test_a_path_of_no_hours_is_never_behind():
    assert standing(0, total=D(0), on=day(100)).label == Standing.ON_TRACK
