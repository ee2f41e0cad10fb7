"""Accounts: the custom user model (email is the login); allauth does the flows."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
