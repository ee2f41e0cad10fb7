"""The content file's format, declared once: every key, its type, limits, default and meaning.

Declared with pydantic v2 because it is the best-kept declarative schema library for Python:
field types, constraints, defaults and per-field descriptions in one class, errors that carry
the path to the field, and a JSON schema for free. Validation (`RoadmapDocument.model_validate`),
import (`importer`), export (`exporter`) and the key tables of content/README.md (`reference`)
all follow from these classes. The entries live in schema_library.py and schema_paths.py.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .fields import Entry
from .problems import Problems, check_links, check_paper_references, check_unique_slugs
from .schema_library import DepthEntry, GlossaryEntry, PageEntry, PaperEntry, SiteInfo, TopicEntry
from .schema_paths import (
    ChecklistEntry,
    ChecklistItemEntry,
    PathEntry,
    PhaseEntry,
    SectionEntry,
    StepEntry,
)

FORMAT = "learning-roadmap/1"


class RoadmapDocument(Entry):
    """The whole file."""

    format: Literal["learning-roadmap/1"]
    """Always `learning-roadmap/1`. Changes only if the format changes incompatibly."""
    site: SiteInfo
    """The roadmap's own texts."""
    depths: list[DepthEntry]
    """The reading depths a learner picks from, keys `quick`, `thorough`, `deep`."""
    papers: list[PaperEntry]
    """The papers, in reading order."""
    topics: list[TopicEntry]
    """Interests for "Customizing Your Path" and the path builder."""
    glossary: list[GlossaryEntry]
    """Glossary terms."""
    pages: list[PageEntry]
    """Reference pages."""
    paths: list[PathEntry]
    """The curated paths."""
    checklists: list[ChecklistEntry]
    """Checklists a learner ticks off."""

    @model_validator(mode="after")
    def _references(self) -> RoadmapDocument:
        """Slugs are unique, every reference names a real entry, links point somewhere real."""
        problems = Problems("RoadmapDocument")
        check_unique_slugs(problems, self)
        check_paper_references(problems, self)
        check_links(problems, self)
        problems.raise_any()
        return self


ENTRIES = [
    RoadmapDocument,
    SiteInfo,
    DepthEntry,
    PaperEntry,
    TopicEntry,
    GlossaryEntry,
    PageEntry,
    PathEntry,
    PhaseEntry,
    StepEntry,
    SectionEntry,
    ChecklistEntry,
    ChecklistItemEntry,
]
