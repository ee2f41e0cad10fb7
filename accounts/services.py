"""Writes to accounts: every change to users goes through these functions."""

from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction

from .models import Session, User


@transaction.atomic
def superuser_ensure(*, email: str, password: str) -> tuple[User, bool]:
    """Create (or repair) a staff superuser with a verified email; return it and whether it is new.

    An existing account keeps its password, so a developer's own change survives `make run`.
    """
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_superuser(email=email, password=password)
    elif not (user.is_staff and user.is_superuser and user.is_active):
        user.is_staff = user.is_superuser = user.is_active = True
        user.save(update_fields=["is_staff", "is_superuser", "is_active"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


@transaction.atomic
def sessions_end(*, user: User, keep: str | None = None) -> int:
    """End every session logged in to this account, except the one whose key is `keep` (the
    learner's current session, when it should stay logged in); return how many ended.

    Each goes through the session engine, so that with Redis its cached copy goes with its row
    (a cached session would otherwise still log its holder in)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        Session.objects.filter(user=user)
        .exclude(session_key=keep or "")
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store(key).delete()
    return len(keys)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Remove the account itself, with its email addresses, after ending all its sessions.
    Apps that keep data of the user's that the database does not cascade delete it first (see
    learning.services.account_delete)."""
    sessions_end(user=user)
    user.delete()
