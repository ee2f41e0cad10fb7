"""Write the whole roadmap content in the format load_content reads."""

from pathlib import Path

from django.core.management.base import BaseCommand

from learning.content import content_export, dump_document


class Command(BaseCommand):
    help = "Export the roadmap content as YAML (to standard output, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")

    def handle(self, *args, output=None, **options):
        text = dump_document(content_export())
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
