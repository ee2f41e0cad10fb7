"""Importing a learner record into an account: validated first, all or nothing, newest wins,
never deleting. A dry run runs exactly the same code and rolls it back, so its report is what
the real import does. docs/learner-record.md says what is matched how."""

from __future__ import annotations

from collections import Counter

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.learner_version import learner_lock

from .. import services
from ..models import (
    ChecklistItem,
    ChecklistTick,
    Enrollment,
    Path,
    ProgressEvent,
    Step,
    StepProgress,
    StepStatus,
)
from .personal import PersonalPathsImport
from .reading import RecordError, read_record
from .report import ImportReport, listing, plural
from .schema import Enrollment as EnrollmentEntry
from .schema import Progress, Record

StepsHere = dict[tuple[int, str], Step]  # (path, step slug) → step


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def learner_import(*, user, document: dict, dry_run: bool) -> ImportReport:
    """Import a learner record into `user`'s account. Raises RecordError (and writes nothing)
    if the document is invalid, or if the account changed under the import."""
    record = read_record(document)
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _Import(user=user, record=record, report=report).run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError:  # a status set in another tab at the same moment, say
        raise RecordError(
            [
                "Your account changed while the file was being imported, so nothing was "
                "imported: please check the file again."
            ]
        ) from None
    return report


