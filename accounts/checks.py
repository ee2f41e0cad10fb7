"""System checks of accounts: sessions are kept where an account's sessions can be ended."""

from importlib import import_module

from django.conf import settings
from django.core.checks import Error, register

from .models import Session


@register()
def sessions_note_their_account(app_configs, **kwargs):
    """Ending an account's sessions (deletion, password change, "Log out everywhere") finds
    them by accounts.Session's user column: another engine would leave them all running."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    model = getattr(store, "get_model_class", lambda: None)()
    if model is Session:
        return []
    return [
        Error(
            f"SESSION_ENGINE {settings.SESSION_ENGINE} does not keep sessions in "
            "accounts.Session, so an account's sessions could not be ended.",
            hint="Use accounts.sessions.db or accounts.sessions.cached_db.",
            id="accounts.E001",
        )
    ]
