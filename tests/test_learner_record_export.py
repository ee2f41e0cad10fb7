"""The learner record's export: every part of a learner's data and nothing of anyone else's,
stable, at a fixed number of queries, and as Markdown."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import services
from learning.models import ChecklistTick, Path, ProgressEvent, Step, StepProgress
from learning.record import learner_export

from .factories import (
    ChecklistFactory,
    PaperFactory,
    PathFactory,
    PhaseFactory,
    StepFactory,
    steps_of,
)
from .learner_record_support import (
    exported,
    followed_path,
    learner_with_everything,
    other_learners_data,
)


@pytest.fixture
def learner(roadmap, make_user, client_for):
    return learner_with_everything(make_user, client_for)


def test_the_export_holds_every_part_and_nothing_of_another_learner(learner, other_user):
    deep, quick = followed_path(learner, "deep"), followed_path(learner, "quick")
    other_learners_data(other_user, deep)
    document = exported(learner)

    assert (document["format"], document["format_version"]) == ("learning-roadmap-learner", 2)
    assert document["account"]["display_name"] == "Ada"
    assert document["account"]["emails"] == [
        {"email": "ada@example.com", "verified": True, "primary": True},
        {"email": "ada.work@example.com", "verified": False, "primary": False},
    ]
    by_path = {e["path"]: e for e in document["enrollments"]}
    personal = Path.objects.get(owner=learner)
    assert set(by_path) == {deep.slug, quick.slug, personal.slug}
    engineer = by_path[deep.slug]
    assert (engineer["depth"], engineer["hours_per_week"], engineer["shared"]) == ("deep", 6, False)
    assert engineer["updated_at"]
    assert "share_token" not in json.dumps(document)

    progress = {(p["path"], p["step"]): p for p in document["progress"]}
    steps = steps_of(deep)
    first = progress[(deep.slug, steps[0].slug)]
    assert (first["status"], first["note"]) == ("done", "Attention is **all**.")
    assert first["phase"] == str(steps[0].phase)
    assert progress[(deep.slug, steps[2].slug)]["archived"] is True
    assert progress[(personal.slug, "rag")]["archived"] is True
    assert progress[(personal.slug, "lora")]["note"] == "LoRA: *low rank*"

    events = [(e["path"], e["step"], e["status"]) for e in document["events"]]
    assert (deep.slug, steps[2].slug, "skipped") in events
    assert (personal.slug, "rag", "in_progress") in events
    assert [e["created_at"] for e in document["events"]] == sorted(
        e["created_at"] for e in document["events"]
    )
    ticked = [tick.item for tick in ChecklistTick.objects.filter(user=learner)]
    assert len(ticked) == 2
    assert {(t["checklist"], t["item"]) for t in document["checklists"]} == {
        (i.checklist.slug, i.slug) for i in ticked
    }

    [made] = document["personal_paths"]
    assert (made["slug"], made["title"]) == (personal.slug, personal.title)
    assert made["answers"] == personal.builder_answers
    assert made["answers"]["background"] == "engineer"
    assert made["edits"] == {"added": [], "removed": ["rag"], "reordered": False}
    on_plan = list(
        Step.objects.filter(path=personal, archived=False).order_by("phase__position", "position")
    )
    assert [s["slug"] for s in made["steps"]] == [s.slug for s in on_plan] + ["rag"]
    assert made["steps"][-1]["archived"] is True
    lora = next(s for s in made["steps"] if s["slug"] == "lora")
    assert lora["papers"] == ["lora"]
    assert lora["body"] == Step.objects.get(path=personal, slug="lora").body
    assert lora["reason"]

    text = json.dumps(document)
    assert "someone else's secret" not in text
    assert "someone.else" not in text
    assert len(document["progress"]) == StepProgress.objects.filter(user=learner).count()
    assert len(document["events"]) == ProgressEvent.objects.filter(user=learner).count()


def test_two_exports_of_the_same_data_differ_only_in_their_time(learner):
    first, second = exported(learner), exported(learner)
    del first["exported_at"], second["exported_at"]
    assert first == second


def test_the_export_query_count_is_pinned_at_two_data_sizes(make_user):
    paths = [PathFactory(phase_sizes=[10, 10]) for _ in range(2)]
    items = list(ChecklistFactory(items=10).items.all())
    papers = PaperFactory.create_batch(3)

    def grow(user, size: int) -> None:
        for path in paths:
            enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
            for step in steps_of(path)[: 2 * size]:
                services.step_progress_set(enrollment=enrollment, step=step, status="done")
                services.step_note_set(enrollment=enrollment, step=step, note="a note")
        for item in items[:size]:
            services.checklist_tick_set(user=user, item=item, ticked=True)
        for index in range(size):
            EmailAddress.objects.create(user=user, email=f"{user.pk}-{index}@example.com")
        for _ in range(size):
            week = PhaseFactory(path=PathFactory(owner=user, title="Mine"))
            for paper in papers:
                StepFactory(phase=week, slug=paper.slug, title="A step", papers=[paper])

    def count(user) -> int:
        with CaptureQueriesContext(connection) as queries:
            learner_export(user=user)
        return len(queries)

    small, large = make_user(), make_user()
    grow(small, 1)
    grow(large, 10)
    assert len(exported(large)["progress"]) > len(exported(small)["progress"])
    assert count(small) == count(large) == 9  # 8, and study groups (issue 15)


def test_markdown_export_lists_personal_paths_and_the_step_records(learner, client_for):
    markdown = client_for(learner).get(reverse("account_export_markdown")).content.decode()
    personal = Path.objects.get(owner=learner)
    assert f"### {personal.title} ({personal.slug})" in markdown
    assert "(removed from the plan)" in markdown
    assert "Attention is **all**." in markdown
    assert "(archived)" in markdown
