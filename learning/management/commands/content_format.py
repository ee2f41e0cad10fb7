"""Rewrite the key tables of the content format reference (content/README.md) from the schema."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.content import RoadmapDocument
from learning.content.reference import with_tables

README = Path(settings.BASE_DIR) / "content" / "README.md"


class Command(BaseCommand):
    help = (
        "Regenerate the key tables of content/README.md from the content schema "
        "(--check: only report whether they are up to date; --json-schema: print the schema)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Fail if the README's tables are out of date."
        )
        parser.add_argument(
            "--json-schema", action="store_true", help="Print the format as a JSON schema."
        )

    def handle(self, *args, check=False, json_schema=False, **options):
        if json_schema:
            schema = RoadmapDocument.model_json_schema()
            self.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False))
            return
        current = README.read_text(encoding="utf-8")
        generated = with_tables(current)
        if generated == current:
            self.stdout.write(f"{README.name}: the key tables are up to date.")
        elif check:
            raise CommandError(
                f"{README}: the key tables are out of date; run `manage.py content_format`."
            )
        else:
            README.write_text(generated, encoding="utf-8")
            self.stdout.write(f"{README.name}: key tables rewritten from the schema.")
