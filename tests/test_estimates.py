"""One estimate model: the builder, the path page, the dashboard and the calendar agree."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from learning import services
from learning.estimates import schedule, step_hours, weeks_for
from learning.models import Enrollment, Path, Step

from .test_builder import BUILDER, plan, save

HOURS = re.compile(r"(\d+(?:\.\d+)?) h left at (\w[\w ]*?) · about (\d+) weeks? at (\d+) h/week")


# --- The model itself --------------------------------------------------------------------------


def test_weeks_are_the_ceiling_of_hours_over_pace():
    assert weeks_for(Decimal(88), 4) == 22
    assert weeks_for(Decimal("88.5"), 4) == 23
    assert weeks_for(Decimal(0), 4) == 0
    assert weeks_for(Decimal(5), None) is None


def test_a_step_without_papers_weighs_as_an_average_step():
    assert step_hours([Decimal(2), Decimal(4), None]) == [Decimal(2), Decimal(4), Decimal(3)]
    shared = step_hours([Decimal(1), Decimal(3)], Decimal(20))
    assert shared == [Decimal(5), Decimal(15)]


@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=40),
)
def test_the_schedule_covers_every_step_once_in_order_within_its_weeks(quarters, pace):
    hours = [Decimal(q) / 4 for q in quarters]
    plan = schedule(hours, pace, datetime.date(2027, 1, 4))
    assert [i for block in plan.blocks for i in block.indexes] == list(range(len(hours)))
    assert sum(block.span for block in plan.blocks) == plan.week_count
    assert plan.week_count >= weeks_for(sum(hours), pace)
    if sum(hours) > 0 and hours[-1] > 0:
        assert plan.week_count == weeks_for(sum(hours), pace)
    assert plan.finish == datetime.date(2027, 1, 4) + datetime.timedelta(weeks=plan.week_count)


# --- Four pages, one answer --------------------------------------------------------------------


def _builder_numbers(html: str) -> dict:
    summary = re.search(r'<p class="plan-summary">(.*?)</p>', html, re.S).group(1)
    total = re.search(r"(\d+(?:\.\d+)?) h at", summary).group(1)
    weeks = re.search(r"· (\d+) weeks? at (\d+) h/week", summary).group(1)
    finish = re.findall(r"finish around (\d+ \w+ \d{4})", summary)[-1]
    left = re.search(r"(\d+(?:\.\d+)?) h left", summary)
    steps = dict(
        re.findall(
            r'<li class="plan-step" id="plan-([a-z0-9-]+)">.*?<small>(\d+(?:\.\d+)?) h</small>',
            html,
            re.S,
        )
    )
    return {
        "total": total,
        "left": left.group(1) if left else total,
        "weeks": int(re.findall(r"(\d+) weeks? at", summary)[-1]),
        "plan_weeks": int(weeks),
        "finish": finish,
        "steps": steps,
    }


def _page_numbers(html: str) -> dict:
    match = HOURS.search(html)
    finish = re.search(r'finish around <time datetime="[\d-]+">(\d+ \w+ \d{4})</time>', html)
    return {"left": match.group(1), "weeks": int(match.group(3)), "finish": finish.group(1)}


def _calendar_numbers(ics: bytes) -> dict:
    events = Calendar.from_ical(ics).walk("VEVENT")
    end = max(event["DTEND"].dt for event in events)
    start = min(event["DTSTART"].dt for event in events)
    weeks = (end - start).days // 7
    hours = sum(
        Decimal(h)
        for event in events
        for h in re.findall(r"\(~(\d+(?:\.\d+)?) h\)", str(event["DESCRIPTION"]))
    )
    return {"weeks": weeks, "finish": f"{end.day} {end:%b %Y}", "hours": hours}


@pytest.mark.usefixtures("roadmap")
def test_builder_path_dashboard_and_calendar_agree_before_and_after_a_replan(auth_client, user):
    plan(auth_client, interests=["vision"], hours_per_week="4", project="on")
    built = _builder_numbers(auth_client.get(BUILDER).content.decode())
    save(auth_client)
    path = Path.objects.get(owner=user)

    page_html = auth_client.get(path.get_absolute_url()).content.decode()
    page = _page_numbers(page_html)
    board = _page_numbers(auth_client.get(reverse("learning:dashboard")).content.decode())
    ics = _calendar_numbers(
        auth_client.get(reverse("learning:path_calendar", args=[path.slug])).content
    )
    assert built["total"] == built["left"] == page["left"] == board["left"]
    assert str(ics["hours"].normalize()) == str(Decimal(built["total"]).normalize())
    assert built["weeks"] == built["plan_weeks"] == page["weeks"] == board["weeks"] == ics["weeks"]
    assert built["finish"] == page["finish"] == board["finish"] == ics["finish"]
    today = timezone.localdate()
    assert page["finish"] == f"{(today + datetime.timedelta(weeks=page['weeks'])):%-d %b %Y}"
    for slug, hours in built["steps"].items():  # each step: the same hours on the path page
        step = Step.objects.get(path=path, slug=slug)
        shown = re.search(
            rf'id="{step.anchor}".*?<small>~(\d+(?:\.\d+)?) h</small>', page_html, re.S
        ).group(1)
        assert Decimal(shown) == Decimal(hours), slug
    assert (
        len(
            Calendar.from_ical(
                auth_client.get(reverse("learning:path_calendar", args=[path.slug])).content
            ).walk("VEVENT")
        )
        == path.phases.count()
    )  # one event per week of the plan

    enrollment = Enrollment.objects.get(user=user, path=path)
    for step in Step.objects.filter(path=path).order_by("phase__position", "position")[:3]:
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    auth_client.get(BUILDER + f"?path={path.slug}")
    plan(auth_client, interests=["vision", "efficiency"], hours_per_week="4", project="on")
    replanned = _builder_numbers(auth_client.get(BUILDER).content.decode())
    save(auth_client)
    page = _page_numbers(auth_client.get(path.get_absolute_url()).content.decode())
    board = _page_numbers(auth_client.get(reverse("learning:dashboard")).content.decode())
    ics = _calendar_numbers(
        auth_client.get(reverse("learning:path_calendar", args=[path.slug])).content
    )
    assert replanned["left"] == page["left"] == board["left"]
    assert replanned["weeks"] == page["weeks"] == board["weeks"] == ics["weeks"]
    assert replanned["finish"] == page["finish"] == board["finish"] == ics["finish"]


@pytest.mark.usefixtures("roadmap")
def test_changing_the_pace_moves_the_weeks_everywhere(auth_client, user):
    plan(auth_client, hours_per_week="4")
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    auth_client.post(
        reverse("learning:enrollment_settings", args=[enrollment.pk]),
        {"depth": "deep", "hours_per_week": "10"},
    )
    page = _page_numbers(auth_client.get(path.get_absolute_url()).content.decode())
    assert page["weeks"] == weeks_for(Decimal(page["left"]), 10)
    assert path.phases.count() == len(
        Calendar.from_ical(
            auth_client.get(reverse("learning:path_calendar", args=[path.slug])).content
        ).walk("VEVENT")
    )
    auth_client.get(BUILDER + f"?path={path.slug}")
    rebuilt = _builder_numbers(auth_client.get(BUILDER).content.decode())
    assert (rebuilt["left"], rebuilt["weeks"]) == (page["left"], page["weeks"])
    assert "at Deep study" in auth_client.get(BUILDER).content.decode()


@pytest.mark.usefixtures("roadmap")
def test_a_curated_path_shows_the_same_weeks_on_its_page_and_the_dashboard(auth_client, user):
    auth_client.post(
        reverse("learning:path_start", args=["software-engineer"]),
        {"depth": "thorough", "hours_per_week": "3"},
    )
    page = _page_numbers(auth_client.get("/paths/software-engineer/").content.decode())
    board = _page_numbers(auth_client.get(reverse("learning:dashboard")).content.decode())
    assert page == board
    assert page["weeks"] == weeks_for(Decimal(page["left"]), 3)


def _shown_weeks(html: str) -> list[tuple[int, int]]:
    """The weeks the personal path's phases are named after: (first, last) of each."""
    weeks = []
    for first, last in re.findall(r'<h2 class="phase-title">Weeks? (\d+)(?:-(\d+))?:', html):
        weeks.append((int(first), int(last or first)))
    return weeks


