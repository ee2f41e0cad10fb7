"""The content schema: one declaration of the format, whose problems read as one line each
(file, path to the field, what is wrong) and whose cross-references are checked."""

import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from learning.content import ContentError, RoadmapDocument, validate_document
from learning.content.schema import ENTRIES
from papers.models import Paper

STEP = "paths[software-engineer].phases[sprint-2].steps[rag]"


def problems(document) -> list[str]:
    with pytest.raises(ContentError) as refused:
        validate_document(document, "edited.yaml")
    assert refused.value.source == "edited.yaml"
    return refused.value.problems


def software_engineer_step(document, slug="rag"):
    path = next(p for p in document["paths"] if p["slug"] == "software-engineer")
    return next(s for phase in path["phases"] for s in phase["steps"] if s["slug"] == slug)


def test_the_seed_file_is_valid(content_document):
    document = validate_document(content_document, "roadmap.yaml")
    assert isinstance(document, RoadmapDocument)
    assert len(document.papers) == 15


def test_every_key_is_described_for_the_format_reference():
    for entry in ENTRIES:
        for name, field in entry.model_fields.items():
            assert field.description, f"{entry.__name__}.{name} has no description"


def test_text_limits_are_the_database_columns(content_document):
    limit = Paper._meta.get_field("short_name").max_length
    content_document["papers"][0]["short_name"] = "x" * (limit + 1)
    assert problems(content_document) == [
        f"papers[attention-is-all-you-need].short_name: is longer than {limit} characters"
    ]


def test_an_unknown_paper_is_named_with_the_path_to_the_field(content_document, tmp_path):
    software_engineer_step(content_document)["papers"].append("x")
    assert problems(content_document) == [f"{STEP}.papers: unknown paper “x”"]


def test_the_command_names_the_file_then_one_line_per_problem(db, content_document, tmp_path):
    software_engineer_step(content_document)["papers"].append("x")
    content_document["papers"][0].pop("authors")
    content_document["glossary"][0]["colour"] = "blue"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(content_document, sort_keys=False), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_content", str(bad), stdout=io.StringIO())
    assert str(refused.value).splitlines() == [
        f"{bad}: refused, nothing changed (2 problems):",
        "  - papers[attention-is-all-you-need].authors: is required",
        "  - glossary[attention].colour: is not a known key",
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["papers"][2].update(prerequisites=["bert"]),
            "papers[bert].prerequisites: a paper cannot be its own prerequisite",
        ),
        (
            lambda d: d["papers"][1].update(slug="bert", prerequisites=[]),
            "papers: slug “bert” is used 2 times",
        ),
        (
            lambda d: d["pages"][0].update(body="See [the FAQ](./FAQ.md)."),
            "pages[quick-reference].body: links to an unknown page: ./FAQ.md",
        ),
        (
            lambda d: software_engineer_step(d).update(slug="lora"),
            "paths[software-engineer]: step slug “lora” is used 2 times",
        ),
        (
            lambda d: software_engineer_step(d).update(papers=["rag", "rag"]),
            f"{STEP}.papers: names “rag” more than once",
        ),
        (
            lambda d: d["papers"][0].update(url="ftp://example.com/paper"),
            "papers[attention-is-all-you-need].url: must start with https:// or http://, "
            "got “ftp://example.com/paper”",
        ),
        (
            lambda d: d["depths"][0].update(key="skim"),
            "depths[skim].key: must be one of quick, thorough or deep, got “skim”",
        ),
        (
            lambda d: d["papers"][0]["hours"].update(quick=0.125),
            "papers[attention-is-all-you-need].hours.quick: must have at most 2 decimal places",
        ),
        (lambda d: d["site"].update(title=""), "site.title: is required"),
        (lambda d: d.update(papers="none"), "papers: must be a list, got “none”"),
    ],
)
def test_cross_references_and_values_are_checked(content_document, mutate, expected):
    mutate(content_document)
    found = problems(content_document)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_phase_slug_comes_from_its_label_and_is_written_only_when_different(content_document):
    path = content_document["paths"][0]
    path["phases"][0]["slug"] = "first-week"
    document = validate_document(content_document, "roadmap.yaml")
    assert [phase.slug for phase in document.paths[0].phases][:2] == ["first-week", "week-2"]
    written = document.model_dump()["paths"][0]["phases"]
    assert written[0]["slug"] == "first-week"
    assert "slug" not in written[1]


def test_a_checklist_item_is_written_as_its_text_unless_its_slug_differs(content_document):
    items = content_document["checklists"][0]["items"]
    items[0] = {"slug": "first-phase", "text": items[0]}
    written = validate_document(content_document, "x").model_dump()["checklists"][0]["items"]
    assert written[0] == {"slug": "first-phase", "text": "Completed Week/Sprint/Phase 1"}
    assert written[1] == "Implemented at least one concept"


def test_text_is_read_in_its_canonical_form(content_document):
    content_document["papers"][0]["key_takeaway"] = "  One line,\r\nanother.\n"
    document = validate_document(content_document, "x")
    assert document.papers[0].key_takeaway == "One line,\nanother."


def test_the_format_is_available_as_a_json_schema():
    out = io.StringIO()
    call_command("content_format", json_schema=True, stdout=out)
    schema = json.loads(out.getvalue())
    paper = schema["$defs"]["PaperEntry"]
    assert paper["additionalProperties"] is False
    assert paper["properties"]["title"]["maxLength"] == 300
    assert "Full paper title." in paper["properties"]["title"]["description"]
