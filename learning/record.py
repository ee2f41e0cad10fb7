"""The learner record: everything a learner made as one versioned JSON document, and its import
back into an account (validated first, dry run first, newest wins, all or nothing).

The format is described for people in docs/learner-record.md; keep the two in step.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from papers.models import Paper

from . import services
from .models import (
    Audience,
    ChecklistItem,
    ChecklistTick,
    DepthKey,
    Enrollment,
    EnrollmentStatus,
    Path,
    Phase,
    ProgressEvent,
    PublicationStatus,
    Step,
    StepPaper,
    StepProgress,
    StepStatus,
)
from .plans import personal_path_regroup, personal_steps_write, plan_key_of

FORMAT = "learning-roadmap-learner"
FORMAT_VERSION = 2
LEGACY_FORMAT = "learning-roadmap-learner/1"  # version 1 named its version in the format
MAX_BYTES = 2 * 1024 * 1024
MAX_NOTE = 20_000
MAX_PROBLEMS = 50
LIMITS = {
    "emails": 100,
    "enrollments": 500,
    "progress": 20_000,
    "events": 50_000,
    "checklists": 5_000,
    "personal_paths": 100,
    "steps": 300,
    "papers": 30,
    "answers_list": 100,
}
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
PERSONAL_AUDIENCE = "Personal path"
PERSONAL_GOAL = "Your own mix of the roadmap, built from your answers"
PERSONAL_PREREQUISITES = "Papers you already know are left out"


def _when(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _path_rank(path: Path) -> tuple:
    """Curated paths in catalog order, then personal paths: the order of every list."""
    return (path.owner_id is not None, path.number, path.title, path.pk)


def _step_rank(step: Step) -> tuple:
    """The learner's order within a path: current steps as laid out, then archived ones."""
    if step.archived:
        return (True, 0, 0, step.slug)
    return (False, step.phase.position, step.position, step.slug)


def _edits(value: Any) -> dict:
    value = value if isinstance(value, dict) else {}
    return {
        "added": list(value.get("added", [])),
        "removed": list(value.get("removed", [])),
        "reordered": bool(value.get("reordered", False)),
    }


# --- Exporting --------------------------------------------------------------------------------


def learner_export(*, user) -> dict:
    """Everything of the learner's, archived steps included, as plain data (JSON-ready), in
    eight queries whatever the amount of data (six without personal paths). Lists are in a
    fixed order, so two exports of the same data differ only in `exported_at`."""
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    enrollments = sorted(
        Enrollment.objects.filter(user=user).select_related("path"),
        key=lambda e: (e.started_at, _path_rank(e.path)),
    )
    progress = sorted(
        StepProgress.objects.filter(user=user).select_related("step__path", "step__phase"),
        key=lambda p: (_path_rank(p.step.path), _step_rank(p.step)),
    )
    events = sorted(
        ProgressEvent.objects.filter(user=user).select_related("step__path"),
        key=lambda e: (e.created_at, _path_rank(e.step.path), e.step.slug, e.status),
    )
    ticks = sorted(
        ChecklistTick.objects.filter(user=user).select_related("item__checklist"),
        key=lambda t: (
            t.item.checklist.position,
            t.item.checklist.slug,
            t.item.position,
            t.item.slug,
        ),
    )
    step_papers = StepPaper.objects.select_related("paper").order_by("position", "pk")
    personal_paths = sorted(
        Path.objects.filter(owner=user).prefetch_related(
            Prefetch(
                "steps",
                queryset=Step.objects.select_related("phase").prefetch_related(
                    Prefetch("step_papers", queryset=step_papers)
                ),
            )
        ),
        key=_path_rank,
    )

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "joined": _when(user.date_joined),
            "emails": [
                {"email": a.email, "verified": a.verified, "primary": a.primary} for a in emails
            ],
        },
        "enrollments": [
            {
                "path": e.path.slug,
                "path_title": e.path.title,
                "depth": e.depth,
                "hours_per_week": e.hours_per_week,
                "status": e.status,
                "started_at": _when(e.started_at),
                "completed_at": _when(e.completed_at),
                "updated_at": _when(e.updated_at),
                "shared": bool(e.share_token),
            }
            for e in enrollments
        ],
        "progress": [
            {
                "path": p.step.path.slug,
                "step": p.step.slug,
                "step_title": str(p.step),
                "phase": str(p.step.phase),
                "archived": p.step.archived,
                "status": p.status,
                "note": p.note,
                "started_at": _when(p.started_at),
                "completed_at": _when(p.completed_at),
                "updated_at": _when(p.updated_at),
            }
            for p in progress
        ],
        "events": [
            {
                "path": e.step.path.slug,
                "step": e.step.slug,
                "status": e.status,
                "created_at": _when(e.created_at),
            }
            for e in events
        ],
        "checklists": [
            {
                "checklist": t.item.checklist.slug,
                "item": t.item.slug,
                "checklist_title": t.item.checklist.title,
                "item_text": t.item.text,
                "ticked_at": _when(t.ticked_at),
            }
            for t in ticks
        ],
        "personal_paths": [
            {
                "slug": path.slug,
                "title": path.title,
                "answers": path.builder_answers or {},
                "edits": _edits(path.builder_edits),
                "steps": [
                    {
                        "slug": step.slug,
                        "title": step.title,
                        "body": step.body,
                        "key_takeaway": step.key_takeaway,
                        "reason": step.reason,
                        "papers": [link.paper.slug for link in step.step_papers.all()],
                        "key": plan_key_of(step),
                        "archived": step.archived,
                    }
                    for step in sorted(path.steps.all(), key=_step_rank)
                ],
            }
            for path in personal_paths
        ],
    }


