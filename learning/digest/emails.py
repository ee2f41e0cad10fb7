"""The digest as an email, in the house style of the site's other emails (a text and an HTML
part in the same words, templates/learning/email/), with its one-click unsubscribe link.

The digest is sent from a command, with no request to take the site's address from, so its
links are made from settings.SITE_URL. The unsubscribe link carries the learner's id signed
with the site's secret key (a salt of its own), so it needs no login and cannot be forged. It
never expires, and anyone the email is forwarded to holds it: it only ever unsubscribes. The
"Subscribe again" button of the page it shows carries a token of its own, which lasts an hour."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .compose import Digest

UNSUBSCRIBE_SALT = "learning.digest.unsubscribe"
RESUBSCRIBE_SALT = "learning.digest.resubscribe"
RESUBSCRIBE_MAX_AGE = 3600  # seconds: "Subscribe again" is for a change of mind on the spot
TEMPLATES = "learning/email/digest"


def site_url() -> str:
    """The site's address, ending in a slash (DJANGO_SITE_URL)."""
    url = settings.SITE_URL
    if not url:
        raise ImproperlyConfigured(
            "DJANGO_SITE_URL must be set to send the weekly digest "
            "(the site's address for links in emails, e.g. https://roadmap.example.com/)."
        )
    return url.rstrip("/") + "/"


def absolute(location: str) -> str:
    return site_url().rstrip("/") + location


def unsubscribe_token(user) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_from_token(token: str):
    """The account an unsubscribe token names, or None for a token the site did not sign (or
    an account since deleted)."""
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return get_user_model().objects.filter(pk=pk).first()


def resubscribe_token(user) -> str:
    return signing.TimestampSigner(salt=RESUBSCRIBE_SALT).sign(str(user.pk))


class ExpiredToken(Exception):
    """A resubscribe token the site signed, over an hour ago."""


def user_from_resubscribe_token(token: str):
    """The account a resubscribe token names, or None for one the site did not sign (or an
    account since deleted); ExpiredToken for one older than RESUBSCRIBE_MAX_AGE."""
    signer = signing.TimestampSigner(salt=RESUBSCRIBE_SALT)
    try:
        pk = int(signer.unsign(token, max_age=RESUBSCRIBE_MAX_AGE))
    except signing.SignatureExpired:
        raise ExpiredToken from None
    except (signing.BadSignature, ValueError):
        return None
    return get_user_model().objects.filter(pk=pk).first()


def digest_email(digest: Digest, *, connection=None) -> EmailMultiAlternatives:
    """The digest's email, with the List-Unsubscribe headers of RFC 8058 (mail programs show an
    "Unsubscribe" button that POSTs to the link)."""
    unsubscribe_url = absolute(
        reverse("learning:digest_unsubscribe", args=[unsubscribe_token(digest.user)])
    )
    context = {
        "digest": digest,
        "site_url": site_url(),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute(reverse("learning:digest_settings")),
    }
    subject = render_to_string(f"{TEMPLATES}_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{TEMPLATES}_message.txt", context).strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"{TEMPLATES}_message.html", context).strip(), "text/html"
    )
    return message
