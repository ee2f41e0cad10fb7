"""Import a content document: validate it, then create or update every entry by its slug.

All or nothing: a document with any problem is refused with every problem named and nothing is
written. Nothing is ever deleted, so learners' records attached to content are never lost.
An entry counts as changed only when a value differs in its canonical form (text with `\\n` line
endings and no surrounding whitespace, hours as numbers, order rather than position numbers), so
importing an unmodified export changes nothing.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from pydantic import ValidationError

from core.models import DepthKey
from learning.models import (
    Checklist,
    ChecklistItem,
    Depth,
    Path,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
)
from papers.models import GlossaryTerm, Page, Paper, Topic, TopicPaper

from .errors import ContentError, problem_lines
from .fields import canonical_text
from .report import FieldChange, ImportReport
from .schema import PathEntry, RoadmapDocument
from .yaml_io import parse_document

# Columns whose key in the file is spelled differently, for the report.
KEY_OF_COLUMN = {f"hours_{depth}": f"hours.{depth}" for depth in DepthKey.values}


def validate_document(document: Any, source: str) -> RoadmapDocument:
    """The document checked against the schema, or ContentError naming each problem."""
    try:
        return RoadmapDocument.model_validate(document)
    except ValidationError as error:
        raise ContentError(source, problem_lines(error, document)) from None


def differs(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        return Decimal(str(current)) != Decimal(str(wanted))
    return canonical_text(current) != wanted


def kept_positions(current: list[int | None]) -> list[int]:
    """Positions for entries in the file's order: the ones they have when those are already in
    that order (a curator's 10, 20, 30 is the same order as 0, 1, 2), else 0, 1, 2…"""
    if None not in current and all(a < b for a, b in itertools.pairwise(current)):
        return current
    return list(range(len(current)))


class _Writer:
    """Upserts entries and records in the report what changed in each."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.created: set[tuple[type, int]] = set()
        self.displaced: dict[tuple[type, int], dict[str, Any]] = {}

    def upsert(self, model, lookup: dict, values: dict, *, where: str):
        self.report.saw(model._meta.verbose_name_plural, where)
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.report.added(where)
            self.created.add((model, obj.pk))
            return obj
        changed = [name for name, value in values.items() if differs(getattr(obj, name), value)]
        if changed:
            before = self.displaced.get((model, obj.pk), {})
            self.report.changed(
                where,
                [
                    FieldChange.of(
                        KEY_OF_COLUMN.get(name, name),
                        before.get(name, getattr(obj, name)),
                        values[name],
                    )
                    for name in changed
                ],
            )
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
        return obj

    def positions(self, model, parent: dict, slugs: list[str], key: str = "slug") -> list[int]:
        current = dict(
            model.objects.filter(**parent, **{f"{key}__in": slugs}).values_list(key, "position")
        )
        return kept_positions([current.get(slug) for slug in slugs])

    def ordered_papers(self, owner, link_model, papers: list[Paper], *, where: str) -> None:
        """Make owner's ordered paper links (a topic's track, a step's papers) equal `papers`."""
        name = owner._meta.model_name  # the link's field for its owner: "topic", "step"
        links = link_model.objects.filter(**{name: owner}).order_by("position")
        current = list(links.values_list("paper__slug", flat=True))
        wanted = [paper.slug for paper in papers]
        if current == wanted:
            return
        links.delete()
        link_model.objects.bulk_create(
            link_model(**{name: owner, "paper": paper, "position": position})
            for position, paper in enumerate(papers)
        )
        self._link_changed(owner, where, current, wanted)

    def paper_set(self, manager, papers: list[Paper], *, field: str, where: str) -> None:
        """Make an unordered set of paper links (prerequisites, related papers) equal `papers`."""
        current = sorted(manager.values_list("slug", flat=True))
        wanted = [paper.slug for paper in papers]
        if set(current) != set(wanted):
            manager.set(papers)
            self._link_changed(manager.instance, where, current, wanted, field=field)

    def _link_changed(self, owner, where, current, wanted, *, field="papers") -> None:
        """Links of an entry created by this import are part of its creation, not a change."""
        if (type(owner), owner.pk) not in self.created:
            self.report.changed(where, [FieldChange.of(field, current, wanted)])

    def free_paper_number(self, number: int, slug: str) -> None:
        """Numbers are unique: move a number out of the way if another paper holds it now."""
        for holder in Paper.objects.filter(number=number).exclude(slug=slug):
            self.displaced.setdefault((Paper, holder.pk), {"number": holder.number})
            highest = Paper.objects.aggregate(highest=Max("number"))["highest"]
            Paper.objects.filter(pk=holder.pk).update(number=max(highest, 9999) + 1)


@transaction.atomic
def content_import(*, document: Any, source: str, dry_run: bool = False) -> ImportReport:
    """Validate and upsert a whole content document; all or nothing. Returns what changed."""
    data = validate_document(document, source)
    _refuse_personal_paths(data.paths, source)
    report = ImportReport(source=source, dry_run=dry_run)
    writer = _Writer(report)
    writer.upsert(RoadmapInfo, {"pk": 1}, data.site.columns(), where="site")
    keys = [depth.key for depth in data.depths]
    for depth, position in zip(data.depths, writer.positions(Depth, {}, keys, "key"), strict=True):
        values = {**depth.columns(exclude=("key",)), "position": position}
        writer.upsert(Depth, {"key": depth.key}, values, where=f"depths[{depth.key}]")
    papers = _import_papers(writer, data)
    _import_library(writer, data, papers)
    for path in data.paths:
        _import_path(writer, path, papers)
    _import_checklists(writer, data)
    if dry_run:
        transaction.set_rollback(True)
    return report


def content_import_text(*, text: str, source: str, dry_run: bool = False) -> ImportReport:
    return content_import(document=parse_document(text, source), source=source, dry_run=dry_run)


def _refuse_personal_paths(paths: list[PathEntry], source: str) -> None:
    personal = Path.objects.filter(slug__in=[p.slug for p in paths], owner__isnull=False)
    slugs = sorted(personal.values_list("slug", flat=True))
    if slugs:
        raise ContentError(
            source,
            [
                f"paths[{slug}]: this slug belongs to a learner's personal path; choose another"
                for slug in slugs
            ],
        )


def _import_papers(writer: _Writer, data: RoadmapDocument) -> dict[str, Paper]:
    papers = {}
    for paper in data.papers:
        writer.free_paper_number(paper.number, paper.slug)
        papers[paper.slug] = writer.upsert(
            Paper, {"slug": paper.slug}, paper.columns(), where=f"papers[{paper.slug}]"
        )
    for paper in data.papers:  # prerequisites once every paper exists
        writer.paper_set(
            papers[paper.slug].prerequisites,
            [papers[slug] for slug in paper.prerequisites],
            field="prerequisites",
            where=f"papers[{paper.slug}]",
        )
    return papers


def _import_library(writer: _Writer, data: RoadmapDocument, papers: dict[str, Paper]) -> None:
    """Topics, glossary terms and reference pages."""
    slugs = [topic.slug for topic in data.topics]
    for topic, position in zip(data.topics, writer.positions(Topic, {}, slugs), strict=True):
        where = f"topics[{topic.slug}]"
        values = {**topic.columns(), "position": position}
        obj = writer.upsert(Topic, {"slug": topic.slug}, values, where=where)
        writer.ordered_papers(obj, TopicPaper, [papers[s] for s in topic.papers], where=where)
    for term in data.glossary:
        where = f"glossary[{term.slug}]"
        obj = writer.upsert(GlossaryTerm, {"slug": term.slug}, term.columns(), where=where)
        writer.paper_set(obj.papers, [papers[s] for s in term.papers], field="papers", where=where)
    slugs = [page.slug for page in data.pages]
    for page, position in zip(data.pages, writer.positions(Page, {}, slugs), strict=True):
        values = {**page.columns(), "position": position}
        writer.upsert(Page, {"slug": page.slug}, values, where=f"pages[{page.slug}]")


def _import_path(writer: _Writer, path: PathEntry, papers: dict[str, Paper]) -> None:
    where = f"paths[{path.slug}]"
    path_obj = writer.upsert(Path, {"slug": path.slug}, path.columns(), where=where)
    parent = {"path": path_obj}
    phase_slugs = [phase.slug for phase in path.phases]
    phase_positions = writer.positions(Phase, parent, phase_slugs)
    for phase, phase_position in zip(path.phases, phase_positions, strict=True):
        phase_where = f"{where}.phases[{phase.slug}]"
        values = {**phase.columns(), "position": phase_position}
        phase_obj = writer.upsert(Phase, {**parent, "slug": phase.slug}, values, where=phase_where)
        step_positions = writer.positions(Step, parent, [step.slug for step in phase.steps])
        for step, position in zip(phase.steps, step_positions, strict=True):
            step_where = f"{phase_where}.steps[{step.slug}]"
            values = {**step.columns(), "phase": phase_obj, "position": position}
            step_obj = writer.upsert(Step, {**parent, "slug": step.slug}, values, where=step_where)
            linked = [papers[slug] for slug in step.papers]
            writer.ordered_papers(step_obj, StepPaper, linked, where=step_where)
    section_slugs = [section.slug for section in path.sections]
    section_positions = writer.positions(PathSection, parent, section_slugs)
    for section, position in zip(path.sections, section_positions, strict=True):
        values = {**section.columns(), "position": position}
        lookup = {**parent, "slug": section.slug}
        writer.upsert(PathSection, lookup, values, where=f"{where}.sections[{section.slug}]")


def _import_checklists(writer: _Writer, data: RoadmapDocument) -> None:
    slugs = [checklist.slug for checklist in data.checklists]
    positions = writer.positions(Checklist, {}, slugs)
    for checklist, position in zip(data.checklists, positions, strict=True):
        where = f"checklists[{checklist.slug}]"
        values = {**checklist.columns(), "position": position}
        obj = writer.upsert(Checklist, {"slug": checklist.slug}, values, where=where)
        parent = {"checklist": obj}
        item_slugs = [item.slug for item in checklist.items]
        item_positions = writer.positions(ChecklistItem, parent, item_slugs)
        for item, item_position in zip(checklist.items, item_positions, strict=True):
            lookup = {**parent, "slug": item.slug}
            values = {**item.columns(), "position": item_position}
            writer.upsert(ChecklistItem, lookup, values, where=f"{where}.items[{item.slug}]")