# --- Reading and validating -------------------------------------------------------------------


class RecordError(ValidationError):
    """A learner record that cannot be imported; `messages` names every problem in words."""

    def __init__(self, problems: list[str]):
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"… and {more} more problems."]
        super().__init__(problems)


@dataclass
class _Enrollment:
    where: str
    path: str
    path_title: str
    depth: str
    hours_per_week: int | None
    status: str
    started_at: datetime.datetime
    completed_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    shared: bool


@dataclass
class _Progress:
    path: str
    step: str
    step_title: str
    phase: str
    status: str
    note: str
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    updated_at: datetime.datetime


@dataclass
class _Event:
    path: str
    step: str
    status: str
    created_at: datetime.datetime


@dataclass
class _Tick:
    checklist: str  # slug (version 2) or title (version 1)
    item: str  # slug (version 2) or text (version 1)
    label: str
    ticked_at: datetime.datetime


@dataclass
class _Step:
    slug: str
    title: str
    body: str
    key_takeaway: str
    reason: str
    papers: list[str]
    archived: bool
    key: str = ""  # the step's key in the plan, for a step without a paper ("project")


@dataclass
class _PersonalPath:
    slug: str
    title: str
    answers: dict
    edits: dict
    steps: list[_Step]


@dataclass
class _Record:
    version: int
    display_name: str
    emails: list[str]
    enrollments: list[_Enrollment]
    progress: list[_Progress]
    events: list[_Event]
    ticks: list[_Tick]
    personal_paths: list[_PersonalPath]


