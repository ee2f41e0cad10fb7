"""Accounts: the custom user model (email is the login); allauth does the flows."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # Imported for what importing does: the site's and accounts' system checks register,
        # and the password-change receivers connect.
        from roadmap_site import checks  # noqa: F401

        from . import checks as accounts_checks  # noqa: F401
        from . import receivers  # noqa: F401
