"""The learner record: export everything a learner made, import it back (dry run first, newest
wins, all or nothing), and the pages that do it."""

import copy
import datetime
import json
import threading

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import (
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    Path,
    Phase,
    ProgressEvent,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from learning.record import (
    RecordError,
    learner_export,
    learner_import,
    parse_record,
)
from papers.models import Paper
from tests.test_builder import BUILDER
from tests.test_builder import plan as builder_plan
from tests.test_builder import save as builder_save

pytestmark = pytest.mark.usefixtures("roadmap")

# --- Helpers ---------------------------------------------------------------------------------


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def curated_steps(slug: str) -> list[Step]:
    return list(Step.objects.filter(path__slug=slug).order_by("phase__position", "position"))


def personal_path_with_a_removed_step(user) -> Path:
    """A personal path made with the builder, with progress on two steps, one of them then
    removed from the plan (archived with its record)."""
    client = logged_in(user)
    builder_plan(client)
    assert builder_save(client).status_code == 302
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    lora = Step.objects.get(path=path, slug="lora")
    rag = Step.objects.get(path=path, slug="rag")
    services.step_progress_set(enrollment=enrollment, step=lora, status="done")
    services.step_note_set(enrollment=enrollment, step=lora, note="LoRA: *low rank*")
    services.step_progress_set(enrollment=enrollment, step=rag, status="in_progress")
    client.get(BUILDER + f"?path={path.slug}")
    client.post(BUILDER, {"action": "remove", "key": "rag"})
    assert builder_save(client, confirm="yes").status_code == 302
    assert Step.objects.get(pk=rag.pk).archived
    return path


@pytest.fixture
def learner(make_user):
    """Learner A with a bit of everything: two curated paths with statuses and notes, a
    curated step later archived, checklist ticks, a second email address and a personal path
    with one step removed from the plan."""
    user = make_user("ada@example.com", display_name="Ada")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="ada.work@example.com", verified=False)
    engineer = services.enrollment_create(
        user=user, path=Path.objects.get(slug="software-engineer"), depth="deep", hours_per_week=6
    )[0]
    beginner = services.enrollment_create(
        user=user, path=Path.objects.get(slug="complete-beginner"), depth="quick"
    )[0]
    steps = curated_steps("software-engineer")
    services.step_progress_set(enrollment=engineer, step=steps[0], status="done")
    services.step_note_set(enrollment=engineer, step=steps[0], note="Attention is **all**.")
    services.step_progress_set(enrollment=engineer, step=steps[1], status="in_progress")
    services.step_progress_set(enrollment=engineer, step=steps[2], status="skipped")
    services.step_note_set(enrollment=engineer, step=steps[3], note="only a note")
    services.step_progress_set(
        enrollment=beginner, step=curated_steps("complete-beginner")[0], status="done"
    )
    services.steps_set_archived(steps=[steps[2]], archived=True)  # its record must survive
    for item in ChecklistItem.objects.order_by("pk")[:2]:
        services.checklist_tick_set(user=user, item=item, ticked=True)
    personal_path_with_a_removed_step(user)
    return user


def other_learners_data(user) -> None:
    enrollment = services.enrollment_create(
        user=user, path=Path.objects.get(slug="software-engineer"), depth="thorough"
    )[0]
    step = curated_steps("software-engineer")[0]
    services.step_progress_set(enrollment=enrollment, step=step, status="skipped")
    services.step_note_set(enrollment=enrollment, step=step, note="someone else's secret")
    services.checklist_tick_set(user=user, item=ChecklistItem.objects.last(), ticked=True)
    EmailAddress.objects.create(user=user, email="someone.else.work@example.com", verified=True)


def as_file(document: dict) -> dict:
    """The document as it comes back from a JSON file."""
    return json.loads(json.dumps(document))


def exported(user) -> dict:
    return as_file(learner_export(user=user))


def normalised(document: dict) -> dict:
    """Everything but the export time and the account, with personal paths' slugs replaced by
    their place in the list (an import gives them new slugs)."""
    document = copy.deepcopy(document)
    del document["exported_at"], document["account"]
    names = {p["slug"]: f"personal-{i}" for i, p in enumerate(document["personal_paths"])}
    for part in ("enrollments", "progress", "events"):
        for entry in document[part]:
            entry["path"] = names.get(entry["path"], entry["path"])
    for personal in document["personal_paths"]:
        personal["slug"] = names[personal["slug"]]
    return document


