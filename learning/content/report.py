"""What an import changed, or would change: counts per kind of content, and for every entry that
changes, which fields, from what to what (long text cut around the change)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .fields import canonical_text

SHORT = 100  # values up to this long are shown whole
CONTEXT = 40  # characters kept on each side of the change in longer ones
ADDED_LISTED = 20  # added entries listed by name in the command's output; the rest counted


def shown_value(value: Any) -> str:
    """A value as the report shows it: one line (`↵` for line breaks), `(empty)` for nothing."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    slug = getattr(value, "slug", None)
    return str(slug if slug is not None else value).replace("\n", "↵")


def abbreviated(before: str, after: str) -> tuple[str, str]:
    """Both values cut to the part that differs with CONTEXT characters around it, "…" marking
    what is left out; short values are returned whole."""
    if len(before) <= SHORT and len(after) <= SHORT:
        return before, after
    prefix = 0
    while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(before), len(after)) - prefix and before[-1 - suffix] == after[-1 - suffix]
    ):
        suffix += 1
    start = max(0, prefix - CONTEXT)

    def cut(text: str) -> str:
        stop = min(len(text), len(text) - suffix + CONTEXT)
        return ("…" if start else "") + text[start:stop] + ("…" if stop < len(text) else "")

    return cut(before), cut(after)


@dataclass
class FieldChange:
    name: str
    before: str
    after: str

    @classmethod
    def of(cls, name: str, before: Any, after: Any) -> FieldChange:
        before, after = canonical_text(before), canonical_text(after)
        return cls(name, *abbreviated(shown_value(before), shown_value(after)))

    def __str__(self) -> str:
        return f"{self.name}: “{self.before}” → “{self.after}”"


@dataclass
class EntryChange:
    """One entry of the file, e.g. `paths[software-engineer].phases[week-1].steps[rag]`."""

    kind: str
    where: str
    added: bool = False
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    entries: dict[str, EntryChange] = field(default_factory=dict)

    # --- Recording, by the importer ---

    def saw(self, kind: str, where: str) -> None:
        self.entries.setdefault(where, EntryChange(kind, where))

    def added(self, where: str) -> None:
        self.entries[where].added = True

    def changed(self, where: str, changes: list[FieldChange]) -> None:
        self.entries[where].fields.extend(changes)

    # --- Reading ---

    @property
    def added_entries(self) -> list[EntryChange]:
        return [entry for entry in self.entries.values() if entry.added]

    @property
    def changed_entries(self) -> list[EntryChange]:
        return [entry for entry in self.entries.values() if entry.fields and not entry.added]

    def _count(self, state) -> Counter:
        return Counter(entry.kind for entry in self.entries.values() if state(entry))

    @property
    def created(self) -> Counter:
        return self._count(lambda entry: entry.added)

    @property
    def updated(self) -> Counter:
        return self._count(lambda entry: entry.fields and not entry.added)

    @property
    def unchanged(self) -> Counter:
        return self._count(lambda entry: not entry.fields and not entry.added)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def rows(self) -> list[tuple[str, int, int, int]]:
        """(kind, added, changed, unchanged) per kind of content, for the admin's dry run."""
        created, updated, unchanged = self.created, self.updated, self.unchanged
        kinds = sorted(set(created) | set(updated) | set(unchanged))
        return [(k, created[k], updated[k], unchanged[k]) for k in kinds]

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "loaded"
        return (
            f"{self.source}: {verb}: {sum(self.created.values())} created, "
            f"{sum(self.updated.values())} updated, {sum(self.unchanged.values())} unchanged"
        )

    def details(self) -> list[str]:
        """The changes line by line, for the command's output."""
        lines = []
        for entry in self.changed_entries:
            lines.append(f"  changed {entry.where}")
            lines.extend(f"    {change}" for change in entry.fields)
        added = self.added_entries
        lines.extend(f"  added {entry.where}" for entry in added[:ADDED_LISTED])
        if len(added) > ADDED_LISTED:
            lines.append(f"  … and {len(added) - ADDED_LISTED} more added")
        return lines
