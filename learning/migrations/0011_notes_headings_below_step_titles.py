"""Notes already saved are rendered again with their headings below the step title (h4 down),
as new notes are (StepProgress.markdown_top_heading)."""

from django.db import migrations

from core.rendering import render_markdown

NOTE_TOP_HEADING = 4


def render_notes_again(apps, schema_editor):
    StepProgress = apps.get_model("learning", "StepProgress")
    changed = []
    for row in StepProgress.objects.filter(note__contains="#").only("pk", "note", "note_html"):
        html = render_markdown(row.note, top_heading=NOTE_TOP_HEADING)
        if html != row.note_html:
            row.note_html = html
            changed.append(row)
    StepProgress.objects.bulk_update(changed, ["note_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("learning", "0010_learner_version_triggers")]

    operations = [migrations.RunPython(render_notes_again, migrations.RunPython.noop)]
