"""Start-up safety: the site never serves without a secret key."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


def _has_secret_key() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        return False


def refuse_to_serve_without_secret_key() -> None:
    """Called by wsgi.py and asgi.py before the application is built."""
    if not _has_secret_key():
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING)


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if _has_secret_key():
        return []
    return [Error(settings.SECRET_KEY_MISSING, id="roadmap.E001")]