def all_rows() -> dict:
    """How many rows of every kind the import writes, across all learners."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Enrollment,
            StepProgress,
            ProgressEvent,
            ChecklistTick,
            Path,
            Phase,
            Step,
            StepPaper,
        )
    }


def state(user) -> dict:
    """A learner's data as the export shows it, plus the rows behind it."""
    document = exported(user)
    del document["exported_at"]
    return {"document": document, "rows": all_rows()}


# --- Export -----------------------------------------------------------------------------------


def test_the_export_holds_every_part_and_nothing_of_another_learner(learner, other_user):
    other_learners_data(other_user)
    document = exported(learner)

    assert (document["format"], document["format_version"]) == ("learning-roadmap-learner", 2)
    assert document["account"]["display_name"] == "Ada"
    assert document["account"]["emails"] == [
        {"email": "ada@example.com", "verified": True, "primary": True},
        {"email": "ada.work@example.com", "verified": False, "primary": False},
    ]
    by_path = {e["path"]: e for e in document["enrollments"]}
    personal = Path.objects.get(owner=learner)
    assert set(by_path) == {"software-engineer", "complete-beginner", personal.slug}
    engineer = by_path["software-engineer"]
    assert (engineer["depth"], engineer["hours_per_week"], engineer["shared"]) == ("deep", 6, False)
    assert engineer["updated_at"]
    assert "share_token" not in json.dumps(document)

    progress = {(p["path"], p["step"]): p for p in document["progress"]}
    steps = curated_steps("software-engineer")
    first = progress[("software-engineer", steps[0].slug)]
    assert (first["status"], first["note"]) == ("done", "Attention is **all**.")
    assert first["phase"] == str(steps[0].phase)
    assert progress[("software-engineer", steps[2].slug)]["archived"] is True
    assert progress[(personal.slug, "rag")]["archived"] is True
    assert progress[(personal.slug, "lora")]["note"] == "LoRA: *low rank*"

    events = [(e["path"], e["step"], e["status"]) for e in document["events"]]
    assert ("software-engineer", steps[2].slug, "skipped") in events
    assert (personal.slug, "rag", "in_progress") in events
    assert [e["created_at"] for e in document["events"]] == sorted(
        e["created_at"] for e in document["events"]
    )
    ticked = ChecklistItem.objects.order_by("pk")[:2]
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
    def grow(user, size: int) -> None:
        paths = list(Path.objects.curated().order_by("number"))
        for path in paths[:2]:
            enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
            for step in Step.objects.filter(path=path).order_by("pk")[: 2 * size]:
                services.step_progress_set(enrollment=enrollment, step=step, status="done")
                services.step_note_set(enrollment=enrollment, step=step, note="a note")
        for item in ChecklistItem.objects.order_by("pk")[:size]:
            services.checklist_tick_set(user=user, item=item, ticked=True)
        for index in range(size):
            EmailAddress.objects.create(user=user, email=f"{user.pk}-{index}@example.com")
        papers = list(Paper.objects.order_by("number")[:3])
        for index in range(size):
            personal = Path.objects.create(
                owner=user,
                slug=f"my-{user.pk}-{index}",
                title="Mine",
                audience="Personal path",
                audience_key="engineer",
                goal="",
                prerequisites="",
                time_estimate="",
                hours_quick=0,
                hours_thorough=0,
                hours_deep=0,
            )
            week = Phase.objects.create(path=personal, slug="week-1", label="Week 1", title="")
            for position, paper in enumerate(papers):
                step = Step.objects.create(
                    path=personal, phase=week, slug=paper.slug, position=position, title="A step"
                )
                StepPaper.objects.create(step=step, paper=paper)

    def count(user) -> int:
        with CaptureQueriesContext(connection) as queries:
            learner_export(user=user)
        return len(queries)

    small, large = make_user(), make_user()
    grow(small, 1)
    grow(large, 10)
    assert len(exported(large)["progress"]) > len(exported(small)["progress"])
    assert count(small) == count(large) == 8


