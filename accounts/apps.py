"""Accounts: the custom user model (email is the login); allauth does the flows."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from roadmap_site import checks  # noqa: F401 - registers the site's system checks

        from . import receivers  # noqa: F401 - connects the password-change receivers
