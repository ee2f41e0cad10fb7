"""Importing a learner record: a round trip restores everything, importing again changes
nothing, a dry run writes nothing, newest wins, and what has no place here is reported."""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from learning import services
from learning.models import ChecklistTick, Enrollment, Path, Step, StepProgress, StepStatus
from learning.record import learner_import, parse_record

from .factories import ChecklistItemFactory, StepProgressFactory, steps_of
from .learner_record_support import (
    exported,
    followed_path,
    learner_with_everything,
    normalised,
    state,
)


@pytest.fixture
def learner(roadmap, make_user, client_for):
    return learner_with_everything(make_user, client_for)


def test_round_trip_into_a_new_account_restores_everything(learner, make_user, client_for):
    document = exported(learner)
    newcomer = make_user("newcomer@example.com")

    report = learner_import(user=newcomer, document=document, dry_run=False)

    assert report.tallies["personal_paths"].created == 1
    assert report.tallies["progress"].created == len(document["progress"])
    assert report.tallies["events"].created == len(document["events"])
    assert report.tallies["enrollments"].created == 3
    assert report.tallies["checklists"].created == 2
    assert report.not_placed == []
    assert any("ada.work@example.com" in note for note in report.notes)  # never imported
    again = exported(newcomer)
    mine, theirs = Path.objects.get(owner=newcomer), Path.objects.get(owner=learner)
    assert mine.slug != theirs.slug
    assert mine.imported_from == theirs.slug
    assert normalised(again) == normalised(document)
    note = StepProgress.objects.get(user=newcomer, step__path=mine, step__slug="lora")
    assert "<em>low rank</em>" in note.note_html
    newcomer.refresh_from_db()
    assert newcomer.display_name == "Ada"
    assert EmailAddress.objects.filter(user=newcomer).count() == 0
    # the restored path has weeks like the original, and keeps no history
    assert [str(p) for p in mine.phases.order_by("position")] == [
        str(p) for p in theirs.phases.order_by("position")
    ]
    assert not Step.history.filter(path_id=mine.pk).exists()
    assert not Path.history.filter(id=mine.pk).exists()
    # the builder finds it like one it saved itself
    response = client_for(newcomer).get(mine.get_absolute_url())
    assert response.status_code == 200
    assert "LoRA: <em>low rank</em>" in response.content.decode()


def test_importing_twice_changes_nothing_the_second_time(learner, make_user):
    document = exported(learner)
    newcomer = make_user()
    learner_import(user=newcomer, document=document, dry_run=False)
    before = state(newcomer)

    report = learner_import(user=newcomer, document=document, dry_run=False)

    assert report.changes == 0
    assert report.kept > 0
    assert state(newcomer) == before


def test_importing_into_the_exporting_account_changes_nothing(learner):
    document = exported(learner)
    before = state(learner)
    report = learner_import(user=learner, document=document, dry_run=False)
    assert (report.changes, report.not_placed) == (0, [])
    assert report.tallies["progress"].kept == len(document["progress"])
    assert report.tallies["personal_paths"].kept == 1
    assert state(learner) == before


def test_a_dry_run_writes_nothing_and_reports_what_the_import_does(learner, make_user):
    document = exported(learner)
    newcomer = make_user()
    before = state(newcomer)

    dry = learner_import(user=newcomer, document=document, dry_run=True)

    assert state(newcomer) == before
    real = learner_import(user=newcomer, document=document, dry_run=False)
    assert (dry.rows, dry.not_placed, dry.notes) == (real.rows, real.not_placed, real.notes)
    assert dry.created > 0
    assert "would" in dry.summary()


def test_newest_wins_and_the_report_says_so(user, enrollment, steps):
    older, newer = steps[:2]
    StepProgressFactory(enrollment=enrollment, step=older, status="in_progress")
    StepProgressFactory(enrollment=enrollment, step=newer, status="in_progress")
    document = exported(user)
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    for entry in document["progress"]:
        entry["status"], entry["note"] = "done", "from the file"
        if entry["step"] == older.slug:
            entry["updated_at"] = tomorrow  # the file is newer for this one
    services.step_note_set(enrollment=enrollment, step=newer, note="written since the export")

    report = learner_import(user=user, document=document, dry_run=False)

    taken = StepProgress.objects.get(user=user, step=older)
    assert (taken.status, taken.note, taken.updated_at.isoformat()) == (
        StepStatus.DONE,
        "from the file",
        tomorrow,
    )
    assert taken.note_html == "<p>from the file</p>"
    kept = StepProgress.objects.get(user=user, step=newer)
    assert (kept.status, kept.note) == (StepStatus.IN_PROGRESS, "written since the export")
    assert (report.tallies["progress"].updated, report.tallies["progress"].kept) == (1, 1)
    notes = " ".join(report.notes)
    assert f"Kept your newer local progress on 1 step: “{newer.title}”" in notes
    assert f"Took the file's newer progress on 1 step: “{older.title}”" in notes


