"""Start-up safety: the site never serves without a secret key or a sender for its emails."""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email


def _has_secret_key() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return False


def from_email_problem() -> str | None:
    """What is wrong with DEFAULT_FROM_EMAIL ("Name <address>" or a bare address), if anything."""
    sender = settings.DEFAULT_FROM_EMAIL
    if not sender:
        return settings.DEFAULT_FROM_EMAIL_MISSING
    try:
        validate_email(parseaddr(sender)[1])
    except ValidationError:
        return f"DEFAULT_FROM_EMAIL is not an email address: {sender!r}"
    return None


def refuse_to_serve_unconfigured() -> None:
    """Called by wsgi.py and asgi.py before the application is built."""
    if not _has_secret_key():
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING)
    problem = from_email_problem()
    if problem:
        raise ImproperlyConfigured(problem)


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if _has_secret_key():
        return []
    return [Error(settings.SECRET_KEY_MISSING, id="roadmap.E001")]


@register("email", deploy=True)
def emails_have_a_sender(app_configs, **kwargs):
    problem = from_email_problem()
    return [Error(problem, id="roadmap.E002")] if problem else []
