"""pg_trgm, for search that forgives typos: trigram indexes on paper titles, short names and
glossary terms (search.fuzzy). pg_trgm is a trusted extension: a role with CREATE on the
database may install it."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("papers", "0006_content_version_triggers")]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="paper",
            index=GinIndex(fields=["title"], name="paper_title_trgm", opclasses=["gin_trgm_ops"]),
        ),
        migrations.AddIndex(
            model_name="paper",
            index=GinIndex(
                fields=["short_name"], name="paper_short_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="glossaryterm",
            index=GinIndex(
                fields=["term"], name="glossary_term_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