def test_markdown_export_lists_personal_paths_and_the_step_records(learner):
    client = logged_in(learner)
    markdown = client.get(reverse("account_export_markdown")).content.decode()
    personal = Path.objects.get(owner=learner)
    assert f"### {personal.title} ({personal.slug})" in markdown
    assert "(removed from the plan)" in markdown
    assert "Attention is **all**." in markdown
    assert "(archived)" in markdown


# --- Import -----------------------------------------------------------------------------------


def test_round_trip_into_a_new_account_restores_everything(learner, make_user):
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
    response = logged_in(newcomer).get(mine.get_absolute_url())
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


def test_newest_wins_and_the_report_says_so(user, make_user):
    path = Path.objects.get(slug="software-engineer")
    enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
    older, newer = curated_steps("software-engineer")[:2]
    services.step_progress_set(enrollment=enrollment, step=older, status="in_progress")
    services.step_progress_set(enrollment=enrollment, step=newer, status="in_progress")
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


def test_a_newer_enrollment_in_the_file_takes_its_depth_and_pace_an_older_one_does_not(user):
    path = Path.objects.get(slug="software-engineer")
    enrollment = services.enrollment_create(user=user, path=path, depth="thorough")[0]
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
    step = curated_steps("software-engineer")[0]
    document["enrollments"].append(
        {**document["enrollments"][0], "path": "no-such-path", "path_title": "Gone"}
    )
    noted = next(p for p in document["progress"] if p["path"] == "software-engineer" and p["note"])
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
    assert "“Vanished” (software-engineer/no-such-step)" in lines
    assert "1 history entry for software-engineer/no-such-step" in lines
    assert "no-such-item" in lines
    assert "Paper “no-such-paper”" in lines
    assert len(report.not_placed) == 6
    assert Enrollment.objects.filter(user=other_user).count() == 3
    assert StepProgress.objects.get(user=other_user, step=step).note == "Attention is **all**."
    assert ChecklistTick.objects.filter(user=other_user).count() == 2
    assert Step.objects.filter(path__owner=other_user, slug="renamed-step").exists()


def test_a_version_1_file_is_imported(user):
    step = curated_steps("software-engineer")[0]
    item = ChecklistItem.objects.select_related("checklist").first()
    version_1 = {
        "format": "learning-roadmap-learner/1",
        "exported_at": "2025-01-01T00:00:00+00:00",
        "account": {"email": "old@example.com", "display_name": "", "joined": None},
        "enrollments": [
            {
                "path": "software-engineer",
                "path_title": "Software Engineer",
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
                "path": "software-engineer",
                "phase": "Week 1: …",
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


def _break_last_progress(**changes):
    def breaker(document):
        document["progress"][-1].update(changes)
        return json.dumps(document)

    return breaker


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_break_last_progress(status="finished"), "“status” must be one of not_started"),
        (_break_last_progress(note="a\x00b"), "NUL character"),
        (_break_last_progress(note="x" * 20_001), "“note” is 20,001 characters long"),
        (_break_last_progress(updated_at="yesterday"), "must be an ISO-8601 date and time"),
        (_break_last_progress(updated_at="2025-01-01T10:00:00"), "needs a time zone"),
        (lambda d: json.dumps({**d, "format_version": 3}), "Format version 3 is not known"),
        (lambda d: json.dumps({**d, "format": "something-else"}), "not a learner record"),
        (lambda d: json.dumps(d)[:-1], "not valid JSON"),
        (lambda d: "[1, 2]", "must be one JSON object"),
        (
            lambda d: json.dumps({**d, "padding": "x" * (2 * 1024 * 1024)}),
            "a learner record can be at most 2 MB",
        ),
        (
            lambda d: json.dumps({**d, "progress": [*d["progress"], d["progress"][0]]}),
            "is listed 2 times",
        ),
        (
            lambda d: json.dumps({**d, "events": [{"step": 3}] * 3}),
            "Entry 3 of “events”",
        ),
    ],
)
def test_an_invalid_file_is_refused_whole_and_writes_nothing(learner, make_user, spoil, message):
    newcomer = make_user()
    text = spoil(exported(learner))
    before = state(newcomer)

    with pytest.raises(RecordError) as refused:
        parse_record(text)
    assert message in " ".join(refused.value.messages)
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict) and len(text) < 2 * 1024 * 1024:
        with pytest.raises(RecordError):  # the import itself checks too
            learner_import(user=newcomer, document=document, dry_run=False)
    assert state(newcomer) == before


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_file_take_turns(roadmap, make_user):
    document = exported(
        # the fixture's learner, made here: a transactional test has no rolled-back fixtures
        _learner_for_threads(make_user)
    )
    newcomer = make_user("twice@example.com")
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def press_import():
        try:
            barrier.wait()
            learner_import(user=newcomer, document=document, dry_run=False)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_import) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Path.objects.filter(owner=newcomer).count() == 1
    assert StepProgress.objects.filter(user=newcomer).count() == len(document["progress"])
    assert ProgressEvent.objects.filter(user=newcomer).count() == len(document["events"])
    assert normalised(exported(newcomer)) == normalised(document)


