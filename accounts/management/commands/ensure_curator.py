"""Create the local curator account used by `make run`, and print how to log in."""

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.services import superuser_ensure

PASSWORD_FILE = settings.BASE_DIR / ".data" / "curator-password"


class Command(BaseCommand):
    help = (
        "Ensure a curator superuser exists. Uses DJANGO_SUPERUSER_EMAIL and "
        "DJANGO_SUPERUSER_PASSWORD; without a password, one is generated once and kept in "
        ".data/curator-password."
    )

    def handle(self, *args, **options):
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "curator@example.com")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not password:
            if PASSWORD_FILE.exists():
                password = PASSWORD_FILE.read_text().strip()
            else:
                password = secrets.token_urlsafe(12)
                PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
                PASSWORD_FILE.write_text(password + "\n")
                PASSWORD_FILE.chmod(0o600)
        user, created = superuser_ensure(email=email, password=password)
        verb = "Created" if created else "Curator account"
        shown = password if created or user.check_password(password) else "(changed by you)"
        self.stdout.write(f"{verb}: log in at /admin/ as {user.email} with password {shown}")
