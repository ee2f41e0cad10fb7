"""All or nothing: an invalid learner record is refused whole with every problem listed, and
concurrent imports of one file take turns."""

import json

import pytest

from learning import services
from learning.models import Path, ProgressEvent, StepProgress
from learning.record import RecordError, learner_import, parse_record

from .concurrency import at_once
from .factories import EnrollmentFactory, steps_of
from .learner_record_support import (
    exported,
    normalised,
    personal_path_with_a_removed_step,
    some_progress,
    state,
)


@pytest.fixture
def record(user):
    """A valid record: statuses (one with a note) on two steps and a checklist tick."""
    some_progress(user)
    return exported(user)


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
def test_an_invalid_file_is_refused_whole_and_writes_nothing(record, make_user, spoil, message):
    newcomer = make_user()
    text = spoil(record)
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


def test_every_problem_is_listed(record):
    record["progress"][0]["status"] = "finished"
    record["enrollments"][0]["depth"] = "bottomless"
    record["checklists"][0]["ticked_at"] = 12
    with pytest.raises(RecordError) as refused:
        parse_record(json.dumps(record))
    assert len(refused.value.messages) == 3


def _learner_for_threads(make_user, client_for):
    """A personal path with a removed step, and a note on a curated path."""
    user = make_user("threads@example.com")
    personal_path_with_a_removed_step(user, client_for(user))
    enrollment = EnrollmentFactory(user=user)
    step = steps_of(enrollment.path)[0]
    services.step_note_set(enrollment=enrollment, step=step, note="n")
    return user


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_one_file_take_turns(roadmap, make_user, client_for):
    # a transactional test has no rolled-back fixtures: its learner is made here
    document = exported(_learner_for_threads(make_user, client_for))
    newcomer = make_user("twice@example.com")
    errors = at_once(lambda: learner_import(user=newcomer, document=document, dry_run=False), 4)
    assert errors == []
    assert Path.objects.filter(owner=newcomer).count() == 1
    assert StepProgress.objects.filter(user=newcomer).count() == len(document["progress"])
    assert ProgressEvent.objects.filter(user=newcomer).count() == len(document["events"])
    assert normalised(exported(newcomer)) == normalised(document)