def _agrees_with_itself(html: str) -> dict:
    """The path page's own numbers: the Time fact, the hours box, the phases' weeks and hours
    and the summary all tell the same story."""
    time_fact = Decimal(re.search(r"<dt>Time</dt><dd>(\d+(?:\.\d+)?) h at", html).group(1))
    box = dict(re.findall(r"<dt>(Quick pass|Thorough|Deep study)</dt><dd>([\d.]+) h</dd>", html))
    goals = [Decimal(h) for h in re.findall(r"<strong>Goal:</strong> About ([\d.]+) h", html)]
    weeks = _shown_weeks(html)
    summary = _page_numbers(html)
    assert abs(sum(goals) - time_fact) <= Decimal("0.1") * len(goals)
    assert weeks[-1][1] == summary["weeks"]  # nothing done yet: the last week is the last one
    assert [w[0] for w in weeks] == sorted(w[0] for w in weeks)
    return {"time": time_fact, "box": box, "weeks": summary["weeks"]}


@pytest.mark.usefixtures("roadmap")
def test_a_curator_changing_a_papers_hours_changes_every_number_on_the_path(auth_client, user):
    from papers.models import Paper

    plan(auth_client, hours_per_week="4")
    save(auth_client)
    path = Path.objects.get(owner=user)
    before = _agrees_with_itself(auth_client.get(path.get_absolute_url()).content.decode())
    Paper.objects.filter(slug="rag").update(hours_thorough=20)
    after = _agrees_with_itself(auth_client.get(path.get_absolute_url()).content.decode())
    assert after["time"] == before["time"] + 18
    assert Decimal(after["box"]["Thorough"]) == after["time"]
    assert after["weeks"] > before["weeks"]
    auth_client.get(BUILDER + f"?path={path.slug}")
    rebuilt = _builder_numbers(auth_client.get(BUILDER).content.decode())
    assert Decimal(rebuilt["total"]) == after["time"]
    assert rebuilt["weeks"] == after["weeks"]


@pytest.mark.usefixtures("roadmap")
def test_leaving_and_starting_again_at_another_pace_lays_the_weeks_out_anew(auth_client, user):
    plan(auth_client, hours_per_week="4")
    save(auth_client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    auth_client.post(reverse("learning:enrollment_leave", args=[enrollment.pk]))
    auth_client.post(
        reverse("learning:path_start", args=[path.slug]), {"depth": "deep", "hours_per_week": "20"}
    )
    html = auth_client.get(path.get_absolute_url()).content.decode()
    numbers = _agrees_with_itself(html)
    assert numbers["weeks"] == weeks_for(numbers["time"], 20)
    assert "at Deep study" in html
    stored = [p.label for p in path.phases.order_by("position")]
    assert stored == [f"Week {a}" if a == b else f"Weeks {a}-{b}" for a, b in _shown_weeks(html)]
