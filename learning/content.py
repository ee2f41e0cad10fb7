"""The roadmap as one YAML document: validate it, import it (upsert by slug), export it again.

The format is described in content/README.md. Import is all-or-nothing: a document with any
problem is refused with every problem named (file, entry, field) and nothing is written. It never
deletes anything, so learners' records attached to content are never lost by an import.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from core.graph import find_cycle
from core.models import PublicationStatus
from core.rendering import PAGE_LINK
from papers.models import GlossaryTerm, Page, Paper, Topic, TopicPaper

from .models import (
    Audience,
    Checklist,
    ChecklistItem,
    Depth,
    DepthKey,
    Path,
    PathSection,
    Phase,
    RoadmapInfo,
    Step,
    StepPaper,
)

FORMAT = "learning-roadmap/1"
DEPTHS = [choice.value for choice in DepthKey]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAPER_LINK_WITH_NUMBER = re.compile(r"\./(?P<number>\d{2})-(?P<slug>[a-z0-9-]+)/summary\.md")
# libyaml's C parser and emitter when PyYAML was built with it (its wheels are): ~30x faster.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YamlDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
TOP_LEVEL = ["site", "depths", "papers", "topics", "glossary", "pages", "paths", "checklists"]


class ContentError(Exception):
    """A content document that cannot be imported; `problems` names each one."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def rows(self) -> list[tuple[str, int, int, int]]:
        """(kind, added, changed, unchanged) per kind of content, for the admin's dry run."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [(k, self.created[k], self.updated[k], self.unchanged[k]) for k in kinds]

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "loaded"
        return (
            f"{self.source}: {verb}: {sum(self.created.values())} created, "
            f"{sum(self.updated.values())} updated, {sum(self.unchanged.values())} unchanged"
        )


# --- Reading and validating -------------------------------------------------------------------


def parse_document(text: str, source: str) -> dict:
    try:
        document = yaml.load(text, Loader=YamlLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(source, [f"not valid YAML: {where}{problem}"]) from None
    if not isinstance(document, dict):
        raise ContentError(
            source, ["the document must be a mapping with the keys " + ", ".join(TOP_LEVEL)]
        )
    return document


class _Checker:
    """Collects problems with their location instead of stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.add(where, "must be a mapping")
            return {}
        return value

    def items(self, parent: dict, key: str, where: str) -> list:
        value = parent.get(key)
        if value is None:
            self.add(where, f"'{key}' is required (a list)")
            return []
        if not isinstance(value, list):
            self.add(where, f"'{key}' must be a list")
            return []
        return value

    def text(self, entry: dict, key: str, where: str, *, required=True, max_length=None):
        value = entry.get(key)
        if value is None or value == "":
            if required:
                self.add(where, f"'{key}' is required")
            return ""
        if not isinstance(value, str):
            self.add(where, f"'{key}' must be text")
            return ""
        if max_length and len(value) > max_length:
            self.add(where, f"'{key}' is longer than {max_length} characters")
        if "\x00" in value:
            self.add(where, f"'{key}' contains a NUL character")
        return value

    def slug(self, entry: dict, key: str, where: str) -> str:
        value = entry.get(key)
        if not isinstance(value, str) or not SLUG.match(value) or len(value) > 80:
            self.add(
                where, f"'{key}' must be a slug (lowercase words joined by hyphens), got {value!r}"
            )
            return ""
        return value

    def integer(self, entry: dict, key: str, where: str, *, minimum=0, maximum=9999) -> int:
        value = entry.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
            self.add(
                where, f"'{key}' must be a whole number from {minimum} to {maximum}, got {value!r}"
            )
            return minimum
        return value

    def hours(self, entry: dict, where: str) -> dict[str, Decimal]:
        value = entry.get("hours")
        if not isinstance(value, dict) or set(value) != set(DEPTHS):
            self.add(where, "'hours' must be a mapping with exactly quick, thorough and deep")
            return dict.fromkeys(DEPTHS, Decimal(0))
        result = {}
        for depth in DEPTHS:
            number = value[depth]
            try:
                if isinstance(number, bool) or not isinstance(number, int | float | str):
                    raise InvalidOperation
                amount = Decimal(str(number)).quantize(Decimal("0.01"))
                if amount < 0 or amount >= 10_000:
                    raise InvalidOperation
            except InvalidOperation:
                self.add(where, f"'hours.{depth}' must be a number from 0 to 9999, got {number!r}")
                amount = Decimal(0)
            result[depth] = amount
        return result

    def slugs(self, entry: dict, key: str, where: str, known: set[str], kind: str) -> list[str]:
        value = entry.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            self.add(where, f"'{key}' must be a list of {kind} slugs")
            return []
        result = []
        for slug in value:
            if not isinstance(slug, str):
                self.add(where, f"'{key}' must list {kind} slugs as text, got {slug!r}")
            elif slug not in known:
                self.add(where, f"'{key}' names an unknown {kind}: {slug!r}")
            elif slug in result:
                self.add(where, f"'{key}' names {slug!r} twice")
            else:
                result.append(slug)
        return result

    def choice(self, entry: dict, key: str, where: str, choices: list[str], default=None):
        value = entry.get(key, default)
        if value not in choices:
            self.add(where, f"'{key}' must be one of {', '.join(choices)}, got {value!r}")
            return default or choices[0]
        return value

    def unique(self, values: list, where: str, what: str) -> None:
        for value, count in Counter(values).items():
            if value and count > 1:
                self.add(where, f"{what} {value!r} is used {count} times")


