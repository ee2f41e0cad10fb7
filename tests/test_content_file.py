"""The content file: it holds the whole seed, loads idempotently, round-trips, refuses bad input."""

import copy
import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from learning.content import ContentError, content_export, content_import, dump_document
from learning.models import Path as RoadmapPath
from learning.models import Phase, Step
from papers.models import Paper

ROOT = Path(__file__).resolve().parent.parent
SEED_COPY = ROOT / "content" / "seed" / "learning-roadmap.md"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / "learning-roadmap.md"


def seed_outline(text: str) -> list[dict]:
    """Paths, phases, steps and sections as the seed's own headings give them, in order."""
    paths: list[dict] = []
    current_path = current_phase = None
    for line in text.splitlines():
        if m := re.match(r"^## Path \d+: (.+)$", line):
            current_path = {"title": m[1].strip(), "phases": [], "sections": []}
            paths.append(current_path)
            current_phase = None
        elif line.startswith("## "):
            current_path = current_phase = None
        elif current_path is None:
            continue
        elif m := re.match(r"^### ((?:Week|Sprint|Phase) \d+): ([^(]+?)(?: \((.+)\))?$", line):
            current_phase = {"label": m[1], "title": m[2].strip(), "steps": []}
            current_path["phases"].append(current_phase)
        elif m := re.match(r"^### (.+)$", line):
            current_path["sections"].append(m[1].strip())
            current_phase = None
        elif m := re.match(r"^\*\*Key Metrics to Track:\*\*$", line):
            current_path["sections"].append("Key Metrics to Track")
        elif current_phase is not None and (
            m := re.match(r"^\*\*(Day [\d-]+): (.+?)(?: \([^)]*hours?\))?\*\*$", line)
        ):
            current_phase["steps"].append((m[1], re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", m[2])))
        elif (current_phase is not None and (m := re.match(r"^(\d+)\. \*\*(.+?)\*\*", line))) or (
            current_phase is not None and (m := re.match(r"^(\d+)\. \*\*(.+?)$", line))
        ):
            current_phase["steps"].append((m[1], m[2]))
    return paths


def file_outline(document: dict) -> list[dict]:
    return [
        {
            "title": path["title"],
            "phases": [
                {
                    "label": phase["label"],
                    "title": phase["title"],
                    "steps": [(step["label"], step["title"]) for step in phase["steps"]],
                }
                for phase in path["phases"]
            ],
            "sections": [section["title"] for section in path["sections"]],
        }
        for path in document["paths"]
    ]


def test_the_seed_copy_is_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip("../shared/seeds is not beside this checkout (a bare clone)")
    assert SEED_COPY.read_text() == SHARED_SEED.read_text()


def test_content_file_holds_every_heading_of_the_seed_in_order(content_document):
    expected = seed_outline(SEED_COPY.read_text(encoding="utf-8"))
    # Titles in the seed carry links, e.g. "Review [Quick Reference](./QUICK_REFERENCE.md)".
    for path in expected:
        for phase in path["phases"]:
            phase["steps"] = [
                (label, re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", title).split(" - ")[0].strip())
                for label, title in phase["steps"]
            ]
    assert len(expected) == 4
    assert sum(len(p["phases"]) for p in expected) == 13
    assert sum(len(ph["steps"]) for p in expected for ph in p["phases"]) == 45
    assert file_outline(content_document) == expected


def test_content_file_has_fifteen_papers_five_topics_and_the_reference_pages(content_document):
    papers = content_document["papers"]
    assert [p["number"] for p in papers] == list(range(1, 16))
    assert papers[0]["slug"] == "attention-is-all-you-need"
    assert papers[-1]["slug"] == "llama"
    assert [t["question"] for t in content_document["topics"]] == [
        "Interested in vision?",
        "Interested in language only?",
        "Interested in alignment/safety?",
        "Interested in efficiency?",
        "Interested in multimodal?",
    ]
    short_name = {p["slug"]: p["short_name"] for p in papers}
    aliases = {"ViT": "Vision Transformer", "Diffusion": "Diffusion Models"}
    prioritized = re.findall(r"- Prioritize: (.+)", SEED_COPY.read_text(encoding="utf-8"))
    assert len(prioritized) == 5
    for topic, line in zip(content_document["topics"], prioritized, strict=True):
        expected = [aliases.get(name.strip(), name.strip()) for name in line.split("→")]
        assert [short_name[slug] for slug in topic["papers"]] == expected
    page_titles = {p["slug"] for p in content_document["pages"]}
    assert {
        "quick-reference",
        "comparisons",
        "general-tips",
        "when-you-get-stuck",
        "maximizing-understanding",
        "after-completing",
        "staying-current",
        "estimated-time-investment",
        "contributing",
    } <= page_titles
    hours = {p["audience_key"]: p["hours"] for p in content_document["paths"]}
    assert hours["beginner"] == {"quick": 15, "thorough": 30, "deep": 50}
    assert hours["researcher"]["deep"] == 100


def test_load_content_twice_changes_nothing_the_second_time(db):
    RoadmapPath.objects.all().delete()
    Paper.objects.all().delete()
    out = io.StringIO()
    call_command("load_content", stdout=out)
    first = out.getvalue()
    assert re.search(r"loaded: [1-9]\d* created", first)
    out = io.StringIO()
    call_command("load_content", stdout=out)
    assert "loaded: 0 created, 0 updated" in out.getvalue()


def test_export_then_load_is_a_fixed_point(roadmap, tmp_path):
    exported = tmp_path / "export.yaml"
    call_command("export_content", output=str(exported))
    out = io.StringIO()
    call_command("load_content", str(exported), stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert dump_document(content_export()) == exported.read_text()


def test_export_piped_into_load_reports_no_changes(roadmap, monkeypatch):
    exported = io.StringIO()
    call_command("export_content", stdout=exported)
    monkeypatch.setattr("sys.stdin", io.StringIO(exported.getvalue()))
    out = io.StringIO()
    call_command("load_content", "-", stdout=out)
    assert out.getvalue().strip() == "<stdin>: loaded: 0 created, 0 updated, 172 unchanged"


def test_a_change_in_the_file_is_reported_and_applied(roadmap, content_document):
    content_document["papers"][0]["key_takeaway"] = "Attention, and nothing else."
    report = content_import(document=content_document, source="edited.yaml")
    assert report.changes == 1
    assert Paper.objects.get(number=1).key_takeaway == "Attention, and nothing else."


def test_moving_a_step_to_another_phase_keeps_the_step(roadmap, content_document):
    path = content_document["paths"][0]
    step_id = Step.objects.get(path__slug=path["slug"], slug="review-and-explore").pk
    moved = path["phases"][0]["steps"].pop()
    path["phases"][1]["steps"].insert(0, moved)
    content_import(document=content_document, source="moved.yaml")
    step = Step.objects.get(pk=step_id)
    assert step.phase.slug == "week-2"
    assert step.position == 0


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["papers"][2].pop("title"), "papers[bert].title: is required"),
        (
            lambda d: d["papers"][2].update(year="soon"),
            "papers[bert].year: must be a whole number, got “soon”",
        ),
        (
            lambda d: d["papers"][0].update(prerequisites=["llama"]),
            "papers: prerequisites form a cycle: attention-is-all-you-need → llama → "
            "scaling-laws → attention-is-all-you-need",
        ),
        (
            lambda d: d["paths"][0]["phases"][0]["steps"][0].update(papers=["no-such-paper"]),
            "paths[complete-beginner].phases[week-1].steps[start-with-transformers].papers: "
            "unknown paper “no-such-paper”",
        ),
        (
            lambda d: d["paths"][0]["phases"][0]["steps"][0].update(
                body="[x](./02-attention-is-all-you-need/summary.md)"
            ),
            "steps[start-with-transformers].body: link ./02-attention-is-all-you-need/summary.md "
            "has number 02 but attention-is-all-you-need is number 01",
        ),
        (lambda d: d["paths"][1].update(slug="Not A Slug"), "paths[1].slug: must be a slug"),
        (lambda d: d["papers"][1].update(number=1), "papers: number “1” is used 2 times"),
        (
            lambda d: d.update(format="something/9"),
            "format: must be learning-roadmap/1, got “something/9”",
        ),
        (
            lambda d: d["papers"][3]["hours"].update(quick=-1),
            "papers[gpt3-few-shot-learners].hours.quick: must be at least 0, got -1",
        ),
    ],
)
def test_invalid_content_is_refused_naming_the_entry_and_changes_nothing(
    roadmap, content_document, tmp_path, mutate, expected
):
    before = Paper.objects.get(number=1).title
    content_document["papers"][0]["title"] = "A title that must not be written"
    mutate(content_document)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(content_document, sort_keys=False))
    with pytest.raises(CommandError) as refused:
        call_command("load_content", str(bad))
    message = str(refused.value)
    assert str(bad) in message
    assert "refused, nothing changed" in message
    assert expected in message
    assert Paper.objects.get(number=1).title == before


