"""Numbered steps keep their numbers in the order curators give them, and read unambiguously."""

import pytest
from django.db.models import F
from django.urls import reverse

from learning import services
from learning.models import Path, Phase, Step

pytestmark = pytest.mark.usefixtures("roadmap")


def numbered(phase: Phase) -> list[tuple[str, str]]:
    steps = Step.objects.current().filter(phase=phase).order_by("position")
    return [(s.label, s.slug) for s in steps]


@pytest.fixture
def sprint():
    """The first sprint of the Software Engineer path: numbered steps 1, 2, 3…"""
    path = Path.objects.get(slug="software-engineer")
    phase = path.phases.order_by("position").first()
    labels = [label for label, _ in numbered(phase)]
    assert labels == [str(n) for n in range(1, len(labels) + 1)]
    return phase


def test_reordering_renumbers_the_steps_in_their_new_order(sprint):
    steps = list(Step.objects.filter(phase=sprint).order_by("position"))
    last = steps[-1]
    Step.objects.filter(phase=sprint).update(position=F("position") + 1)
    last.position = 0  # dragged to the top
    last.save()
    after = numbered(sprint)
    assert after[0] == ("1", last.slug)
    assert [label for label, _ in after] == [str(n) for n in range(1, len(steps) + 1)]


def test_moving_a_step_to_another_phase_renumbers_both(sprint):
    other = sprint.path.phases.order_by("position")[1]
    moved = Step.objects.filter(phase=sprint).order_by("position").first()
    moved.phase = other
    moved.position = 999
    moved.save()
    for phase in (sprint, other):
        labels = [label for label, _ in numbered(phase)]
        assert labels == [str(n) for n in range(1, len(labels) + 1)]
    assert numbered(other)[-1] == (str(len(numbered(other))), moved.slug)


def test_next_and_continue_name_the_phase_of_a_numbered_step(auth_client, user, sprint):
    path = sprint.path
    enrollment, _ = services.enrollment_create(user=user, path=path, depth="quick")
    for step in Step.objects.current().filter(phase=sprint):
        services.step_progress_set(enrollment=enrollment, step=step, status="done")
    nxt = Step.objects.current().filter(path=path).exclude(phase=sprint)
    nxt = nxt.order_by("phase__position", "position").first()
    expected = f"{nxt.phase.label} · Step {nxt.label}: {nxt.title}"
    assert f"Next: {expected}" in auth_client.get(path.get_absolute_url()).content.decode()
    dashboard = auth_client.get(reverse("learning:dashboard")).content.decode()
    assert f"Continue: {expected}" in dashboard


def test_steps_labelled_otherwise_keep_their_label(roadmap):
    step = Step.objects.filter(path__slug="complete-beginner").order_by("pk").first()
    label = step.label
    assert not label.isdigit()
    step.position += 10
    step.save()
    step.refresh_from_db()
    assert step.label == label
    assert step.display_name == f"{label}: {step.title}"