class _Checker:
    """Collects every problem with where it is, instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.add(where, "must be an object ({…})")
            return {}
        return value

    def items(self, document: dict, key: str, *, limit: int, required: bool = True) -> list:
        value = document.get(key)
        if value is None:
            if required:
                self.add(f"“{key}”", "is missing (a list is expected)")
            return []
        if not isinstance(value, list):
            self.add(f"“{key}”", "must be a list ([…])")
            return []
        if len(value) > limit:
            self.add(f"“{key}”", f"has {len(value)} entries; a learner record has at most {limit}")
            return []
        return value

    def text(
        self, entry: dict, key: str, where: str, *, max_length: int, required: bool = False
    ) -> str:
        value = entry.get(key)
        if value is None or value == "":
            if required:
                self.add(where, f"“{key}” is required")
            return ""
        if not isinstance(value, str):
            self.add(where, f"“{key}” must be text, not {value!r}")
            return ""
        if len(value) > max_length:
            self.add(
                where,
                f"“{key}” is {len(value):,} characters long; at most {max_length:,} are allowed",
            )
        return value

    def slug(self, entry: dict, key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > 80:
            self.add(where, f"“{key}” must be a slug (letters, digits and hyphens), not {value!r}")
            return ""
        return value

    def choice(self, entry: dict, key: str, where: str, choices: list[str]) -> str:
        value = entry.get(key)
        if value not in choices:
            self.add(where, f"“{key}” must be one of {', '.join(choices)}, not {value!r}")
            return choices[0]
        return value

    def when(
        self, entry: dict, key: str, where: str, *, required: bool
    ) -> datetime.datetime | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.add(where, f"“{key}” is required (a date and time)")
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.add(
                where,
                f"“{key}” must be an ISO-8601 date and time such as "
                f"2025-01-31T09:30:00+00:00, not {value!r}",
            )
            return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.add(where, f"“{key}” needs a time zone (such as +00:00 or Z): {value!r}")
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            self.add(where, f"“{key}” is out of range: {value!r}")
            return None

    def flag(self, entry: dict, key: str, where: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.add(where, f"“{key}” must be true or false, not {value!r}")
            return False
        return value

    def hours(self, entry: dict, key: str, where: str) -> int | None:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            self.add(where, f"“{key}” must be a whole number from 1 to 100 or null, not {value!r}")
            return None
        return value

    def slugs(self, entry: dict, key: str, where: str, *, limit: int) -> list[str]:
        value = entry.get(key, [])
        if not isinstance(value, list) or len(value) > limit:
            self.add(where, f"“{key}” must be a list of at most {limit} slugs")
            return []
        result = []
        for slug in value:
            if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 80:
                self.add(where, f"“{key}” must list slugs, not {slug!r}")
            elif slug not in result:
                result.append(slug)
        return result

    def once(self, keys: list, collection: str, what: str) -> None:
        for key, count in Counter(keys).items():
            if all(key) and count > 1:
                self.add(f"“{collection}”", f"{what} {'/'.join(key)} is listed {count} times")


def _text_problems(document: Any) -> list[str]:
    """Text no database column can hold, anywhere in the document (keys included), with where
    it is: NUL characters, and lone surrogates (a JSON escape such as \\ud800 that is half a
    character)."""
    problems: list[str] = []
    pending: list[tuple[Any, str]] = [(document, "")]
    while pending:  # not recursive: a deeply nested file must not exhaust the stack
        value, where = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                pending.append((key, f"{where} → {key!r}" if where else repr(key)))
                pending.append((item, f"{where} → {key}" if where else str(key)))
        elif isinstance(value, list):
            pending.extend((item, f"{where} → entry {i + 1}") for i, item in enumerate(value))
        elif isinstance(value, str):
            if "\x00" in value:
                problems.append(
                    f"{where}: contains a NUL character (\\u0000), which no text may hold"
                )
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(
                    f"{where}: contains half a character (a lone \\ud800-\\udfff escape)"
                )
    return sorted(problems)


def _entry(check: _Checker, value: Any, collection: str, index: int) -> tuple[dict, str]:
    where = f"Entry {index + 1} of “{collection}”"
    entry = check.mapping(value, where)
    names = [entry.get(k) for k in ("path", "step", "checklist", "item", "slug")]
    named = "/".join(n for n in names if isinstance(n, str) and n)[:120]
    return entry, f"{where} ({named})" if named else where


def _read_answers(check: _Checker, value: Any, where: str) -> dict:
    """The builder's answers, keeping only the keys the builder reads, each checked."""
    if value is None:
        return {}
    answers = check.mapping(value, f"{where}: “answers”")
    result: dict[str, Any] = {}
    if "background" in answers:
        result["background"] = check.choice(answers, "background", where, Audience.values)
    for key in ("interests", "known"):
        if key in answers:
            result[key] = check.slugs(answers, key, where, limit=LIMITS["answers_list"])
    if "depth" in answers:
        result["depth"] = check.choice(answers, "depth", where, DepthKey.values)
    if "hours_per_week" in answers:
        result["hours_per_week"] = check.hours(answers, "hours_per_week", where)
        if result["hours_per_week"] is None:
            del result["hours_per_week"]
    if "project" in answers:
        result["project"] = check.flag(answers, "project", where)
    return result


def _read_edits(check: _Checker, value: Any, where: str) -> dict:
    if value is None:
        return _edits({})
    edits = check.mapping(value, f"{where}: “edits”")
    return {
        "added": check.slugs(edits, "added", where, limit=LIMITS["answers_list"]),
        "removed": check.slugs(edits, "removed", where, limit=LIMITS["answers_list"]),
        "reordered": check.flag(edits, "reordered", where),
    }


