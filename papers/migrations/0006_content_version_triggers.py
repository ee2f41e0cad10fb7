"""Every write to the library's tables changes the content version (core.content_version)."""

from django.db import migrations

from core.content_version import content_triggers

TABLES = [
    "papers_paper",
    "papers_paper_prerequisites",
    "papers_topic",
    "papers_topicpaper",
    "papers_glossaryterm",
    "papers_glossaryterm_papers",
    "papers_page",
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("papers", "0005_generated_search_and_glossary_drafts"),
    ]

    operations = [content_triggers(TABLES)]