def _flag(check: _Checker, entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        check.add(where, f"'{key}' must be true or false, got {value!r}")
        return False
    return value


def _label(collection: str, index: int, entry: Any, key: str = "slug") -> str:
    name = entry.get(key) if isinstance(entry, dict) else None
    return f"{collection}[{index}]" + (f" ({name})" if name else "")


def validate_document(document: dict, source: str) -> dict:
    """Check the whole document; return it normalized, or raise ContentError naming each problem."""
    check = _Checker()
    if document.get("format") != FORMAT:
        check.add("format", f"must be {FORMAT!r}, got {document.get('format')!r}")
    for key in document:
        if key not in [*TOP_LEVEL, "format"]:
            check.add(key, "is not a known top-level key")

    site = check.mapping(document.get("site"), "site")
    last_updated = site.get("last_updated")
    if isinstance(last_updated, str):
        try:
            last_updated = datetime.date.fromisoformat(last_updated)
        except ValueError:
            check.add("site", f"'last_updated' must be a date YYYY-MM-DD, got {last_updated!r}")
            last_updated = None
    elif last_updated is not None and not isinstance(last_updated, datetime.date):
        check.add("site", "'last_updated' must be a date YYYY-MM-DD")
        last_updated = None
    normalized: dict[str, Any] = {
        "site": {
            "title": check.text(site, "title", "site", max_length=200),
            "tagline": check.text(site, "tagline", "site", max_length=300),
            "topics_intro": check.text(
                site, "topics_intro", "site", required=False, max_length=300
            ),
            "closing_note": check.text(site, "closing_note", "site", required=False),
            "last_updated": last_updated,
        }
    }

    depths = []
    for i, entry in enumerate(check.items(document, "depths", "depths")):
        where = _label("depths", i, entry, "key")
        entry = check.mapping(entry, where)
        depths.append(
            {
                "key": check.choice(entry, "key", where, DEPTHS),
                "label": check.text(entry, "label", where, max_length=40),
                "description": check.text(entry, "description", where, max_length=300),
            }
        )
    check.unique([d["key"] for d in depths], "depths", "depth")
    normalized["depths"] = depths

    raw_papers = check.items(document, "papers", "papers")
    paper_slugs = {
        p.get("slug") for p in raw_papers if isinstance(p, dict) and isinstance(p.get("slug"), str)
    }
    papers = []
    for i, entry in enumerate(raw_papers):
        where = _label("papers", i, entry)
        entry = check.mapping(entry, where)
        papers.append(
            {
                "slug": check.slug(entry, "slug", where),
                "number": check.integer(entry, "number", where, minimum=1),
                "short_name": check.text(entry, "short_name", where, max_length=80),
                "title": check.text(entry, "title", where, max_length=300),
                "authors": check.text(entry, "authors", where),
                "year": check.integer(entry, "year", where, minimum=1900, maximum=2100),
                "venue": check.text(entry, "venue", where, max_length=120),
                "url": check.text(entry, "url", where, max_length=500),
                "summary": check.text(entry, "summary", where),
                "why_it_matters": check.text(entry, "why_it_matters", where),
                "core_idea": check.text(entry, "core_idea", where),
                "focus_points": check.text(entry, "focus_points", where, required=False),
                "key_takeaway": check.text(entry, "key_takeaway", where),
                "further_reading": check.text(entry, "further_reading", where, required=False),
                "hours": check.hours(entry, where),
                "prerequisites": check.slugs(entry, "prerequisites", where, paper_slugs, "paper"),
                "status": check.choice(
                    entry, "status", where, PublicationStatus.values, PublicationStatus.PUBLISHED
                ),
            }
        )
        url = papers[-1]["url"]
        if url and not url.startswith(("https://", "http://")):
            check.add(where, f"'url' must start with https:// or http://, got {url!r}")
        if papers[-1]["slug"] in papers[-1]["prerequisites"]:
            check.add(where, "a paper cannot be its own prerequisite")
    check.unique([p["slug"] for p in papers], "papers", "slug")
    check.unique([p["number"] for p in papers], "papers", "number")
    cycle = find_cycle({p["slug"]: p["prerequisites"] for p in papers})
    if cycle:
        check.add("papers", "prerequisites form a cycle: " + " → ".join(cycle))
    normalized["papers"] = papers
    number_of = {p["slug"]: p["number"] for p in papers}

    topics = []
    for i, entry in enumerate(check.items(document, "topics", "topics")):
        where = _label("topics", i, entry)
        entry = check.mapping(entry, where)
        topics.append(
            {
                "slug": check.slug(entry, "slug", where),
                "title": check.text(entry, "title", where, max_length=120),
                "question": check.text(entry, "question", where, max_length=200),
                "description": check.text(entry, "description", where, required=False),
                "papers": check.slugs(entry, "papers", where, paper_slugs, "paper"),
            }
        )
    check.unique([t["slug"] for t in topics], "topics", "slug")
    normalized["topics"] = topics

    glossary = []
    for i, entry in enumerate(check.items(document, "glossary", "glossary")):
        where = _label("glossary", i, entry)
        entry = check.mapping(entry, where)
        glossary.append(
            {
                "slug": check.slug(entry, "slug", where),
                "term": check.text(entry, "term", where, max_length=200),
                "definition": check.text(entry, "definition", where),
                "papers": check.slugs(entry, "papers", where, paper_slugs, "paper"),
                "status": check.choice(
                    entry, "status", where, PublicationStatus.values, PublicationStatus.PUBLISHED
                ),
            }
        )
    check.unique([g["slug"] for g in glossary], "glossary", "slug")
    normalized["glossary"] = glossary

    pages = []
    for i, entry in enumerate(check.items(document, "pages", "pages")):
        where = _label("pages", i, entry)
        entry = check.mapping(entry, where)
        pages.append(
            {
                "slug": check.slug(entry, "slug", where),
                "title": check.text(entry, "title", where, max_length=200),
                "body": check.text(entry, "body", where),
                "status": check.choice(
                    entry, "status", where, PublicationStatus.values, PublicationStatus.PUBLISHED
                ),
            }
        )
    check.unique([p["slug"] for p in pages], "pages", "slug")
    normalized["pages"] = pages
    page_slugs = {p["slug"] for p in pages}

    paths = []
    for i, entry in enumerate(check.items(document, "paths", "paths")):
        where = _label("paths", i, entry)
        entry = check.mapping(entry, where)
        path = {
            "slug": check.slug(entry, "slug", where),
            "number": check.integer(entry, "number", where),
            "title": check.text(entry, "title", where, max_length=200),
            "audience": check.text(entry, "audience", where, max_length=200),
            "audience_key": check.choice(entry, "audience_key", where, Audience.values),
            "goal": check.text(entry, "goal", where, max_length=300),
            "time_estimate": check.text(entry, "time_estimate", where, max_length=80),
            "prerequisites": check.text(entry, "prerequisites", where, max_length=300),
            "hours": check.hours(entry, where),
            "hours_note": check.text(entry, "hours_note", where, required=False, max_length=80),
            "status": check.choice(entry, "status", where, PublicationStatus.values),
            "after_completing": check.text(entry, "after_completing", where, required=False),
            "phases": [],
            "sections": [],
        }
        for j, phase_entry in enumerate(check.items(entry, "phases", where)):
            phase_where = f"{where} phases[{j}]"
            phase_entry = check.mapping(phase_entry, phase_where)
            label = check.text(phase_entry, "label", phase_where, max_length=40)
            phase = {
                "slug": phase_entry.get("slug") or slugify(label),
                "label": label,
                "title": check.text(phase_entry, "title", phase_where, max_length=200),
                "duration": check.text(
                    phase_entry, "duration", phase_where, required=False, max_length=40
                ),
                "goal": check.text(
                    phase_entry, "goal", phase_where, required=False, max_length=300
                ),
                "steps": [],
            }
            if phase_entry.get("slug") is not None:
                check.slug(phase_entry, "slug", phase_where)
            elif label and not phase["slug"]:
                check.add(phase_where, "needs a 'slug': its label gives none")
            for k, step_entry in enumerate(check.items(phase_entry, "steps", phase_where)):
                step_where = f"{phase_where} steps[{k}]" + (
                    f" ({step_entry.get('slug')})" if isinstance(step_entry, dict) else ""
                )
                step_entry = check.mapping(step_entry, step_where)
                phase["steps"].append(
                    {
                        "slug": check.slug(step_entry, "slug", step_where),
                        "label": check.text(
                            step_entry, "label", step_where, required=False, max_length=40
                        ),
                        "title": check.text(step_entry, "title", step_where, max_length=200),
                        "subtitle": check.text(
                            step_entry, "subtitle", step_where, required=False, max_length=200
                        ),
                        "duration": check.text(
                            step_entry, "duration", step_where, required=False, max_length=40
                        ),
                        "papers": check.slugs(
                            step_entry, "papers", step_where, paper_slugs, "paper"
                        ),
                        "body": check.text(step_entry, "body", step_where, required=False),
                        "key_takeaway": check.text(
                            step_entry, "key_takeaway", step_where, required=False
                        ),
                        "archived": _flag(check, step_entry, "archived", step_where),
                    }
                )
            path["phases"].append(phase)
        check.unique([p["slug"] for p in path["phases"]], where, "phase slug")
        check.unique([s["slug"] for p in path["phases"] for s in p["steps"]], where, "step slug")
        for j, section_entry in enumerate(check.items(entry, "sections", where)):
            section_where = _label(f"{where} sections", j, section_entry)
            section_entry = check.mapping(section_entry, section_where)
            path["sections"].append(
                {
                    "slug": check.slug(section_entry, "slug", section_where),
                    "title": check.text(section_entry, "title", section_where, max_length=200),
                    "body": check.text(section_entry, "body", section_where),
                }
            )
        check.unique([s["slug"] for s in path["sections"]], where, "section slug")
        paths.append(path)
    check.unique([p["slug"] for p in paths], "paths", "slug")
    normalized["paths"] = paths

    checklists = []
    for i, entry in enumerate(check.items(document, "checklists", "checklists")):
        where = _label("checklists", i, entry)
        entry = check.mapping(entry, where)
        items = []
        for j, item in enumerate(check.items(entry, "items", where)):
            item_where = f"{where} items[{j}]"
            if isinstance(item, str):
                item = {"text": item}
            item = check.mapping(item, item_where)
            text = check.text(item, "text", item_where, max_length=300)
            slug = item.get("slug") or slugify(text)[:80].strip("-")
            if item.get("slug") is not None:
                check.slug(item, "slug", item_where)
            elif text and not slug:
                check.add(item_where, "needs a 'slug': its text gives none")
            items.append({"slug": slug, "text": text})
        check.unique([item["slug"] for item in items], where, "item slug")
        checklists.append(
            {
                "slug": check.slug(entry, "slug", where),
                "title": check.text(entry, "title", where, max_length=200),
                "intro": check.text(entry, "intro", where, required=False, max_length=300),
                "items": items,
            }
        )
    check.unique([c["slug"] for c in checklists], "checklists", "slug")
    normalized["checklists"] = checklists

    _check_links(check, normalized, number_of, page_slugs)
    if check.problems:
        raise ContentError(source, check.problems)
    return normalized


def _markdown_fields(document: dict):
    """Yield (where, text) for every Markdown field, to check its links."""
    yield "site", document["site"]["closing_note"]
    for paper in document["papers"]:
        for key in ("summary", "why_it_matters", "core_idea", "focus_points", "further_reading"):
            yield f"papers ({paper['slug']}) {key}", paper[key]
    for term in document["glossary"]:
        yield f"glossary ({term['slug']})", term["definition"]
    for page in document["pages"]:
        yield f"pages ({page['slug']})", page["body"]
    for path in document["paths"]:
        yield f"paths ({path['slug']}) after_completing", path["after_completing"]
        for phase in path["phases"]:
            for step in phase["steps"]:
                yield f"paths ({path['slug']}) step {step['slug']}", step["body"]
        for section in path["sections"]:
            yield f"paths ({path['slug']}) section {section['slug']}", section["body"]


def _check_links(check: _Checker, document: dict, number_of: dict, page_slugs: set) -> None:
    for where, text in _markdown_fields(document):
        for match in PAPER_LINK_WITH_NUMBER.finditer(text or ""):
            slug, number = match["slug"], int(match["number"])
            if slug not in number_of:
                check.add(where, f"links to an unknown paper: {match.group(0)}")
            elif number_of[slug] != number:
                check.add(
                    where,
                    f"link {match.group(0)} has number {number:02d} but {slug} is "
                    f"number {number_of[slug]:02d}",
                )
        for match in PAGE_LINK.finditer(text or ""):
            name = match["name"]
            if name != "GLOSSARY" and name.lower().replace("_", "-") not in page_slugs:
                check.add(where, f"links to an unknown page: {match.group(0)}")


# --- Importing --------------------------------------------------------------------------------


def _differs(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) or isinstance(wanted, Decimal):
        return Decimal(str(current)) != Decimal(str(wanted))
    return current != wanted


class _Importer:
    def __init__(self, report: ImportReport):
        self.report = report
        self.created: set[tuple[type, int]] = set()

    def upsert(self, model, lookup: dict, values: dict):
        kind = model._meta.verbose_name_plural
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.report.created[kind] += 1
            self.created.add((model, obj.pk))
            return obj
        changed = [name for name, value in values.items() if _differs(getattr(obj, name), value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
            self.report.updated[kind] += 1
        else:
            self.report.unchanged[kind] += 1
        return obj

    def ordered_links(self, owner, link_model, owner_field, target_field, targets: list, kind):
        """Make owner's ordered links equal `targets`; count one change when they differ."""
        current = list(
            link_model.objects.filter(**{owner_field: owner})
            .order_by("position")
            .values_list(f"{target_field}_id", flat=True)
        )
        wanted = [target.pk for target in targets]
        if current == wanted:
            return
        link_model.objects.filter(**{owner_field: owner}).delete()
        link_model.objects.bulk_create(
            link_model(**{owner_field: owner, target_field: target, "position": position})
            for position, target in enumerate(targets)
        )
        self._count_link_change(owner, kind)

    def plain_links(self, manager, targets: list, kind) -> None:
        if {obj.pk for obj in manager.all()} != {t.pk for t in targets}:
            manager.set(targets)
            self._count_link_change(manager.instance, kind)

    def _count_link_change(self, owner, kind) -> None:
        """Links of an object created in this import are part of its creation, not a change."""
        if (type(owner), owner.pk) not in self.created:
            self.report.updated[kind] += 1


def _hours(hours: dict) -> dict:
    return {f"hours_{depth}": hours[depth] for depth in DEPTHS}


@transaction.atomic
def content_import(*, document: dict, source: str, dry_run: bool = False) -> ImportReport:
    """Validate and upsert a whole content document; all or nothing. Returns what changed."""
    data = validate_document(document, source)
    personal = set(
        Path.objects.filter(
            slug__in=[p["slug"] for p in data["paths"]], owner__isnull=False
        ).values_list("slug", flat=True)
    )
    if personal:
        raise ContentError(
            source,
            [
                f"paths ({slug}): this slug belongs to a learner's personal path; choose another"
                for slug in sorted(personal)
            ],
        )
    report = ImportReport(source=source, dry_run=dry_run)
    imp = _Importer(report)

    site = data["site"]
    imp.upsert(RoadmapInfo, {"pk": 1}, dict(site.items()))
    for position, depth in enumerate(data["depths"]):
        imp.upsert(
            Depth,
            {"key": depth["key"]},
            {"label": depth["label"], "description": depth["description"], "position": position},
        )

    papers = {}
    for paper in data["papers"]:
        values = {k: v for k, v in paper.items() if k not in ("slug", "hours", "prerequisites")}
        # Numbers are unique: move a number out of the way if another paper holds it now.
        holder = Paper.objects.filter(number=paper["number"]).exclude(slug=paper["slug"])
        if holder.exists():
            highest = Paper.objects.aggregate(highest=Max("number"))["highest"]
            holder.update(number=max(highest, 9999) + 1)
        papers[paper["slug"]] = imp.upsert(
            Paper, {"slug": paper["slug"]}, {**values, **_hours(paper["hours"])}
        )
    for paper in data["papers"]:
        obj = papers[paper["slug"]]
        imp.plain_links(
            obj.prerequisites, [papers[s] for s in paper["prerequisites"]], "prerequisites"
        )

    for position, topic in enumerate(data["topics"]):
        obj = imp.upsert(
            Topic,
            {"slug": topic["slug"]},
            {
                "title": topic["title"],
                "question": topic["question"],
                "description": topic["description"],
                "position": position,
            },
        )
        imp.ordered_links(
            obj, TopicPaper, "topic", "paper", [papers[s] for s in topic["papers"]], "topic tracks"
        )

    for term in data["glossary"]:
        obj = imp.upsert(
            GlossaryTerm,
            {"slug": term["slug"]},
            {"term": term["term"], "definition": term["definition"], "status": term["status"]},
        )
        imp.plain_links(obj.papers, [papers[s] for s in term["papers"]], "glossary links")

    for position, page in enumerate(data["pages"]):
        imp.upsert(
            Page,
            {"slug": page["slug"]},
            {
                "title": page["title"],
                "body": page["body"],
                "status": page["status"],
                "position": position,
            },
        )

    for path in data["paths"]:
        values = {k: v for k, v in path.items() if k not in ("slug", "hours", "phases", "sections")}
        path_obj = imp.upsert(Path, {"slug": path["slug"]}, {**values, **_hours(path["hours"])})
        for phase_position, phase in enumerate(path["phases"]):
            phase_obj = imp.upsert(
                Phase,
                {"path": path_obj, "slug": phase["slug"]},
                {
                    "label": phase["label"],
                    "title": phase["title"],
                    "duration": phase["duration"],
                    "goal": phase["goal"],
                    "position": phase_position,
                },
            )
            for step_position, step in enumerate(phase["steps"]):
                step_obj = imp.upsert(
                    Step,
                    {"path": path_obj, "slug": step["slug"]},
                    {
                        "phase": phase_obj,
                        "position": step_position,
                        **{k: v for k, v in step.items() if k not in ("slug", "papers")},
                    },
                )
                imp.ordered_links(
                    step_obj,
                    StepPaper,
                    "step",
                    "paper",
                    [papers[s] for s in step["papers"]],
                    "step papers",
                )
        for position, section in enumerate(path["sections"]):
            imp.upsert(
                PathSection,
                {"path": path_obj, "slug": section["slug"]},
                {"title": section["title"], "body": section["body"], "position": position},
            )

    for position, checklist in enumerate(data["checklists"]):
        checklist_obj = imp.upsert(
            Checklist,
            {"slug": checklist["slug"]},
            {"title": checklist["title"], "intro": checklist["intro"], "position": position},
        )
        for item_position, item in enumerate(checklist["items"]):
            imp.upsert(
                ChecklistItem,
                {"checklist": checklist_obj, "slug": item["slug"]},
                {"text": item["text"], "position": item_position},
            )

    if dry_run:
        transaction.set_rollback(True)
    return report


def content_import_text(*, text: str, source: str, dry_run: bool = False) -> ImportReport:
    return content_import(document=parse_document(text, source), source=source, dry_run=dry_run)


# --- Exporting --------------------------------------------------------------------------------


class _FlowList(list):
    pass


class _FlowDict(dict):
    pass


class _Dumper(YamlDumper):
    pass


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    if style and value != value.rstrip("\n") + "\n":
        value = value.rstrip("\n") + "\n"  # literal blocks keep exactly one final newline
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)
_Dumper.add_representer(
    _FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)
_Dumper.add_representer(
    Decimal,
    lambda d, v: d.represent_int(int(v)) if v == v.to_integral() else d.represent_float(float(v)),
)


def _export_hours(obj) -> _FlowDict:
    return _FlowDict({depth: obj.hours_for(depth) for depth in DEPTHS})


def content_export() -> dict:
    """The whole roadmap as a document that content_import accepts and reproduces exactly."""
    info = RoadmapInfo.objects.filter(pk=1).first()
    document: dict[str, Any] = {"format": FORMAT}
    document["site"] = {
        "title": info.title if info else "",
        "tagline": info.tagline if info else "",
        "topics_intro": info.topics_intro if info else "",
        "closing_note": info.closing_note if info else "",
        "last_updated": info.last_updated.isoformat() if info and info.last_updated else None,
    }
    document["depths"] = [
        {"key": d.key, "label": d.label, "description": d.description} for d in Depth.objects.all()
    ]
    document["papers"] = [
        {
            "slug": p.slug,
            "number": p.number,
            "short_name": p.short_name,
            "title": p.title,
            "authors": p.authors,
            "year": p.year,
            "venue": p.venue,
            "url": p.url,
            "status": p.status,
            "summary": p.summary,
            "why_it_matters": p.why_it_matters,
            "core_idea": p.core_idea,
            "focus_points": p.focus_points,
            "key_takeaway": p.key_takeaway,
            "hours": _export_hours(p),
            "prerequisites": _FlowList(
                q.slug for q in sorted(p.prerequisites.all(), key=lambda q: q.number)
            ),
            "further_reading": p.further_reading,
        }
        for p in Paper.objects.prefetch_related("prerequisites")
    ]
    document["topics"] = [
        {
            "slug": t.slug,
            "title": t.title,
            "question": t.question,
            "description": t.description,
            "papers": _FlowList(link.paper.slug for link in t.track.all()),
        }
        for t in Topic.objects.prefetch_related("track__paper")
    ]
    document["glossary"] = [
        {
            "slug": g.slug,
            "term": g.term,
            "definition": g.definition,
            "papers": _FlowList(p.slug for p in g.papers.all()),
            **({"status": g.status} if g.is_draft else {}),
        }
        for g in GlossaryTerm.objects.prefetch_related("papers")
    ]
    document["pages"] = [
        {"slug": p.slug, "title": p.title, "status": p.status, "body": p.body}
        for p in Page.objects.all()
    ]
    document["paths"] = []
    paths = (
        Path.objects.curated()
        .prefetch_related("phases__steps__step_papers__paper", "sections")
        .order_by("number", "title")
    )
    for path in paths:
        phases = []
        for phase in path.phases.all():
            entry = {"label": phase.label}
            if phase.slug != slugify(phase.label):
                entry["slug"] = phase.slug
            entry.update(title=phase.title, duration=phase.duration, goal=phase.goal)
            entry["steps"] = [
                {
                    "slug": s.slug,
                    "label": s.label,
                    "title": s.title,
                    "subtitle": s.subtitle,
                    "duration": s.duration,
                    "papers": _FlowList(link.paper.slug for link in s.step_papers.all()),
                    "body": s.body,
                    "key_takeaway": s.key_takeaway,
                    **({"archived": True} if s.archived else {}),
                }
                for s in sorted(phase.steps.all(), key=lambda s: s.position)
            ]
            phases.append(entry)
        document["paths"].append(
            {
                "slug": path.slug,
                "number": path.number,
                "title": path.title,
                "audience": path.audience,
                "audience_key": path.audience_key,
                "goal": path.goal,
                "time_estimate": path.time_estimate,
                "prerequisites": path.prerequisites,
                "hours": _export_hours(path),
                "hours_note": path.hours_note,
                "status": path.status,
                "after_completing": path.after_completing,
                "phases": phases,
                "sections": [
                    {"slug": s.slug, "title": s.title, "body": s.body} for s in path.sections.all()
                ],
            }
        )
    document["checklists"] = [
        {
            "slug": c.slug,
            "title": c.title,
            "intro": c.intro,
            "items": [
                item.text
                if item.slug == slugify(item.text)[:80].strip("-")
                else {"slug": item.slug, "text": item.text}
                for item in c.items.all()
            ],
        }
        for c in Checklist.objects.prefetch_related("items")
    ]
    return document


def dump_document(document: dict) -> str:
    header = (
        "# Learning Roadmap content: the whole roadmap as data.\n"
        "# Format reference: content/README.md. Edit by hand or through /admin/ and re-export.\n"
    )
    return header + yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000
    )
