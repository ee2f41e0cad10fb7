"""What accounts does when allauth changes a password: the account's other sessions end; and
when an address is added to an account: its owner is told (allauth tells of every other change).

Django already refuses a session made before the change (its password hash no longer
matches), but only when that session next comes back; until then its row (with whatever the
session held) stays in the database. Here every other session of the account is deleted at
once, and the session that changed the password stays logged in
(ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off)."""

from allauth.account.adapter import get_adapter
from allauth.account.signals import email_added, password_changed, password_reset, password_set
from django.contrib.auth import update_session_auth_hash
from django.dispatch import receiver

from .services import sessions_end


@receiver(password_changed, dispatch_uid="accounts.password_changed")
@receiver(password_set, dispatch_uid="accounts.password_set")
def end_other_sessions(sender, request, user, **kwargs) -> None:
    """allauth has already kept the current session logged in under its new key."""
    sessions_end(user=user, keep=request.session.session_key)


@receiver(password_reset, dispatch_uid="accounts.password_reset")
def end_sessions_after_reset(sender, request, user, **kwargs) -> None:
    """A reset is usually done logged out (from the emailed link): every session of the
    account ends. Done while logged in to that same account, that session stays logged in."""
    keep = None
    if request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)
        keep = request.session.session_key
    sessions_end(user=user, keep=keep)


@receiver(email_added, dispatch_uid="accounts.email_added")
def tell_of_an_added_address(sender, request, user, email_address, **kwargs) -> None:
    """The confirmation goes to the new address; this note goes to the account's primary one,
    so that an address slipped into an account does not go unnoticed by its owner."""
    get_adapter(request).send_notification_mail(
        "account/email/email_added", user, {"added_email": email_address.email}
    )
