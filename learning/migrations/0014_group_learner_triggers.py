"""Joining, leaving, being removed from a study group, and any change to a group (its name,
schedule, closing) change the learner version of the accounts concerned (accounts.learner_version):
a membership is the learner's data (it is in their learner record)."""

from django.db import migrations

from accounts.learner_version import learner_triggers

OWNERS = {
    "learning_groupmembership": "SELECT user_id FROM rows",
    "learning_studygroup": (
        "SELECT m.user_id FROM rows r JOIN learning_groupmembership m ON m.group_id = r.id"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_data_version"),
        ("learning", "0013_study_groups"),
    ]

    operations = [learner_triggers(OWNERS)]
