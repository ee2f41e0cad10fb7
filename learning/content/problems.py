"""Checks that span entries (unique slugs, references between entries, links inside Markdown),
run by the schema's model validators and reported, like pydantic's own errors, per field."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from core.graph import find_cycle
from core.rendering import PAGE_LINK

from .fields import is_markdown

PAPER_LINK_WITH_NUMBER = re.compile(r"\./(?P<number>\d{2})-(?P<slug>[a-z0-9-]+)/summary\.md")


class Problems:
    """Problems found by one validator, raised together so every one of them is reported."""

    def __init__(self, title: str):
        self.title = title
        self.details: list[InitErrorDetails] = []

    def add(self, loc: tuple, message: str) -> None:
        self.details.append(
            InitErrorDetails(
                type=PydanticCustomError("content", "{message}", {"message": message}),
                loc=loc,
                input=None,
            )
        )

    def unique(self, loc: tuple, values: Iterable, what: str) -> None:
        for value, count in Counter(values).items():
            if count > 1:
                self.add(loc, f"{what} “{value}” is used {count} times")

    def raise_any(self) -> None:
        if self.details:
            raise ValidationError.from_exception_data(self.title, self.details)


def check_paper_references(problems: Problems, document) -> None:
    """Every paper named exists; prerequisites name other papers and never form a cycle."""
    known = {paper.slug for paper in document.papers}
    for loc, slugs in _paper_lists(document):
        for slug in slugs:
            if slug not in known:
                problems.add(loc, f"unknown paper “{slug}”")
    for i, paper in enumerate(document.papers):
        if paper.slug in paper.prerequisites:
            problems.add(("papers", i, "prerequisites"), "a paper cannot be its own prerequisite")
    cycle = find_cycle(
        {paper.slug: [s for s in paper.prerequisites if s in known] for paper in document.papers}
    )
    if cycle:
        problems.add(("papers",), "prerequisites form a cycle: " + " → ".join(cycle))


def _paper_lists(document) -> Iterator[tuple[tuple, list[str]]]:
    for i, paper in enumerate(document.papers):
        yield ("papers", i, "prerequisites"), paper.prerequisites
    for i, topic in enumerate(document.topics):
        yield ("topics", i, "papers"), topic.papers
    for i, term in enumerate(document.glossary):
        yield ("glossary", i, "papers"), term.papers
    for i, path in enumerate(document.paths):
        for j, phase in enumerate(path.phases):
            for k, step in enumerate(phase.steps):
                yield ("paths", i, "phases", j, "steps", k, "papers"), step.papers


def check_links(problems: Problems, document) -> None:
    """Links inside Markdown point at real papers (with their right number) and real pages."""
    number_of = {paper.slug: paper.number for paper in document.papers}
    page_slugs = {page.slug for page in document.pages}
    for loc, text in markdown_fields(document, ()):
        for match in PAPER_LINK_WITH_NUMBER.finditer(text):
            slug, number = match["slug"], int(match["number"])
            if slug not in number_of:
                problems.add(loc, f"links to an unknown paper: {match.group(0)}")
            elif number_of[slug] != number:
                problems.add(
                    loc,
                    f"link {match.group(0)} has number {number:02d} but {slug} is "
                    f"number {number_of[slug]:02d}",
                )
        for match in PAGE_LINK.finditer(text):
            name = match["name"]
            if name != "GLOSSARY" and name.lower().replace("_", "-") not in page_slugs:
                problems.add(loc, f"links to an unknown page: {match.group(0)}")


def markdown_fields(model: BaseModel, loc: tuple) -> Iterator[tuple[tuple, str]]:
    """(location, text) of every Markdown field in `model` and the entries inside it."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if is_markdown(field) and value:
            yield (*loc, name), value
        elif isinstance(value, BaseModel):
            yield from markdown_fields(value, (*loc, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from markdown_fields(item, (*loc, name, i))


def check_unique_slugs(problems: Problems, document) -> None:
    problems.unique(("depths",), (depth.key for depth in document.depths), "depth")
    for collection in ("papers", "topics", "glossary", "pages", "paths", "checklists"):
        entries = getattr(document, collection)
        problems.unique((collection,), (entry.slug for entry in entries), "slug")
    problems.unique(("papers",), (paper.number for paper in document.papers), "number")


def path_problems(path) -> Problems:
    """Within a path, phase, step and section slugs are each unique."""
    problems = Problems("PathEntry")
    problems.unique(("phases",), (phase.slug for phase in path.phases), "phase slug")
    steps = (step.slug for phase in path.phases for step in phase.steps)
    problems.unique((), steps, "step slug")
    problems.unique(("sections",), (section.slug for section in path.sections), "section slug")
    return problems
