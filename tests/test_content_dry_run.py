"""The dry run says what an import would change: for each entry, which fields, from → to, with
long text cut to the part that changes; on the command line and on the admin's import page."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from learning.content import content_export, content_import_text, dump_document
from learning.content.report import CONTEXT, abbreviated
from learning.models import Step
from papers.models import Paper

pytestmark = pytest.mark.usefixtures("roadmap")

STEP = "paths[complete-beginner].phases[week-1].steps[start-with-transformers]"


def edited_export(*replacements: tuple[str, str]) -> str:
    text = dump_document(content_export())
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def dry_run(tmp_path, text: str) -> str:
    edited = tmp_path / "edited.yaml"
    edited.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("load_content", str(edited), dry_run=True, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_each_changed_field_from_and_to_and_writes_nothing(tmp_path):
    output = dry_run(
        tmp_path,
        edited_export(
            ("title: Start with Transformers", "title: Start with the Transformer"),
            (
                "hours: {quick: 1, thorough: 2.5, deep: 8}",
                "hours: {quick: 1.5, thorough: 2.5, deep: 8}",
            ),
            (
                "papers: [attention-is-all-you-need]\n      body: |\n        - Read: [Trans",
                "papers: [attention-is-all-you-need, bert]\n      body: |\n        - Read: [Trans",
            ),
        ),
    )
    lines = output.splitlines()
    assert lines[0].endswith("would change: 0 created, 2 updated, 170 unchanged")
    assert f"  changed {STEP}" in lines
    assert "    title: “Start with Transformers” → “Start with the Transformer”" in lines
    assert (
        "    papers: “[attention-is-all-you-need]” → “[attention-is-all-you-need, bert]”" in lines
    )
    assert "  changed papers[attention-is-all-you-need]" in lines
    assert "    hours.quick: “1” → “1.5”" in lines
    assert Step.objects.filter(title="Start with Transformers").exists()
    assert Paper.objects.get(number=1).hours_quick == 1


def test_a_change_inside_long_text_is_shown_with_its_surroundings_only(tmp_path):
    summary = Paper.objects.get(number=1).summary
    assert len(summary) > 1000
    output = dry_run(
        tmp_path,
        edited_export(
            ("for machine translation that drops", "for machine translation which drops")
        ),
    )
    line = next(line for line in output.splitlines() if line.startswith("    summary:"))
    assert "“…-sequence model for machine translation that drops recurrence" in line
    assert "→ “…-sequence model for machine translation which drops recurrence" in line
    assert len(line) < 2 * (2 * CONTEXT + 20)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("short", "shorter", ("short", "shorter")),
        (
            "a" * 200 + "X" + "b" * 200,
            "a" * 200 + "Y" + "b" * 200,
            ("…" + "a" * 40 + "X" + "b" * 40 + "…", "…" + "a" * 40 + "Y" + "b" * 40 + "…"),
        ),
        ("X" + "b" * 200, "Y" + "b" * 200, ("X" + "b" * 40 + "…", "Y" + "b" * 40 + "…")),
        ("a" * 200, "a" * 200 + " and more", ("…" + "a" * 40, "…" + "a" * 40 + " and more")),
    ],
)
def test_long_values_are_cut_around_the_change(before, after, expected):
    assert abbreviated(before, after) == expected


def test_added_entries_are_listed_by_where_they_are(tmp_path):
    text = edited_export(
        (
            "glossary:\n",
            "glossary:\n- slug: a-new-term\n  term: A new term\n  definition: Something new.\n",
        )
    )
    output = dry_run(tmp_path, text)
    assert "1 created, 0 updated" in output
    assert "  added glossary[a-new-term]" in output.splitlines()


def test_a_step_moved_to_another_phase_shows_its_new_phase_and_position():
    document = yaml.safe_load(dump_document(content_export()))
    path = document["paths"][0]
    path["phases"][1]["steps"].insert(0, path["phases"][0]["steps"].pop())
    report = content_import_text(text=dump_document(document), source="moved.yaml", dry_run=True)
    moved = next(entry for entry in report.changed_entries if "review-and-explore" in entry.where)
    assert moved.where == "paths[complete-beginner].phases[week-2].steps[review-and-explore]"
    assert [str(change) for change in moved.fields] == [
        "phase: “week-1” → “week-2”",
        "position: “3” → “0”",
    ]
    assert Step.objects.get(
        path__slug="complete-beginner", slug="review-and-explore"
    ).phase.slug == ("week-1")


def test_the_admin_dry_run_shows_the_same_changes_field_by_field(curator_client):
    text = edited_export(("title: Start with Transformers", "title: Start with the Transformer"))
    upload = io.BytesIO(text.encode())
    upload.name = "edited.yaml"
    response = curator_client.post(reverse("roadmap_import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "would change: 0 created, 1 updated" in html
    assert f"<caption><code>{STEP}</code></caption>" in html
    assertContains(
        response,
        '<tr><th scope="row"><code>title</code></th>'
        "<td>Start with Transformers</td><td>Start with the Transformer</td></tr>",
        html=True,
    )
