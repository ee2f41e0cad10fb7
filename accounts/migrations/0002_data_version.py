from django.db import migrations, models

from accounts.learner_version import ACCOUNT_TRIGGER, DROP_ACCOUNT_TRIGGER


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="data_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(ACCOUNT_TRIGGER, DROP_ACCOUNT_TRIGGER),
    ]
