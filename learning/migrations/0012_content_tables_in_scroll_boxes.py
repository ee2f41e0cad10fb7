"""Content rendered before tables were put in scroll boxes (core.rendering.wrap_tables) is
rendered again, so a site that upgrades shows its wide tables boxed, as a fresh load does."""

from django.db import migrations

from core.rendering import render_markdown

# The Markdown fields that can hold a table, by model: source → rendered HTML.
TABLE_FIELDS = {
    ("learning", "RoadmapInfo"): {"closing_note": "closing_note_html"},
    ("learning", "Path"): {"after_completing": "after_completing_html"},
    ("learning", "Step"): {"body": "body_html"},
    ("learning", "PathSection"): {"body": "body_html"},
    ("papers", "Paper"): {
        "summary": "summary_html",
        "why_it_matters": "why_it_matters_html",
        "core_idea": "core_idea_html",
        "focus_points": "focus_points_html",
        "further_reading": "further_reading_html",
    },
    ("papers", "GlossaryTerm"): {"definition": "definition_html"},
    ("papers", "Page"): {"body": "body_html"},
}


def box_the_tables(apps, schema_editor):
    for (app, name), fields in TABLE_FIELDS.items():
        model = apps.get_model(app, name)
        for source, target in fields.items():
            rows = model.objects.filter(**{f"{target}__contains": "<table>"})
            changed = []
            for row in rows.only("pk", source, target):
                html = render_markdown(getattr(row, source))
                if html != getattr(row, target):
                    setattr(row, target, html)
                    changed.append(row)
            model.objects.bulk_update(changed, [target], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0011_notes_headings_below_step_titles"),
        ("papers", "0007_trigram_search"),
    ]

    operations = [migrations.RunPython(box_the_tables, migrations.RunPython.noop)]