def _learner_for_threads(make_user):
    user = make_user("threads@example.com")
    personal_path_with_a_removed_step(user)
    enrollment = services.enrollment_create(
        user=user, path=Path.objects.get(slug="software-engineer"), depth="thorough"
    )[0]
    services.step_note_set(
        enrollment=enrollment, step=curated_steps("software-engineer")[0], note="n"
    )
    return user


def test_every_problem_is_listed(learner):
    document = exported(learner)
    document["progress"][0]["status"] = "finished"
    document["enrollments"][0]["depth"] = "bottomless"
    document["checklists"][0]["ticked_at"] = 12
    with pytest.raises(RecordError) as refused:
        parse_record(json.dumps(document))
    assert len(refused.value.messages) == 3


# --- Pages ------------------------------------------------------------------------------------


def upload(client, text: str | bytes, name: str = "record.json"):
    content = text.encode() if isinstance(text, str) else text
    file = SimpleUploadedFile(name, content, content_type="application/json")
    return client.post(reverse("account_import"), {"record": file})


def test_the_data_page_offers_export_and_import_with_labels(auth_client):
    html = auth_client.get(reverse("account_data")).content.decode()
    assert "history of your status changes" in html
    assert '<label for="id_record">Learner record (.json)</label>' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Check this file" in html
    assert reverse("account_record_format") in html
    format_page = auth_client.get(reverse("account_record_format"))
    assert "format_version" in format_page.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    for name in ("account_data", "account_export_json", "account_record_format"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    for name in ("account_import", "account_import_confirm"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_posts_need_the_csrf_token(user):
    client = logged_in(user, enforce_csrf_checks=True)
    assert upload(client, json.dumps(exported(user))).status_code == 403
    assert client.post(reverse("account_import_confirm"), {"token": "x"}).status_code == 403


def test_check_then_confirm_imports_and_goes_to_the_dashboard(learner, user):
    client = logged_in(user)
    response = upload(client, json.dumps(exported(learner)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the import" in html
    assert "Step statuses and notes" in html
    assert "Import now" in html
    assert reverse("account_data") in html  # Cancel
    token = response.context["token"]
    rows = {row.label: row for row in response.context["report"].rows}
    assert (
        rows["Step statuses and notes"].created == StepProgress.objects.filter(user=learner).count()
    )
    assert not StepProgress.objects.filter(user=user).exists()  # a dry run

    confirmed = client.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("learning:dashboard")
    assert "Imported your learner record" in confirmed.content.decode()
    assert normalised(exported(user)) == normalised(exported(learner))

    before = state(user)
    again = client.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert again.redirect_chain[-1][0] == reverse("account_data")
    assert "expired or was already done" in again.content.decode()
    assert state(user) == before


def test_a_refused_file_is_a_400_with_the_reason(auth_client, user):
    document = exported(user)
    document["progress"] = [{"path": "software-engineer", "step": "transformers"}]
    response = upload(auth_client, json.dumps(document))
    assert response.status_code == 400
    html = response.content.decode()
    assert "This file cannot be imported" in html
    assert "“status” must be one of" in html
    assert 'aria-invalid="true"' in html
    assert upload(auth_client, "not json").status_code == 400
    too_big = upload(auth_client, "x" * (2 * 1024 * 1024 + 1))
    assert too_big.status_code == 400
    assert "at most 2 MB" in too_big.content.decode()
    not_text = upload(auth_client, b"\xff\xfe\x00")
    assert not_text.status_code == 400
    assert not Enrollment.objects.filter(user=user).exists()


def test_a_token_is_only_good_in_the_session_that_checked_the_file(learner, user, other_user):
    owner = logged_in(user)
    token = upload(owner, json.dumps(exported(learner))).context["token"]
    intruder = logged_in(other_user)
    response = intruder.post(reverse("account_import_confirm"), {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_data")
    assert not StepProgress.objects.filter(user__in=[user, other_user]).exists()
    assert owner.post(reverse("account_import_confirm"), {"token": "guess"}).status_code == 302
    assert not StepProgress.objects.filter(user=user).exists()


# --- A fresh database, another server, an older file --------------------------------------------


def test_round_trip_through_a_database_without_the_learner(learner, make_user):
    """Export, delete the account (nothing of the learner is left), import into a new one:
    every status, note, tick, personal path and event comes back."""
    document = exported(learner)
    services.account_delete(user=learner)
    assert not Path.objects.filter(owner__isnull=False).exists()
    newcomer = make_user("fresh@example.com")
    report = learner_import(user=newcomer, document=document, dry_run=False)
    assert report.not_placed == []
    mine = Path.objects.get(owner=newcomer)
    assert mine.slug == document["personal_paths"][0]["slug"]  # free again: the same link
    assert normalised(exported(newcomer)) == normalised(document)


def _without_papers(document: dict, slugs: set[str]) -> dict:
    """The document as a server without these papers' curated text would read it: the steps
    of the personal path name papers this roadmap does not have."""
    document = copy.deepcopy(document)
    for personal in document["personal_paths"]:
        for step in personal["steps"]:
            step["papers"] = [f"{s}-elsewhere" if s in slugs else s for s in step["papers"]]
    return document


def test_steps_restored_without_their_paper_keep_their_title_note_and_place(make_user):
    from learning import builder

    user = make_user("crossing@example.com")
    client = logged_in(user)
    builder_plan(client, project="on")
    builder_save(client)
    path = Path.objects.get(owner=user)
    enrollment = Enrollment.objects.get(user=user, path=path)
    for slug in ("rag", "lora"):
        step = Step.objects.get(path=path, slug=slug)
        services.step_note_set(enrollment=enrollment, step=step, note=f"about {slug}")
    document = _without_papers(exported(user), {"rag", "lora"})

    newcomer = make_user("other-server@example.com")
    report = learner_import(user=newcomer, document=document, dry_run=False)
    assert len([n for n in report.not_placed if "-elsewhere" in n]) == 2
    mine = Path.objects.get(owner=newcomer)
    current = Step.objects.current().filter(path=mine)
    saved = builder.SavedPlan.load(user=newcomer, path=mine)
    assert len(saved.order) == current.count()  # the builder sees every step of the path

    other = logged_in(newcomer)
    other.get(BUILDER + f"?path={mine.slug}")
    assert builder_save(other).status_code == 302
    for slug in ("rag", "lora"):
        step = Step.objects.get(path=mine, slug=slug)
        assert (step.title, step.archived) == ({"rag": "RAG", "lora": "LoRA"}[slug], False)
        assert StepProgress.objects.get(user=newcomer, step=step).note == f"about {slug}"
    assert Step.objects.filter(path=mine, title="Project work").count() == 1


def test_an_older_file_never_changes_the_plan_the_learner_has_now(user):
    client = logged_in(user)
    builder_plan(client)
    builder_save(client)
    path = Path.objects.get(owner=user)
    old = exported(user)
    client.get(BUILDER + f"?path={path.slug}")
    client.post(BUILDER, {"action": "remove", "key": "stable-diffusion"})
    client.post(BUILDER, {"action": "down", "key": "rag"})
    builder_save(client)
    from learning.builder import saved_order

    plan_now = saved_order(path)
    edits_now = Path.objects.get(pk=path.pk).builder_edits

    report = learner_import(user=user, document=old, dry_run=False)
    assert saved_order(path) == plan_now
    assert Path.objects.get(pk=path.pk).builder_edits == edits_now
    gone = Step.objects.get(path=path, slug="stable-diffusion")
    assert gone.archived  # the file's step waits, off the plan, for the learner to decide
    assert any("keeps its own plan" in note for note in report.notes)
    html = client.get(path.get_absolute_url()).content.decode()
    assert "Removed from your plan" in html
