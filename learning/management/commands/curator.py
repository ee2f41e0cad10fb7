"""Make a user a staff curator, or stop them being one: `manage.py curator add|remove EMAIL`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from learning.services import curator_set


class Command(BaseCommand):
    help = "Add a user to the Curators group (and staff), or remove them."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "remove"])
        parser.add_argument("email")

    def handle(self, *args, action, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the email {email!r}: they must sign up first.")
        curator_set(user=user, curator=action == "add")
        state = "is now a curator" if action == "add" else "is no longer a curator"
        self.stdout.write(f"{user.email} {state}.")
