"""Every write to a learner's data (enrolments, statuses and notes, their history, checklist
ticks, saved plans, and their personal paths' phases, steps, papers and sections) changes
their learner version (accounts.learner_version)."""

from django.db import migrations

from accounts.learner_version import learner_triggers

PATH_OWNER = "SELECT p.owner_id FROM rows r JOIN learning_path p ON p.id = r.path_id"
OWNERS = {
    "learning_enrollment": "SELECT user_id FROM rows",
    "learning_stepprogress": "SELECT user_id FROM rows",
    "learning_progressevent": "SELECT user_id FROM rows",
    "learning_checklisttick": "SELECT user_id FROM rows",
    "learning_plansave": "SELECT owner_id FROM rows",
    "learning_path": "SELECT owner_id FROM rows",
    "learning_phase": PATH_OWNER,
    "learning_step": PATH_OWNER,
    "learning_pathsection": PATH_OWNER,
    "learning_steppaper": (
        "SELECT p.owner_id FROM rows r JOIN learning_step s ON s.id = r.step_id "
        "JOIN learning_path p ON p.id = s.path_id"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_data_version"),
        ("learning", "0009_content_version_triggers"),
    ]

    operations = [learner_triggers(OWNERS)]