def _read_personal_path(check: _Checker, entry: dict, where: str) -> _PersonalPath:
    steps = []
    raw_steps = entry.get("steps", [])
    if not isinstance(raw_steps, list) or len(raw_steps) > LIMITS["steps"]:
        check.add(where, f"“steps” must be a list of at most {LIMITS['steps']} steps")
        raw_steps = []
    for index, raw in enumerate(raw_steps):
        step = check.mapping(raw, f"{where}, step {index + 1}")
        step_where = f"{where}, step {index + 1}" + (
            f" ({step['slug']})" if isinstance(step.get("slug"), str) else ""
        )
        steps.append(
            _Step(
                slug=check.slug(step, "slug", step_where),
                title=check.text(step, "title", step_where, max_length=200, required=True),
                body=check.text(step, "body", step_where, max_length=100_000),
                key_takeaway=check.text(step, "key_takeaway", step_where, max_length=5_000),
                reason=check.text(step, "reason", step_where, max_length=300),
                papers=check.slugs(step, "papers", step_where, limit=LIMITS["papers"]),
                archived=check.flag(step, "archived", step_where),
                key=check.text(step, "key", step_where, max_length=90),
            )
        )
    for slug, count in Counter(s.slug for s in steps).items():
        if slug and count > 1:
            check.add(where, f"step {slug} is listed {count} times")
    return _PersonalPath(
        slug=check.slug(entry, "slug", where),
        title=check.text(entry, "title", where, max_length=200, required=True),
        answers=_read_answers(check, entry.get("answers"), where),
        edits=_read_edits(check, entry.get("edits"), where),
        steps=steps,
    )


