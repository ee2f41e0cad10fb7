"""Load the roadmap content file into the database (upsert by slug; never deletes)."""

import sys
from pathlib import Path as FilePath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.content import ContentError, content_import_text
from learning.models import Path

DEFAULT_FILE = FilePath(settings.BASE_DIR) / "content" / "roadmap.yaml"


class Command(BaseCommand):
    help = "Load a roadmap content file (default content/roadmap.yaml; '-' reads standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, entry by entry and field by field; write nothing.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database without content (first run); otherwise do nothing, "
            "so edits made in the admin are kept.",
        )

    def handle(self, *args, file, dry_run, if_empty=False, **options):
        if if_empty and Path.objects.exists():
            self.stdout.write("Content already loaded; keeping it (edits made in the admin stay).")
            return
        if file == "-":
            source, text = "<stdin>", sys.stdin.read()
        else:
            path = FilePath(file)
            source = file
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{file}: cannot read: {error}") from None
        try:
            report = content_import_text(text=text, source=source, dry_run=dry_run)
        except ContentError as error:
            lines = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{error.source}: refused, nothing changed ({len(error.problems)} problem"
                f"{'s' if len(error.problems) != 1 else ''}):\n{lines}"
            ) from None
        self.stdout.write(report.summary())
        if options.get("verbosity", 1) > 0:
            for line in report.details():
                self.stdout.write(line)
