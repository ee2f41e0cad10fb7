"""What an import did (or, in a dry run, would do): counts per kind of record, what could not be
placed, and notes in words. The dry run's page and the confirmation show it."""

from __future__ import annotations

from dataclasses import dataclass, field


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


def _tallies() -> dict[str, Tally]:
    return {
        "personal_paths": Tally("Personal paths"),
        "personal_steps": Tally("Steps of personal paths"),
        "enrollments": Tally("Paths you follow"),
        "progress": Tally("Step statuses and notes"),
        "events": Tally("History of status changes"),
        "checklists": Tally("Checklist ticks"),
    }


@dataclass
class ImportReport:
    dry_run: bool
    tallies: dict[str, Tally] = field(default_factory=_tallies)
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


def listing(names: list[str], limit: int = 8) -> str:
    """Names for a sentence, the first `limit` of them: a report stays readable."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
