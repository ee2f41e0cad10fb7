"""The weekly digest's rows (a learner's choice, the weeks sent) are the learner's data: writes
to them change the learner version (accounts.learner_version), like every other such table."""

from django.db import migrations

from accounts.learner_version import learner_triggers

OWNERS = {
    "learning_digestsubscription": "SELECT user_id FROM rows",
    "learning_digestsend": "SELECT user_id FROM rows",
}


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0015_digest"),
    ]

    operations = [learner_triggers(OWNERS)]