def test_a_newer_enrollment_in_the_file_takes_its_depth_and_pace_an_older_one_does_not(
    user, enrollment
):
    document = exported(user)
    [entry] = document["enrollments"]
    entry.update(depth="deep", hours_per_week=9, status="paused", shared=True)

    report = learner_import(user=user, document=document, dry_run=False)  # same time: kept
    enrollment.refresh_from_db()
    assert (enrollment.depth, report.tallies["enrollments"].kept) == ("thorough", 1)
    assert enrollment.share_token is None  # sharing is never restored
    assert any("turn it on again" in note for note in report.notes)

    entry["updated_at"] = (enrollment.updated_at + datetime.timedelta(seconds=1)).isoformat()
    report = learner_import(user=user, document=document, dry_run=False)
    enrollment.refresh_from_db()
    assert (enrollment.depth, enrollment.hours_per_week, enrollment.status) == ("deep", 9, "paused")
    assert report.tallies["enrollments"].updated == 1


def test_unknown_paths_steps_and_items_are_reported_and_everything_else_imported(
    learner, other_user
):
    document = exported(learner)
    deep = followed_path(learner, "deep")
    step = steps_of(deep)[0]
    document["enrollments"].append(
        {**document["enrollments"][0], "path": "no-such-path", "path_title": "Gone"}
    )
    noted = next(p for p in document["progress"] if p["path"] == deep.slug and p["note"])
    document["progress"] += [
        {**noted, "path": "no-such-path", "step": "x", "step_title": "Lost"},
        {**noted, "step": "no-such-step", "step_title": "Vanished"},
    ]
    document["events"].append({**document["events"][0], "step": "no-such-step"})
    document["checklists"].append({**document["checklists"][0], "item": "no-such-item"})
    document["personal_paths"][0]["steps"][0]["papers"].append("no-such-paper")
    document["personal_paths"][0]["steps"][0]["slug"] = "renamed-step"

    report = learner_import(user=other_user, document=document, dry_run=False)

    lines = "\n".join(report.not_placed)
    assert "You followed “Gone” (no-such-path): there is no such path here." in lines
    assert "“Lost” (no-such-path/x), Done, with a note: there is no path “no-such-path” here." in (
        lines
    )
    assert f"“Vanished” ({deep.slug}/no-such-step)" in lines
    assert f"1 history entry for {deep.slug}/no-such-step" in lines
    assert "no-such-item" in lines
    assert "Paper “no-such-paper”" in lines
    assert len(report.not_placed) == 6
    assert Enrollment.objects.filter(user=other_user).count() == 3
    assert StepProgress.objects.get(user=other_user, step=step).note == "Attention is **all**."
    assert ChecklistTick.objects.filter(user=other_user).count() == 2
    assert Step.objects.filter(path__owner=other_user, slug="renamed-step").exists()


def test_a_version_1_file_is_imported(user, path, steps):
    step = steps[0]
    item = ChecklistItemFactory()
    version_1 = {
        "format": "learning-roadmap-learner/1",
        "exported_at": "2025-01-01T00:00:00+00:00",
        "account": {"email": "old@example.com", "display_name": "", "joined": None},
        "enrollments": [
            {
                "path": path.slug,
                "path_title": path.title,
                "depth": "quick",
                "hours_per_week": None,
                "status": "active",
                "started_at": "2025-01-01T00:00:00+00:00",
                "completed_at": None,
                "shared": False,
            }
        ],
        "steps": [
            {
                "path": path.slug,
                "phase": str(step.phase),
                "step": step.slug,
                "step_title": str(step),
                "archived": False,
                "status": "done",
                "note": "old note",
                "started_at": "2025-01-02T00:00:00Z",
                "completed_at": "2025-01-02T00:00:00Z",
                "updated_at": "2025-01-02T00:00:00Z",
            }
        ],
        "checklists": [
            {"checklist": item.checklist.title, "item": item.text, "ticked_at": "2025-01-03T00:00Z"}
        ],
    }
    report = learner_import(user=user, document=parse_record(json.dumps(version_1)), dry_run=False)
    assert report.not_placed == []
    progress = StepProgress.objects.get(user=user, step=step)
    assert (progress.status, progress.note, progress.updated_at.year) == ("done", "old note", 2025)
    assert ChecklistTick.objects.get(user=user).item == item
    assert Enrollment.objects.get(user=user).depth == "quick"
