"""Content integrity: an export loads back without a change, whatever curators typed in the admin
(browsers send `\\r\\n`, Django's forms strip the ends), and positions are order, not numbers."""

import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from core.models import PublicationStatus
from learning.content import content_export, content_import, dump_document
from learning.models import Path, Phase, Step
from papers.models import GlossaryTerm, Page, Paper, Topic

pytestmark = pytest.mark.usefixtures("roadmap")


def admin_form(client, obj) -> tuple[str, dict]:
    """The change form's URL and the data a browser would post back for it, unchanged."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    formsets = [formset.formset for formset in response.context.get("inline_admin_formsets", [])]
    data = {}
    for formset in formsets:
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    forms = [response.context["adminform"].form, *(f for fs in formsets for f in fs)]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else value
            )
    return url, data


def export_then_dry_run(tmp_path) -> tuple[str, str]:
    """`export_content` to a file, then `load_content --dry-run` of it: (file text, output)."""
    exported = tmp_path / "export.yaml"
    call_command("export_content", output=str(exported), stderr=io.StringIO())
    out = io.StringIO()
    call_command("load_content", str(exported), dry_run=True, stdout=out)
    return exported.read_text(encoding="utf-8"), out.getvalue()


def test_export_then_dry_run_reports_no_changes_on_the_seed(tmp_path):
    _, output = export_then_dry_run(tmp_path)
    assert (
        output.strip()
        == f"{tmp_path / 'export.yaml'}: would change: 0 created, 0 updated, 172 unchanged"
    )


def test_admin_edits_typed_with_crlf_export_with_lf_and_load_back_without_a_change(
    editor, tmp_path
):
    step = Step.objects.get(path__slug="software-engineer", slug="rag")
    url, data = admin_form(editor, step)
    data["body"] = "Typed in a browser:\r\n\r\n- first line\r\n- second line\r\n"
    data["key_takeaway"] = "Retrieval first,\r\nthen generation."
    response = editor.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]

    step.refresh_from_db()
    assert step.body.rstrip("\n") == "Typed in a browser:\n\n- first line\n- second line"
    assert step.key_takeaway == "Retrieval first,\nthen generation."
    text, output = export_then_dry_run(tmp_path)
    assert "\r" not in text
    assert "  body: |\n        Typed in a browser:\n\n        - first line\n" in text
    assert "0 created, 0 updated" in output
    assert "\n  changed " not in output


def test_saving_admin_forms_unchanged_leaves_the_export_a_fixed_point(editor, tmp_path):
    """Django's forms strip the final newline the file's `|` blocks give every Markdown text:
    that difference is not a change (it was the issue's "11 updated" after a fresh export)."""
    for obj in [
        Paper.objects.get(slug="bert"),
        Page.objects.get(slug="quick-reference"),
        Path.objects.get(slug="complete-beginner"),
        Phase.objects.get(path__slug="complete-beginner", slug="week-1"),
        Topic.objects.first(),
        GlossaryTerm.objects.first(),
    ]:
        url, data = admin_form(editor, obj)
        assert editor.post(url, data).status_code == 302
    assert not Paper.objects.get(slug="bert").summary.endswith("\n")  # what the form stored
    _, output = export_then_dry_run(tmp_path)
    assert "0 created, 0 updated" in output


def test_text_saved_before_normalising_compares_and_exports_normalised(tmp_path):
    """Rows written before line endings were normalised on save still hold `\\r\\n`."""
    Step.objects.filter(slug="start-with-transformers").update(body="- Read: it\r\n- Try: it\r\n")
    Paper.objects.filter(slug="clip").update(key_takeaway="  Padded by hand.  ")
    text, output = export_then_dry_run(tmp_path)
    assert "\r" not in text
    assert "key_takeaway: Padded by hand.\n" in text
    assert "0 created, 0 updated" in output


def test_hours_compare_as_numbers_however_they_are_written(content_document):
    content_document["papers"][0]["hours"] = {"quick": "1.0", "thorough": 2.50, "deep": 8}
    report = content_import(document=content_document, source="hours.yaml", dry_run=True)
    assert report.changes == 0
    assert Paper.objects.get(number=1).hours_thorough == Decimal("2.50")


def test_positions_in_the_file_order_are_not_a_change(tmp_path):
    """A curator numbering steps 10, 20, 30 in the admin keeps the same order: no change."""
    phase = Phase.objects.get(path__slug="complete-beginner", slug="week-1")
    steps = list(phase.steps.order_by("position"))
    for i, step in enumerate(steps):
        Step.objects.filter(pk=step.pk).update(position=10 * (i + 1))
    for i, topic in enumerate(Topic.objects.order_by("position")):
        Topic.objects.filter(pk=topic.pk).update(position=100 - 10 * (5 - i))
    _, output = export_then_dry_run(tmp_path)
    assert "0 created, 0 updated" in output
    kept = list(phase.steps.order_by("position").values_list("pk", "position"))
    assert kept == [(step.pk, 10 * (i + 1)) for i, step in enumerate(steps)]


def test_positions_that_do_not_give_an_order_are_renumbered_and_reported():
    """Two steps at the same position (as a revert from history could leave them) have no
    order of their own: the file's order is applied and shown."""
    phase = Phase.objects.get(path__slug="complete-beginner", slug="week-1")
    steps = list(phase.steps.order_by("position"))
    Step.objects.filter(pk=steps[1].pk).update(position=steps[0].position)
    document = yaml.safe_load(dump_document(content_export()))
    report = content_import(document=document, source="export.yaml")
    assert report.changes >= 1
    changed_fields = {change.name for entry in report.changed_entries for change in entry.fields}
    assert changed_fields == {"position"}
    file_order = [step["slug"] for step in document["paths"][0]["phases"][0]["steps"]]
    renumbered = list(phase.steps.order_by("position").values_list("slug", "position"))
    assert renumbered == [(slug, i) for i, slug in enumerate(file_order)]


def test_status_of_papers_pages_and_glossary_is_written_only_for_drafts(tmp_path):
    GlossaryTerm.objects.filter(slug="attention").update(status=PublicationStatus.DRAFT)
    Page.objects.filter(slug="contributing").update(status=PublicationStatus.DRAFT)
    text, output = export_then_dry_run(tmp_path)
    assert text.count("status: draft") == 2
    assert "status: published" not in text.split("\npaths:")[0]
    document = yaml.safe_load(text)
    terms = {term["slug"]: term for term in document["glossary"]}
    assert terms["attention"]["status"] == "draft"
    assert "status" not in terms["rlhf"]
    assert "0 created, 0 updated" in output
    GlossaryTerm.objects.filter(slug="attention").update(status=PublicationStatus.PUBLISHED)
    content_import(document=document, source="export.yaml")
    assert GlossaryTerm.objects.get(slug="attention").status == PublicationStatus.DRAFT


def test_the_seed_file_is_what_an_export_of_it_writes(content_document):
    """Exporting the loaded seed gives the file's content back: the same keys with the same
    values (glossary `status` and step `archived` only where not the default). Glossary terms
    come back alphabetically with their related papers by number: those are sets."""
    exported = yaml.safe_load(dump_document(content_export()))
    for document in (exported, content_document):
        document["glossary"].sort(key=lambda term: term["slug"])
        for term in document["glossary"]:
            term["papers"].sort()
    assert exported == content_document
