"""The paths part of the content file: paths with their phases, steps and sections, and the
checklists. Each key's description is the docstring under it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.text import slugify
from pydantic import Field, field_validator, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from core.models import PublicationStatus
from learning.models import (
    Audience,
    Checklist,
    ChecklistItem,
    Path,
    PathSection,
    Phase,
    Step,
)

from .fields import Entry, Flag, Hours, Markdown, PaperSlugs, Slug, Text, WholeNumber
from .problems import Problems, path_problems
from .schema_library import chars


class StepEntry(Entry):
    """A step is the unit a learner marks Not started, In progress, Done or Skipped."""

    omitted_when_default: ClassVar = frozenset({"archived"})

    slug: Slug
    """Unique within the path; learners' progress is attached to it. Do not rename or reuse."""
    label: Text = Field("", max_length=chars(Step.label))
    """`Day 1-2` style for day items, `"1"`, `"2"`... (quoted) for numbered items."""
    title: Text = Field(max_length=chars(Step.title))
    """Step title, no links ("Start with Transformers", "Review Quick Reference")."""
    subtitle: Text = Field("", max_length=chars(Step.subtitle))
    """Text after the dash, e.g. `The foundation`."""
    duration: Text = Field("", max_length=chars(Step.duration))
    """e.g. `2 hours`, `2-3 hours`."""
    papers: PaperSlugs = []
    """Papers this step covers, in the order mentioned, including papers named without a
    link; shown as links to the paper pages."""
    body: Markdown = ""
    """The step's lines (Read / Focus on / Skip / Watch / Try / Implement / ...), usually a
    `-` list. Bold lines such as `**Key question:**` or `**Output:**` stay here."""
    key_takeaway: Text = ""
    """Highlighted takeaway, without a label (from "Key takeaway:" or "Key:" lines)."""
    archived: Flag = False
    """`true` hides the step from its path while learners keep their status and note on it
    (a curator archives a step instead of deleting it)."""


class PhaseEntry(Entry):
    label: Text = Field(max_length=chars(Phase.label))
    """"Week 1", "Sprint 2", "Phase 3"."""
    slug: Slug | None = None
    """Stable key within the path; when omitted, derived from `label` (`Week 1` → `week-1`)."""
    title: Text = Field(max_length=chars(Phase.title))
    """Phase title ("Foundations")."""
    duration: Text = Field("", max_length=chars(Phase.duration))
    """Duration shown after the title, e.g. `3-5 days`, `6-8 hours`."""
    goal: Text = Field("", max_length=chars(Phase.goal))
    """"Goal:" line of the phase."""
    steps: list[StepEntry]
    """The phase's steps, in order."""

    @model_validator(mode="after")
    def _slug_from_label(self) -> PhaseEntry:
        if self.slug is None:
            self.slug = slugify(self.label)
            if not self.slug:
                raise PydanticCustomError("slug", "needs a `slug`: its label gives none")
        return self

    @model_serializer(mode="wrap")
    def _omit_derived_slug(self, handler) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("slug") in (None, slugify(self.label)):
            data.pop("slug", None)
        return data


class SectionEntry(Entry):
    slug: Slug
    """Anchor on the path page; unique within the path."""
    title: Text = Field(max_length=chars(PathSection.title))
    """Section heading ("Hands-On Project Ideas", "Key Metrics to Track")."""
    body: Markdown
    """Section content."""


class PathEntry(Entry):
    slug: Slug
    """URL (`/paths/<slug>/`). Do not rename once published."""
    number: WholeNumber = Field(ge=0, le=9999)
    """Catalog order ("Path 1")."""
    title: Text = Field(max_length=chars(Path.title))
    """Path heading ("Complete Beginner")."""
    audience: Text = Field(max_length=chars(Path.audience))
    """Catalog card title ("Complete Beginner (No ML Background)")."""
    audience_key: Audience
    """The kind of reader the path is for."""
    goal: Text = Field(max_length=chars(Path.goal))
    """"Goal:" line."""
    time_estimate: Text = Field(max_length=chars(Path.time_estimate))
    """"Time:" line as written, e.g. `20-30 hours`."""
    prerequisites: Text = Field(max_length=chars(Path.prerequisites))
    """"Prerequisites:" line (`None` if none). Plain text, not paper slugs."""
    hours: Hours
    """Hours at each depth (Estimated Time Investment)."""
    hours_note: Text = Field("", max_length=chars(Path.hours_note))
    """Display text for when the number alone understates it, e.g. `100+ hours` (with
    `deep: 100`)."""
    status: PublicationStatus
    """Drafts are hidden from learners."""
    after_completing: Markdown = ""
    """"Next Steps" list shown when the path is finished."""
    phases: list[PhaseEntry]
    """The weeks, sprints or phases, in order."""
    sections: list[SectionEntry]
    """Extra sections after the phases (`[]` if none)."""

    @model_validator(mode="after")
    def _unique_within_path(self) -> PathEntry:
        path_problems(self).raise_any()
        return self


def derived_item_slug(text: str) -> str:
    return slugify(text)[:80].strip("-")


class ChecklistItemEntry(Entry):
    """An item is written as its text alone when its slug is the one its text gives."""

    format_type: ClassVar[str] = "text, or a mapping `{slug, text}`"

    slug: Slug | None = None
    """Stable key within the checklist; when omitted, derived from `text`."""
    text: Text = Field(max_length=chars(ChecklistItem.text))
    """One checkbox; plain text without `- [ ]` or ✅."""

    @model_validator(mode="before")
    @classmethod
    def _text_alone(cls, data: Any) -> Any:
        return {"text": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _slug_from_text(self) -> ChecklistItemEntry:
        if self.slug is None:
            self.slug = derived_item_slug(self.text)
            if not self.slug:
                raise PydanticCustomError("slug", "needs a `slug`: its text gives none")
        return self

    @model_serializer(mode="wrap")
    def _text_when_slug_derived(self, handler) -> Any:
        if self.slug in (None, derived_item_slug(self.text)):
            return self.text
        return handler(self)


class ChecklistEntry(Entry):
    slug: Slug
    """Identifier; learners' ticks are kept against it. Prefer appending items to reordering
    or rewording them."""
    title: Text = Field(max_length=chars(Checklist.title))
    """Checklist heading ("Tracking Progress")."""
    intro: Text = Field("", max_length=chars(Checklist.intro))
    """Line above the items."""
    items: list[ChecklistItemEntry]
    """One checkbox per item, in order."""

    @field_validator("items", mode="after")
    @classmethod
    def _unique_items(cls, items: list[ChecklistItemEntry]) -> list[ChecklistItemEntry]:
        problems = Problems("ChecklistEntry")
        problems.unique((), (item.slug for item in items), "item slug")
        problems.raise_any()
        return items
