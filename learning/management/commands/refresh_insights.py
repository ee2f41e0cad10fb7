"""Recompute the curator insights' snapshots (learning.insights.compute): run it from cron or a
systemd timer, e.g. hourly, so the insights pages show recent figures (see the README)."""

import time

from django.core.management.base import BaseCommand, CommandError

from learning.insights.compute import insights_refresh
from learning.models import Path


class Command(BaseCommand):
    help = "Recompute the curator insights of every curated path (or of the paths named)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these curated paths (by slug).")

    def handle(self, *args, slugs=(), **options):
        paths = None
        if slugs:
            paths = list(Path.objects.curated().filter(slug__in=slugs))
            missing = sorted(set(slugs) - {path.slug for path in paths})
            if missing:
                raise CommandError(f"No curated path with the slug: {', '.join(missing)}")
        began = time.monotonic()
        stored = insights_refresh(paths=paths)
        self.stdout.write(
            f"Refreshed the insights of {len(stored)} path{'s' if len(stored) != 1 else ''} "
            f"in {time.monotonic() - began:.1f} s."
        )
