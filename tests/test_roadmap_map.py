"""The roadmap map on a path page: a node per step, in order, each a link to its step, its status
shown by shape and glyph (not by colour alone), the next step ringed, redrawn after a status
change made with htmx."""

import re
from types import SimpleNamespace

import pytest

from learning import services
from learning.models import Path
from learning.roadmap_map import PER_ROW, path_map

from .test_builder import plan, save

pytestmark = pytest.mark.django_db


def fake_state(phase_sizes, statuses=None, next_index=None):
    """A PathState's shape, as much of it as the layout reads."""
    statuses = list(statuses or [])
    phases, number = [], 0
    for p, size in enumerate(phase_sizes):
        steps = []
        for _ in range(size):
            status = statuses[number] if number < len(statuses) else "not_started"
            steps.append(
                SimpleNamespace(
                    step=SimpleNamespace(anchor=f"step-s{number}", title=f"Step title {number}"),
                    status=status,
                    status_label=status.replace("_", " ").capitalize(),
                    is_next=number == next_index,
                )
            )
            number += 1
        phases.append(
            SimpleNamespace(
                label=f"Week {p + 1}", phase=SimpleNamespace(title=f"P{p}"), steps=steps
            )
        )
    return SimpleNamespace(phases=phases)


def test_nodes_follow_the_steps_in_order_phase_by_phase():
    laid = path_map(fake_state([3, 2]), show_status=True)
    assert [n.number for n in laid.nodes] == [1, 2, 3, 4, 5]
    assert [n.anchor for n in laid.nodes] == [f"step-s{i}" for i in range(5)]
    first, second = laid.stages
    assert first.label == "Week 1: P0"
    # A phase's steps are left to right on one row; the next phase is a stage further down.
    assert laid.nodes[0].y == laid.nodes[2].y
    assert laid.nodes[0].x < laid.nodes[1].x
    assert laid.nodes[3].y > laid.nodes[2].y
    assert second.top > first.top
    assert laid.nodes[-1].y < laid.height <= second.top + second.height + 20


def test_a_long_phase_wraps_and_every_node_stays_inside_the_picture():
    laid = path_map(fake_state([PER_ROW + 2]), show_status=False)
    rows = sorted({n.y for n in laid.nodes})
    assert len(rows) == 2
    assert all(0 < n.x < laid.width and 0 < n.y < laid.height for n in laid.nodes)
    assert laid.road.startswith(f"M{laid.nodes[0].x:.1f},{laid.nodes[0].y:.1f}")
    assert laid.road.count("V") == 2  # down to the second row, and into it


def test_statuses_have_shapes_and_glyphs_and_the_next_step_is_named():
    laid = path_map(
        fake_state([4], ["done", "in_progress", "skipped", "not_started"], 3), show_status=True
    )
    shapes = [n.shape for n in laid.nodes]
    assert shapes == ["map-done", "map-in-progress", "map-skipped", "map-not-started"]
    assert [n.glyph for n in laid.nodes] == ["✓", "", "\N{EN DASH}", ""]
    assert laid.nodes[1].half.startswith("M")
    assert laid.next_node.number == 4
    assert laid.nodes[0].title == "Step 1: Step title 0 — Done"
    assert laid.nodes[3].title == "Step 4: Step title 3 — Not started (next)"
    assert "Done: 1" in laid.description
    assert "Next: step 4." in laid.description


def test_without_statuses_the_nodes_are_plain():
    laid = path_map(fake_state([2], ["done"], 1), show_status=False)
    assert {n.shape for n in laid.nodes} == {"map-plain"}
    assert laid.next_node is None
    assert laid.nodes[0].title == "Step 1: Step title 0"


def test_an_empty_path_has_a_map_of_no_steps():
    laid = path_map(fake_state([]), show_status=True)
    assert laid.nodes == []
    assert laid.stages == []
    assert laid.height > 0


def map_of(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section id="path-map".*?</section>', html, re.S)
    assert match, "no map on the page"
    return match.group(0)


def test_the_path_page_has_one_link_per_step_and_shapes_for_statuses(
    auth_client, path, steps, enrollment
):
    services.step_progress_set(enrollment=enrollment, step=steps[0], status="done")
    services.step_progress_set(enrollment=enrollment, step=steps[1], status="skipped")
    services.step_progress_set(enrollment=enrollment, step=steps[2], status="in_progress")
    drawn = map_of(auth_client.get(path.get_absolute_url()))
    links = re.findall(r'<a href="#(step-[^"]+)" class="map-node ([^"]+)"', drawn)
    assert [anchor for anchor, _ in links] == [step.anchor for step in steps]
    classes = [cls for _, cls in links]
    assert classes[:4] == [
        "map-done",
        "map-skipped",
        "map-in-progress map-next",  # the first step not finished
        "map-not-started",
    ]
    assert 'aria-labelledby="path-map-svg-title' in drawn
    assert "<desc" in drawn
    assert "viewBox=" in drawn
    assert f"<title>Step 1: {steps[0].title} — Done</title>" in drawn
    assert "✓" in drawn
    assert 'class="map-half"' in drawn
    assert ">Next</text>" in drawn
    assert '<strong class="map-percent">20%</strong>' in drawn
    assert " h left" in drawn


def test_an_anonymous_visitor_sees_the_map_without_statuses(client, path, steps):
    drawn = map_of(client.get(path.get_absolute_url()))
    assert drawn.count('class="map-node map-plain"') == len(steps)
    assert "map-done" not in drawn
    assert ">Next</text>" not in drawn
    assert "map-percent" not in drawn


def test_a_status_changed_with_htmx_redraws_the_map_out_of_band(
    auth_client, path, steps, enrollment
):
    auth_client.get(path.get_absolute_url())  # the page kept for this learner version
    response = auth_client.post(
        f"/steps/{steps[0].pk}/status/", {"status": "done"}, headers={"HX-Request": "true"}
    )
    drawn = map_of(response)
    assert 'data-hx-swap-oob="true"' in drawn.split(">", 1)[0]
    assert f'<a href="#{steps[0].anchor}" class="map-node map-done">' in drawn
    assert f'<a href="#{steps[1].anchor}" class="map-node map-not-started map-next">' in drawn


def test_a_personal_path_has_its_map(auth_client, user, roadmap):
    plan(auth_client)
    save(auth_client)
    personal = Path.objects.get(owner=user)
    drawn = map_of(auth_client.get(personal.get_absolute_url()))
    assert drawn.count('class="map-node') == personal.steps.filter(archived=False).count()