class _Import:
    """One import, in the order each part needs the one before: paths first (progress hangs
    on their steps), then enrolments (they set the pace the weeks are laid out at), then
    statuses, history and ticks."""

    def __init__(self, *, user, record: Record, report: ImportReport):
        self.user = user
        self.record = record
        self.report = report
        self.tally = report.tallies
        self.touched: set[int] = set()  # paths whose completion to refresh
        self.personal = PersonalPathsImport(
            user=user, record=record, report=report, touched=self.touched
        )
        self.local_paths: dict[str, Path] = {}  # slug → a visible curated or own path

    def run(self) -> None:
        # Concurrent imports into one account take turns (the account row is the lock).
        learner_lock(self.user)
        self._account()
        self.personal.restore()
        self._load_paths()
        self._enrollments()
        self.personal.lay_out()
        steps = self._steps_here()
        self._progress(steps)
        self._events(steps)
        self._ticks()
        if self.touched:
            services.completion_refresh(paths=sorted(self.touched))

    def resolve(self, slug: str) -> Path | None:
        return self.personal.paths.get(slug) or self.local_paths.get(slug)

    def _account(self) -> None:
        """Account basics are never imported, except a display name where there is none."""
        record = self.record
        if record.display_name and not self.user.display_name:
            get_user_model().objects.filter(pk=self.user.pk, display_name="").update(
                display_name=record.display_name
            )
            self.report.notes.append(
                f"Your display name becomes “{record.display_name}”, from the file."
            )
        addresses = EmailAddress.objects.filter(user=self.user).values_list("email", flat=True)
        here = {address.lower() for address in addresses}
        here.add(self.user.email.lower())
        missing = sorted({e for e in record.emails if e.lower() not in here})
        if missing:
            self.report.notes.append(
                f"Email addresses are never imported: add and verify {listing(missing)} under "
                "Email addresses if you want them on this account."
            )

    def _load_paths(self) -> None:
        """Every path the file names that this learner may see here: curated ones and their
        own personal paths (also by the slug they had in the file they were imported from)."""
        record = self.record
        slugs = {e.path for e in record.enrollments}
        slugs |= {p.path for p in record.progress} | {e.path for e in record.events}
        slugs -= {p.slug for p in record.personal_paths}  # never a curated path
        if not slugs:
            return
        rows = list(
            Path.objects.visible_to(self.user).filter(
                Q(slug__in=slugs) | Q(owner=self.user, imported_from__in=slugs)
            )
        )
        for path in rows:
            if path.slug in slugs:
                self.local_paths.setdefault(path.slug, path)
        for path in rows:
            if path.owner_id == self.user.pk and path.imported_from in slugs:
                self.local_paths.setdefault(path.imported_from, path)

    def _enrollments(self) -> None:
        here = {e.path_id: e for e in Enrollment.objects.select_for_update().filter(user=self.user)}
        newer_here: list[str] = []
        newer_in_file: list[str] = []
        for entry in self.record.enrollments:
            path = self.resolve(entry.path)
            if path is None:
                self.report.not_placed.append(
                    f"You followed “{entry.path_title or entry.path}” ({entry.path}): "
                    "there is no such path here."
                )
                continue
            enrollment = here.get(path.pk)
            if enrollment is None:
                here[path.pk] = enrollment = self._enrollment_create(path, entry)
            elif entry.updated_at is not None and entry.updated_at > enrollment.updated_at:
                self._enrollment_update(path, enrollment, entry)
                newer_in_file.append(f"“{path.title}”")
            else:
                self.tally["enrollments"].kept += 1
                if entry.updated_at is not None and entry.updated_at < enrollment.updated_at:
                    newer_here.append(f"“{path.title}”")
            if path.is_personal:
                self.personal.follow(path, enrollment.depth, enrollment.hours_per_week)
            if entry.shared:
                self.report.notes.append(
                    f"Sharing was on for “{path.title}”: it is never imported, so turn it on "
                    "again on the path's page if you want a shareable link (it gets a new one)."
                )
        if newer_in_file:
            self.report.notes.append(
                f"Took the file's newer depth, pace and status for {listing(newer_in_file)}."
            )
        if newer_here:
            self.report.notes.append(
                f"Kept your newer local depth, pace and status for {listing(newer_here)}."
            )

    def _enrollment_create(self, path: Path, entry: EnrollmentEntry) -> Enrollment:
        enrollment = Enrollment.objects.create(
            user=self.user,
            path=path,
            depth=entry.depth,
            hours_per_week=entry.hours_per_week,
            status=entry.status,
            started_at=entry.started_at,
            completed_at=entry.completed_at,
            updated_at=entry.updated_at or entry.started_at,
        )
        self.tally["enrollments"].created += 1
        self.touched.add(path.pk)
        answers = path.builder_answers or {}
        laid_out = (answers.get("depth"), answers.get("hours_per_week"))
        if path.is_personal and laid_out != (entry.depth, entry.hours_per_week):
            self.personal.remember_pace(path, entry.depth, entry.hours_per_week)
        return enrollment

    def _enrollment_update(self, path: Path, enrollment: Enrollment, entry: EnrollmentEntry):
        """The file's newer depth, pace and status (its start and completion stay as here)."""
        paced = (enrollment.depth, enrollment.hours_per_week)
        enrollment.depth = entry.depth
        enrollment.hours_per_week = entry.hours_per_week
        enrollment.status = entry.status
        enrollment.updated_at = entry.updated_at
        enrollment.save(update_fields=["depth", "hours_per_week", "status", "updated_at"])
        self.tally["enrollments"].updated += 1
        if path.is_personal and paced != (entry.depth, entry.hours_per_week):
            self.personal.remember_pace(path, entry.depth, entry.hours_per_week)

    def _steps_here(self) -> StepsHere:
        paths = {p.pk for p in self.personal.paths.values()}
        paths |= {p.pk for p in self.local_paths.values()}
        return {
            (s.path_id, s.slug): s
            for s in Step.objects.filter(path__in=paths).select_related("path")
        }

    def _where(self, slug: str, step_slug: str, steps: StepsHere) -> tuple[Step | None, str]:
        """The step here that a file's entry is about, or why there is none."""
        path = self.resolve(slug)
        if path is None:
            return None, f"there is no path “{slug}” here"
        step = steps.get((path.pk, step_slug))
        if step is None:
            return None, f"“{path.title}” has no step “{step_slug}” here"
        return step, ""

    def _progress(self, steps: StepsHere) -> None:
        located = self._progress_located(steps)
        if not located:
            return
        here = {
            row.step_id: row
            for row in StepProgress.objects.select_for_update().filter(
                user=self.user, step__in=[step for _, step in located]
            )
        }
        created, updated, newer_here, newer_in_file = [], [], [], []
        for entry, step in located:
            row = here.get(step.pk)
            if row is None:
                row = StepProgress(user=self.user, step=step)
                created.append(row)
            elif entry.updated_at > row.updated_at:
                updated.append(row)
                newer_in_file.append(f"“{step.title}”")
            else:
                self.tally["progress"].kept += 1
                if entry.updated_at < row.updated_at:
                    newer_here.append(f"“{step.title}”")
                continue
            _progress_copy(entry, row)
            self.touched.add(step.path_id)
        _progress_write(created, updated)
        self.tally["progress"].created += len(created)
        self.tally["progress"].updated += len(updated)
        self._progress_notes(newer_in_file, newer_here)

    def _progress_located(self, steps: StepsHere) -> list[tuple[Progress, Step]]:
        """The file's progress entries with their steps here; the others are reported."""
        located = []
        for entry in self.record.progress:
            step, why = self._where(entry.path, entry.step, steps)
            if step is None:
                label = StepStatus(entry.status).label
                noted = ", with a note" if entry.note else ""
                self.report.not_placed.append(
                    f"“{entry.step_title or entry.step}” ({entry.path}/{entry.step}), "
                    f"{label}{noted}: {why}."
                )
            else:
                located.append((entry, step))
        return located

    def _progress_notes(self, newer_in_file: list[str], newer_here: list[str]) -> None:
        if newer_in_file:
            self.report.notes.append(
                f"Took the file's newer progress on "
                f"{plural(len(newer_in_file), 'step', 'steps')}: {listing(newer_in_file)}."
            )
        if newer_here:
            self.report.notes.append(
                f"Kept your newer local progress on {plural(len(newer_here), 'step', 'steps')}: "
                f"{listing(newer_here)}."
            )

    def _events(self, steps: StepsHere) -> None:
        """History entries the account lacks (by step, status and time) are added."""
        if not self.record.events:
            return
        rows = ProgressEvent.objects.filter(user=self.user)
        here = set(rows.values_list("step_id", "status", "created_at"))
        new, lost = [], Counter()
        for entry in self.record.events:
            step, why = self._where(entry.path, entry.step, steps)
            if step is None:
                lost[(entry.path, entry.step, why)] += 1
                continue
            key = (step.pk, entry.status, entry.created_at)
            if key in here:
                self.tally["events"].kept += 1
                continue
            here.add(key)
            new.append(
                ProgressEvent(
                    user=self.user, step=step, status=entry.status, created_at=entry.created_at
                )
            )
        ProgressEvent.objects.bulk_create(new)
        self.tally["events"].created += len(new)
        for (path, step, why), count in sorted(lost.items()):
            self.report.not_placed.append(
                f"{plural(count, 'history entry', 'history entries')} for {path}/{step}: {why}."
            )

    def _ticks(self) -> None:
        """Checklist ticks the account lacks are added with the file's time."""
        if not self.record.ticks:
            return
        items = ChecklistItem.objects.select_related("checklist")
        if self.record.version >= 2:
            by_key = {(i.checklist.slug, i.slug): i for i in items}
        else:  # version 1 named them by title and text
            by_key = {(i.checklist.title, i.text): i for i in items}
        here = set(ChecklistTick.objects.filter(user=self.user).values_list("item_id", flat=True))
        new = []
        for entry in self.record.ticks:
            item = by_key.get((entry.checklist, entry.item))
            if item is None:
                self.report.not_placed.append(
                    f"Checklist tick “{entry.label}” ({entry.checklist}: {entry.item}): "
                    "there is no such checklist item here."
                )
            elif item.pk in here:
                self.tally["checklists"].kept += 1
            else:
                here.add(item.pk)
                new.append(ChecklistTick(user=self.user, item=item, ticked_at=entry.ticked_at))
        ChecklistTick.objects.bulk_create(new)
        self.tally["checklists"].created += len(new)


def _progress_copy(entry: Progress, row: StepProgress) -> None:
    row.status = entry.status
    row.note = entry.note
    row.started_at = entry.started_at
    row.completed_at = entry.completed_at
    row.updated_at = entry.updated_at
    row.render_markdown_fields()


def _progress_write(created: list[StepProgress], updated: list[StepProgress]) -> None:
    """Write the rows with the file's times: bulk_create stamps updated_at (auto_now) on the
    rows, so the file's are put back and written by bulk_update."""
    stamps = [row.updated_at for row in created]
    StepProgress.objects.bulk_create(created)
    for row, stamp in zip(created, stamps, strict=True):
        row.updated_at = stamp
    StepProgress.objects.bulk_update(
        created + updated,
        ["status", "note", "note_html", "started_at", "completed_at", "updated_at"],
    )