def read_record(document: Any) -> _Record:
    """Check a parsed document completely; return it in typed form, or raise RecordError
    listing every problem. Versions 1 (the first export) and 2 are read."""
    if not isinstance(document, dict):
        raise RecordError(["The file is not a learner record: it must be one JSON object ({…})."])
    if problems := _text_problems(document):
        raise RecordError(problems)
    kind, version = document.get("format"), document.get("format_version")
    if kind == LEGACY_FORMAT and version in (None, 1):
        version = 1
    elif kind != FORMAT:
        raise RecordError(
            [f"This is not a learner record of the Learning Roadmap (format {kind!r})."]
        )
    elif version not in (1, 2) or isinstance(version, bool):
        raise RecordError(
            [f"Format version {version!r} is not known here: versions 1 and 2 can be imported."]
        )
    check = _Checker()
    statuses, depths = StepStatus.values, DepthKey.values

    account = check.mapping(document.get("account", {}), "“account”")
    display_name = check.text(account, "display_name", "“account”", max_length=150)
    emails = []
    for raw in check.items(account, "emails", limit=LIMITS["emails"], required=False):
        if isinstance(raw, dict) and isinstance(raw.get("email"), str):
            emails.append(raw["email"][:254])

    enrollments = []
    for index, raw in enumerate(check.items(document, "enrollments", limit=LIMITS["enrollments"])):
        entry, where = _entry(check, raw, "enrollments", index)
        enrollments.append(
            _Enrollment(
                where=where,
                path=check.slug(entry, "path", where),
                path_title=check.text(entry, "path_title", where, max_length=500),
                depth=check.choice(entry, "depth", where, depths),
                hours_per_week=check.hours(entry, "hours_per_week", where),
                status=check.choice(entry, "status", where, EnrollmentStatus.values),
                started_at=check.when(entry, "started_at", where, required=True),
                completed_at=check.when(entry, "completed_at", where, required=False),
                updated_at=check.when(entry, "updated_at", where, required=version >= 2),
                shared=check.flag(entry, "shared", where),
            )
        )
    check.once([(e.path,) for e in enrollments], "enrollments", "the path")

    progress = []
    collection = "progress" if version >= 2 else "steps"
    for index, raw in enumerate(check.items(document, collection, limit=LIMITS["progress"])):
        entry, where = _entry(check, raw, collection, index)
        note = check.text(entry, "note", where, max_length=MAX_NOTE)
        progress.append(
            _Progress(
                path=check.slug(entry, "path", where),
                step=check.slug(entry, "step", where),
                step_title=check.text(entry, "step_title", where, max_length=500),
                phase=check.text(entry, "phase", where, max_length=500),
                status=check.choice(entry, "status", where, statuses),
                note=note,
                started_at=check.when(entry, "started_at", where, required=False),
                completed_at=check.when(entry, "completed_at", where, required=False),
                updated_at=check.when(entry, "updated_at", where, required=True),
            )
        )
    check.once([(p.path, p.step) for p in progress], collection, "the step")

    events = []
    if version >= 2:
        for index, raw in enumerate(check.items(document, "events", limit=LIMITS["events"])):
            entry, where = _entry(check, raw, "events", index)
            events.append(
                _Event(
                    path=check.slug(entry, "path", where),
                    step=check.slug(entry, "step", where),
                    status=check.choice(entry, "status", where, statuses),
                    created_at=check.when(entry, "created_at", where, required=True),
                )
            )

    ticks = []
    for index, raw in enumerate(check.items(document, "checklists", limit=LIMITS["checklists"])):
        entry, where = _entry(check, raw, "checklists", index)
        if version >= 2:
            checklist = check.slug(entry, "checklist", where)
            item = check.slug(entry, "item", where)
            label = check.text(entry, "item_text", where, max_length=500) or item
        else:  # version 1 named checklists and items by their titles
            checklist = check.text(entry, "checklist", where, max_length=200, required=True)
            item = label = check.text(entry, "item", where, max_length=300, required=True)
        ticks.append(
            _Tick(
                checklist=checklist,
                item=item,
                label=label,
                ticked_at=check.when(entry, "ticked_at", where, required=True),
            )
        )

    personal_paths = []
    if version >= 2:
        raw_paths = check.items(document, "personal_paths", limit=LIMITS["personal_paths"])
        for index, raw in enumerate(raw_paths):
            entry, where = _entry(check, raw, "personal_paths", index)
            personal_paths.append(_read_personal_path(check, entry, where))
        check.once([(p.slug,) for p in personal_paths], "personal_paths", "the personal path")

    if check.problems:
        raise RecordError(check.problems)
    return _Record(
        version=version,
        display_name=display_name,
        emails=emails,
        enrollments=enrollments,
        progress=progress,
        events=events,
        ticks=ticks,
        personal_paths=personal_paths,
    )


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_record(text: str) -> dict:
    """The JSON document in `text` if it is a learner record that can be imported; else raise
    RecordError listing every problem in words. Nothing is written."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_BYTES:
        raise RecordError(
            [f"The file is {size / 1024 / 1024:.1f} MB: a learner record can be at most 2 MB."]
        )
    if "\x00" in text:
        raise RecordError(["The file contains a NUL character, which no text may hold."])
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise RecordError([f"The file is not valid JSON ({where}: {error.msg})."]) from None
    except (ValueError, RecursionError) as error:
        raise RecordError([f"The file is not valid JSON ({error})."]) from None
    read_record(document)
    return document


# --- Importing --------------------------------------------------------------------------------


@dataclass
class Tally:
    """How many things of one kind an import creates, updates and keeps."""

    label: str
    created: int = 0
    updated: int = 0
    kept: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.kept


@dataclass
class ImportReport:
    dry_run: bool
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {
            "personal_paths": Tally("Personal paths"),
            "personal_steps": Tally("Steps of personal paths"),
            "enrollments": Tally("Paths you follow"),
            "progress": Tally("Step statuses and notes"),
            "events": Tally("History of status changes"),
            "checklists": Tally("Checklist ticks"),
        }
    )
    not_placed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[Tally]:
        return list(self.tallies.values())

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tallies.values())

    @property
    def kept(self) -> int:
        return sum(t.kept for t in self.tallies.values())

    @property
    def changes(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        counts = f"{self.created} added, {self.updated} updated, {self.kept} kept as they were"
        if self.not_placed:
            counts += f", {len(self.not_placed)} could not be placed"
        if self.dry_run:
            return f"Importing this file would give: {counts}."
        return f"Imported your learner record: {counts}."


def _listing(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class _DryRun(Exception):
    """Raised at the end of a dry run to roll everything back."""


def learner_import(*, user, document: dict, dry_run: bool) -> ImportReport:
    """Import a learner record into `user`'s account: all or nothing, newest wins, never
    deleting. A dry run runs exactly the same code and rolls it back, so its report is what
    the real import does. Raises RecordError (and writes nothing) if the document is invalid."""
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
    def __init__(self, *, user, record: _Record, report: ImportReport):
        self.user = user
        self.record = record
        self.report = report
        self.tally = report.tallies
        self.personal: dict[str, Path] = {}  # file slug → the learner's personal path here
        self.local_paths: dict[str, Path] = {}  # slug → a visible curated or own path
        self.regroup: set[int] = set()  # personal paths to lay out again
        self.touched: set[int] = set()  # paths whose completion to refresh
        self.new_archived: dict[int, list[tuple[Step, str]]] = {}  # path → (step, file slug)
        self.pace: dict[int, tuple[str, int | None]] = {}  # personal path → depth and pace
        self.created: set[int] = set()  # personal paths this import made

    def run(self) -> None:
        get_user_model().objects.select_for_update().filter(pk=self.user.pk).exists()
        self._account()
        self._personal_paths()
        self._load_paths()
        self._enrollments()
        self._lay_out_personal_paths()
        steps = self._steps_here()
        self._progress(steps)
        self._events(steps)
        self._ticks()
        if self.touched:
            services.completion_refresh(paths=sorted(self.touched))

    def resolve(self, slug: str) -> Path | None:
        return self.personal.get(slug) or self.local_paths.get(slug)

    # Account basics: never imported, except a display name where there is none.
    def _account(self) -> None:
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
                f"Email addresses are never imported: add and verify {_listing(missing)} under "
                "Email addresses if you want them on this account."
            )

    def _personal_paths(self) -> None:
        record = self.record
        if not record.personal_paths:
            return
        own = list(Path.objects.select_for_update().filter(owner=self.user))
        by_slug = {p.slug: p for p in own}
        by_origin = {p.imported_from: p for p in own if p.imported_from}
        wanted = [p.slug for p in record.personal_paths]
        taken = set(Path.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        all_papers = {s for p in record.personal_paths for step in p.steps for s in step.papers}
        papers = {p.slug: p for p in Paper.objects.filter(slug__in=all_papers)}
        used: set[int] = set()
        for entry in record.personal_paths:
            path = by_slug.get(entry.slug) or by_origin.get(entry.slug)
            if path is not None and path.pk in used:
                self.report.not_placed.append(
                    f"Your personal path “{entry.title}” ({entry.slug}) matches one already "
                    "restored from this file: it was left out."
                )
                continue
            if path is None:
                path = self._create_personal_path(entry, taken)
                self.created.add(path.pk)
                self.tally["personal_paths"].created += 1
            else:
                self.tally["personal_paths"].kept += 1
            used.add(path.pk)
            self.personal[entry.slug] = path
        steps_here: dict[int, dict[str, Step]] = {}
        for step in Step.objects.filter(path__in=used):
            steps_here.setdefault(step.path_id, {})[step.slug] = step
        for entry in record.personal_paths:
            path = self.personal.get(entry.slug)
            if path is not None:
                self._add_missing_steps(entry, path, steps_here.get(path.pk, {}), papers)

    def _create_personal_path(self, entry: _PersonalPath, taken: set[str]) -> Path:
        slug = entry.slug
        while slug in taken:
            slug = f"my-{secrets.token_hex(5)}"
            if Path.objects.filter(slug=slug).exists():
                taken.add(slug)
        taken.add(slug)
        # the builder reads a background from every personal path's answers
        answers = {"background": Audience.BEGINNER.value, **entry.answers}
        path = Path.objects.create(
            owner=self.user,
            slug=slug,
            number=0,
            title=entry.title,
            audience=PERSONAL_AUDIENCE,
            audience_key=answers["background"],
            goal=PERSONAL_GOAL,
            prerequisites=PERSONAL_PREREQUISITES,
            time_estimate="",
            hours_quick=0,
            hours_thorough=0,
            hours_deep=0,
            status=PublicationStatus.PUBLISHED,
            builder_answers=answers,
            builder_edits=entry.edits,
            imported_from=entry.slug,
        )
        self.regroup.add(path.pk)
        return path

    def _add_missing_steps(
        self, entry: _PersonalPath, path: Path, here: dict[str, Step], papers: dict[str, Paper]
    ) -> None:
        """Steps of the file's plan this path lacks. A path made by this import gets the file's
        plan; one the learner already has keeps its own plan, newer or not (plans carry no
        date to compare), and the file's other steps wait in "Removed from your plan"."""
        missing = [s for s in entry.steps if s.slug not in here]
        own_plan = path.pk not in self.created
        self.tally["personal_steps"].kept += len(entry.steps) - len(missing)
        if not missing:
            return
        holding = path.phases.order_by("position").first() or Phase.objects.create(
            path=path, slug="week-1", label="Week 1", title="", position=0
        )
        links, created = [], []
        for position, data in enumerate(missing, start=len(here)):
            linked = [slug for slug in data.papers if slug in papers]
            step = Step(
                path=path,
                phase=holding,
                slug=data.slug,
                position=position,
                title=data.title,
                body=data.body,
                key_takeaway=data.key_takeaway,
                reason=data.reason,
                archived=data.archived or own_plan,
                # Without its paper here, the step keeps a key of its own in the plan.
                plan_key=(linked[0] if linked else data.key or f"step:{data.slug}")[:90],
            )
            created.append(step)
            here[data.slug] = step
            if step.archived:
                self.new_archived.setdefault(path.pk, []).append((step, entry.slug))
            for order, slug in enumerate(data.papers):
                if slug in papers:
                    links.append(StepPaper(step=step, paper=papers[slug], position=order))
                else:
                    self.report.not_placed.append(
                        f"Paper “{slug}” of the step “{data.title}” on your personal path "
                        f"“{entry.title}” is not in this roadmap: the step was restored without it."
                    )
        personal_steps_write(created=created)
        for link in links:
            link.step_id = link.step.pk
        StepPaper.objects.bulk_create(links)
        self.tally["personal_steps"].created += len(missing)
        if own_plan:
            self.report.notes.append(
                f"Your personal path “{path.title}” is already here: it keeps its own plan, and "
                f"the file's {_plural(len(missing), 'step', 'steps')} it did not have "
                f"{'waits' if len(missing) == 1 else 'wait'} under “Removed from your plan”."
            )
        self.regroup.add(path.pk)
        self.touched.add(path.pk)

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
                here[path.pk] = enrollment
                self.tally["enrollments"].created += 1
                self.touched.add(path.pk)
                answers = path.builder_answers or {}
                laid_out = (answers.get("depth"), answers.get("hours_per_week"))
                if path.is_personal and laid_out != (entry.depth, entry.hours_per_week):
                    self._remember_pace(path, entry.depth, entry.hours_per_week)
            elif entry.updated_at is not None and entry.updated_at > enrollment.updated_at:
                paced = (enrollment.depth, enrollment.hours_per_week)
                enrollment.depth = entry.depth
                enrollment.hours_per_week = entry.hours_per_week
                enrollment.status = entry.status
                enrollment.updated_at = entry.updated_at
                enrollment.save(update_fields=["depth", "hours_per_week", "status", "updated_at"])
                self.tally["enrollments"].updated += 1
                newer_in_file.append(f"“{path.title}”")
                if path.is_personal and paced != (entry.depth, entry.hours_per_week):
                    self._remember_pace(path, entry.depth, entry.hours_per_week)
            else:
                self.tally["enrollments"].kept += 1
                if entry.updated_at is not None and entry.updated_at < enrollment.updated_at:
                    newer_here.append(f"“{path.title}”")
            if path.is_personal:
                self.pace[path.pk] = (enrollment.depth, enrollment.hours_per_week)
            if entry.shared:
                self.report.notes.append(
                    f"Sharing was on for “{path.title}”: it is never imported, so turn it on "
                    "again on the path's page if you want a shareable link (it gets a new one)."
                )
        if newer_in_file:
            self.report.notes.append(
                f"Took the file's newer depth, pace and status for {_listing(newer_in_file)}."
            )
        if newer_here:
            self.report.notes.append(
                f"Kept your newer local depth, pace and status for {_listing(newer_here)}."
            )

    def _remember_pace(self, path: Path, depth: str, hours_per_week: int | None) -> None:
        """A personal path's plan remembers the depth and pace it is followed at (as
        services.enrollment_update does), and its weeks are laid out again at them."""
        answers = dict(path.builder_answers or {})
        pace = hours_per_week or answers.get("hours_per_week") or 5
        answers.update(depth=depth, hours_per_week=pace)
        path.builder_answers = answers
        path.save(update_fields=["builder_answers"])
        self.regroup.add(path.pk)

    def _lay_out_personal_paths(self) -> None:
        if not self.regroup:
            return
        file_enrollments = {e.path: e for e in self.record.enrollments}
        file_paths = {p.slug: p for p in self.record.personal_paths}
        origin = {path.pk: slug for slug, path in self.personal.items()}
        hints = {(p.path, p.step): p.phase for p in self.record.progress}
        paths = Path.objects.filter(pk__in=self.regroup, owner=self.user)
        for path in paths:
            answers = path.builder_answers or {}
            depth, pace = self.pace.get(path.pk, (None, None))
            entry = file_enrollments.get(origin.get(path.pk, ""))
            if depth is None and entry is not None:
                depth, pace = entry.depth, entry.hours_per_week
            depth = depth or answers.get("depth") or DepthKey.THOROUGH
            pace = pace or answers.get("hours_per_week") or 5
            order = None
            if path.pk in origin and path.pk in self.created:  # the file's order of its steps
                steps = {s.slug: s for s in Step.objects.filter(path=path)}
                listed = [steps.get(s.slug) for s in file_paths[origin[path.pk]].steps]
                order = [s.pk for s in listed if s is not None and not s.archived]
            personal_path_regroup(path=path, depth=depth, hours_per_week=pace, order=order)
            self._place_archived(path, hints)

    def _place_archived(self, path: Path, hints: dict[tuple[str, str], str]) -> None:
        """Put restored steps that are off the plan back in the week the file names for them,
        where that week exists, so they show where they did before."""
        placed = self.new_archived.get(path.pk, [])
        if not placed:
            return
        weeks = {str(phase): phase for phase in Phase.objects.filter(path=path)}
        moved = []
        for step, file_slug in placed:
            week = weeks.get(hints.get((file_slug, step.slug), ""))
            if week is not None and week.pk != step.phase_id:
                step.phase = week
                moved.append(step)
        Step.objects.bulk_update(moved, ["phase"])

    def _steps_here(self) -> dict[tuple[int, str], Step]:
        paths = {p.pk for p in self.personal.values()} | {p.pk for p in self.local_paths.values()}
        return {
            (s.path_id, s.slug): s
            for s in Step.objects.filter(path__in=paths).select_related("path")
        }

    def _where(self, slug: str, step_slug: str, steps) -> tuple[Step | None, str]:
        path = self.resolve(slug)
        if path is None:
            return None, f"there is no path “{slug}” here"
        step = steps.get((path.pk, step_slug))
        if step is None:
            return None, f"“{path.title}” has no step “{step_slug}” here"
        return step, ""

    def _progress(self, steps: dict[tuple[int, str], Step]) -> None:
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
            row.status = entry.status
            row.note = entry.note
            row.started_at = entry.started_at
            row.completed_at = entry.completed_at
            row.updated_at = entry.updated_at
            row.render_markdown_fields()
            self.touched.add(step.path_id)
        # bulk_create stamps updated_at (auto_now) on the rows; bulk_update writes the file's.
        stamps = [row.updated_at for row in created]
        StepProgress.objects.bulk_create(created)
        for row, stamp in zip(created, stamps, strict=True):
            row.updated_at = stamp
        StepProgress.objects.bulk_update(
            created + updated,
            ["status", "note", "note_html", "started_at", "completed_at", "updated_at"],
        )
        self.tally["progress"].created += len(created)
        self.tally["progress"].updated += len(updated)
        if newer_in_file:
            self.report.notes.append(
                f"Took the file's newer progress on "
                f"{_plural(len(newer_in_file), 'step', 'steps')}: {_listing(newer_in_file)}."
            )
        if newer_here:
            self.report.notes.append(
                f"Kept your newer local progress on {_plural(len(newer_here), 'step', 'steps')}: "
                f"{_listing(newer_here)}."
            )

    def _events(self, steps: dict[tuple[int, str], Step]) -> None:
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
                f"{_plural(count, 'history entry', 'history entries')} for {path}/{step}: {why}."
            )

    def _ticks(self) -> None:
        if not self.record.ticks:
            return
        items = ChecklistItem.objects.select_related("checklist")
        if self.record.version >= 2:
            by_key = {(i.checklist.slug, i.slug): i for i in items}
        else:
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