def test_broken_yaml_is_refused_with_its_line(roadmap, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("format: learning-roadmap/1\npapers: [\n  - oops: : :\n")
    with pytest.raises(CommandError, match=r"(?s)broken\.yaml.*not valid YAML: line \d+"):
        call_command("load_content", str(bad))
    assert Paper.objects.count() == 15


def test_a_missing_file_is_one_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_content", str(tmp_path / "nope.yaml"))


def test_every_problem_is_listed_at_once(db, content_document):
    content_document["papers"][0].pop("title")
    content_document["papers"][1].pop("url")
    with pytest.raises(ContentError) as refused:
        content_import(document=copy.deepcopy(content_document), source="two.yaml")
    assert len(refused.value.problems) == 2


def test_loaded_counts_match_the_seed(roadmap):
    assert RoadmapPath.objects.count() == 4
    assert Phase.objects.count() == 13
    assert Step.objects.count() == 45
    assert Paper.objects.count() == 15


def test_archived_steps_survive_export_and_load(roadmap):
    Step.objects.filter(slug="review-and-explore").update(archived=True)
    document = yaml.safe_load(dump_document(content_export()))
    Step.objects.update(archived=False)
    report = content_import(document=document, source="export")
    assert report.changes == 1
    assert Step.objects.get(slug="review-and-explore").archived


def test_load_content_if_empty_keeps_admin_edits(roadmap):
    Paper.objects.filter(slug="clip").update(title="Edited in the admin")
    out = io.StringIO()
    call_command("load_content", if_empty=True, stdout=out)
    assert "keeping it" in out.getvalue()
    assert Paper.objects.get(slug="clip").title == "Edited in the admin"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["paths"][0]["phases"][0]["steps"][0].update(label="x" * 41),
            "steps[start-with-transformers].label: is longer than 40 characters",
        ),
        (
            lambda d: d["papers"][0].update(year=40000),
            "papers[attention-is-all-you-need].year: must be at most 2100, got 40000",
        ),
        (
            lambda d: d["topics"][0].update(papers=[["clip"]]),
            "topics[vision].papers[0]: must be text, got ['clip']",
        ),
        (
            lambda d: d["checklists"][0]["items"].append("日本語の項目"),
            "checklists[tracking-progress].items[5]: needs a `slug`: its text gives none",
        ),
        (
            lambda d: d["paths"][0]["phases"][0]["steps"][0].update(archived="yes"),
            "steps[start-with-transformers].archived: must be true or false, got “yes”",
        ),
    ],
)
def test_out_of_range_and_malformed_values_are_refused_cleanly(
    roadmap, content_document, mutate, expected
):
    mutate(content_document)
    with pytest.raises(ContentError) as refused:
        content_import(document=content_document, source="bad.yaml")
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems
