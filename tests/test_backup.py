"""`make backup` and `make restore` (scripts/backup.py): a backup taken, the learners' data lost,
the backup restored, and every learner finds their whole record again (enrolments, statuses,
notes); a restore without a file it can read refuses and touches nothing."""

import os
import subprocess
import sys
from pathlib import Path as FilePath

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from learning.record import learner_export

from .factories import EnrollmentFactory, PathFactory, StepProgressFactory, UserFactory, steps_of
from .servers import ROOT, suite_database_url

BACKUP = [sys.executable, str(ROOT / "scripts" / "backup.py")]
# Each learner: their statuses on the path's steps, in order, and a note on the first.
LEARNERS = {
    "ada@example.com": ["done", "done", "in_progress"],
    "grace@example.com": ["skipped", "done"],
    "alan@example.com": ["in_progress"],
}


def backup_script(*args: str) -> subprocess.CompletedProcess:
    """The script as `make backup` / `make restore` run it, against the suite's test database."""
    connection.close()  # nothing of this process's stands in the restore's way
    env = {**os.environ, "DATABASE_URL": suite_database_url()}
    return subprocess.run(
        [*BACKUP, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def records() -> dict[str, dict]:
    """Every learner's record as they would export it (less the moment of the export)."""
    found = {}
    for user in get_user_model().objects.filter(email__in=LEARNERS):
        record = learner_export(user=user)
        del record["exported_at"]
        found[user.email] = record
    return found


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_gives_every_learner_their_record_back(tmp_path):
    path = PathFactory(phase_sizes=[3, 2])
    steps = steps_of(path)
    for email, statuses in LEARNERS.items():
        enrollment = EnrollmentFactory(user=UserFactory(email=email), path=path, depth="deep")
        for step, status in zip(steps, statuses, strict=False):
            note = f"{email} on {step.title}" if step == steps[0] else ""
            StepProgressFactory(enrollment=enrollment, step=step, status=status, note=note)
    before = records()
    assert len(before) == 3
    assert all(record["progress"] and record["enrollments"] for record in before.values())

    taken = backup_script("backup", "--to", str(tmp_path))
    assert taken.returncode == 0, taken.stderr
    dump = FilePath(taken.stdout.strip())
    assert dump.parent == tmp_path
    assert dump.name.startswith("roadmap-")
    assert dump.suffix == ".dump"
    assert dump.read_bytes().startswith(b"PGDMP"), "pg_dump's custom format"
    assert dump.stat().st_mode & 0o777 == 0o600, "password hashes and notes: the owner's only"

    get_user_model().objects.filter(email__in=LEARNERS).delete()
    assert records() == {}, "lost"

    restored = backup_script("restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    assert restored.stderr.startswith("warning: restoring")
    assert "replaces everything" in restored.stderr
    assert records() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "say which backup to restore: make restore FILE="),
        (("no-such.dump",), "no such backup file: no-such.dump"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_a_restore_without_a_backup_file_refuses_and_changes_nothing(args, message):
    learner = UserFactory()
    refused = backup_script("restore", *args)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"error: {message}")
    assert len(refused.stderr.strip().splitlines()) == 1, "one clear line"
    assert get_user_model().objects.filter(pk=learner.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(tmp_path):
    learner = UserFactory()
    not_a_dump = tmp_path / "roadmap-notes.dump"
    not_a_dump.write_text("these are notes, not a backup\n")
    refused = backup_script("restore", str(not_a_dump))
    assert refused.returncode == 1
    assert "error: pg_restore failed" in refused.stderr
    assert "not appear to be a valid archive" in refused.stderr
    assert get_user_model().objects.filter(pk=learner.pk).exists()
