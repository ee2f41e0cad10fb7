"""Send the weekly digests due this week (README, "Weekly digest"): safe to run as often as
you like, from several hosts at once; each learner gets one digest a week."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from learning.digest.emails import site_url
from learning.digest.services import digests_send


class Command(BaseCommand):
    help = (
        "Send the weekly digest to every learner who asked for it and has not had this week's "
        "(the week runs Monday to Sunday in the site's time zone). Idempotent: run it hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be sent; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        try:
            site_url()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        report = digests_send(dry_run=dry_run)
        prefix = "Dry run, nothing sent. " if dry_run else ""
        self.stdout.write(prefix + str(report))
        if report.failed:
            raise CommandError(f"{report.failed} digest(s) failed; the next run retries them.")
