"""The learner record's file format, declared once: versions 1 and 2 as pydantic models.

docs/learner-record.md describes the same format for people; keep the two in step. Reading a
file (`reading.py`) validates it against these models, and the import reads the validated
entries. The export writes plain data in the same shape (see `export.py`).
"""

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator

from ..models import Audience, DepthKey, EnrollmentStatus, StepStatus
from .fields import Flag, Hours, Slug, choice, collection, entries, moment, slugs, text

FORMAT = "learning-roadmap-learner"
FORMAT_VERSION = 2
LEGACY_FORMAT = "learning-roadmap-learner/1"  # version 1 named its version in the format
MAX_BYTES = 2 * 1024 * 1024
MAX_NOTE = 20_000
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


class _Part(BaseModel):
    """A part of the file. Unknown keys are ignored (a later version may add some). A missing
    key is read like null, through the field's own rule, so that it is refused in the same
    words ("“status” must be one of …, not None")."""

    model_config = ConfigDict(validate_default=True)


def _addresses(listed: list) -> list[str]:
    return [
        entry["email"][:254]
        for entry in listed
        if isinstance(entry, dict) and isinstance(entry.get("email"), str)
    ]


class Account(_Part):
    display_name: text(150) = ""
    # Only to remind the learner to add them here: unreadable entries are passed over.
    emails: Annotated[
        collection(Any, limit=LIMITS["emails"], required=False), AfterValidator(_addresses)
    ] = None


class Enrollment(_Part):
    path: Slug = None
    path_title: text(500) = ""  # for people; ignored on import
    depth: choice(DepthKey.values) = None
    hours_per_week: Hours = None
    status: choice(EnrollmentStatus.values) = None
    started_at: moment(required=True) = None
    completed_at: moment(required=False) = None
    updated_at: moment(required=True) = None
    shared: Flag = False


class EnrollmentV1(Enrollment):
    updated_at: moment(required=False) = None  # version 1 did not write it


class Progress(_Part):
    note: text(MAX_NOTE) = ""  # first: problems are listed in the order they always were
    path: Slug = None
    step: Slug = None
    step_title: text(500) = ""  # for people; ignored on import
    phase: text(500) = ""  # for people; places a restored step back in its week
    status: choice(StepStatus.values) = None
    started_at: moment(required=False) = None
    completed_at: moment(required=False) = None
    updated_at: moment(required=True) = None


class Event(_Part):
    path: Slug = None
    step: Slug = None
    status: choice(StepStatus.values) = None
    created_at: moment(required=True) = None


class Tick(_Part):
    checklist: Slug = None
    item: Slug = None
    item_text: text(500) = ""  # for people
    ticked_at: moment(required=True) = None

    @property
    def label(self) -> str:
        return self.item_text or self.item


class TickV1(_Part):
    """Version 1 named checklists and items by their titles."""

    checklist: text(200, required=True) = None
    item: text(300, required=True) = None
    ticked_at: moment(required=True) = None

    @property
    def label(self) -> str:
        return self.item


class Answers(BaseModel):
    """The builder's answers: only the keys the builder reads, and only those the file has
    (defaults are not validated here: a missing answer stays missing)."""

    background: choice(Audience.values) = None
    interests: slugs(LIMITS["answers_list"]) = []
    known: slugs(LIMITS["answers_list"]) = []
    depth: choice(DepthKey.values) = None
    hours_per_week: Hours = None
    project: Flag = False

    def given(self) -> dict:
        answers = self.model_dump(include=self.model_fields_set)
        if answers.get("hours_per_week", 0) is None:  # null: the builder's own default
            del answers["hours_per_week"]
        return answers


class Edits(_Part):
    added: slugs(LIMITS["answers_list"]) = []
    removed: slugs(LIMITS["answers_list"]) = []
    reordered: Flag = False


def _answers(value: Any) -> dict:
    return Answers.model_validate({} if value is None else value).given()


def _edits(value: Any) -> dict:
    return Edits.model_validate({} if value is None else value).model_dump()


class PersonalStep(_Part):
    slug: Slug = None
    title: text(200, required=True) = None
    body: text(100_000) = ""
    key_takeaway: text(5_000) = ""
    reason: text(300) = ""
    papers: slugs(LIMITS["papers"]) = []
    archived: Flag = False
    key: text(90) = ""  # the step's key in the plan, for a step without a paper ("project")


class PersonalPath(_Part):
    # the steps first: problems are listed in the order they always were
    steps: entries(PersonalStep, limit=LIMITS["steps"], noun="step") = []
    slug: Slug = None
    title: text(200, required=True) = None
    answers: Annotated[dict, PlainValidator(_answers)] = None
    edits: Annotated[dict, PlainValidator(_edits)] = None


@dataclass(frozen=True)
class Record:
    """A validated file, whichever its version, as the import reads it."""

    version: int
    display_name: str
    emails: list[str]
    enrollments: list[Enrollment]
    progress: list[Progress]
    events: list[Event]
    ticks: list[Tick | TickV1]
    personal_paths: list[PersonalPath]


class FileV2(_Part):
    account: Account = Field(default_factory=Account)
    enrollments: collection(
        Enrollment, limit=LIMITS["enrollments"], unique=("path",), what="the path"
    ) = None
    progress: collection(
        Progress, limit=LIMITS["progress"], unique=("path", "step"), what="the step"
    ) = None
    events: collection(Event, limit=LIMITS["events"]) = None
    checklists: collection(Tick, limit=LIMITS["checklists"]) = None
    personal_paths: collection(
        PersonalPath,
        limit=LIMITS["personal_paths"],
        unique=("slug",),
        what="the personal path",
    ) = None

    def record(self) -> Record:
        return Record(
            version=2,
            display_name=self.account.display_name,
            emails=self.account.emails,
            enrollments=self.enrollments,
            progress=self.progress,
            events=self.events,
            ticks=self.checklists,
            personal_paths=self.personal_paths,
        )


class FileV1(_Part):
    """The first export: `steps` for progress, no events and no personal paths (any such keys
    are ignored)."""

    account: Account = Field(default_factory=Account)
    enrollments: collection(
        EnrollmentV1, limit=LIMITS["enrollments"], unique=("path",), what="the path"
    ) = None
    steps: collection(
        Progress, limit=LIMITS["progress"], unique=("path", "step"), what="the step"
    ) = None
    checklists: collection(TickV1, limit=LIMITS["checklists"]) = None

    def record(self) -> Record:
        return Record(
            version=1,
            display_name=self.account.display_name,
            emails=self.account.emails,
            enrollments=self.enrollments,
            progress=self.steps,
            events=[],
            ticks=self.checklists,
            personal_paths=[],
        )
