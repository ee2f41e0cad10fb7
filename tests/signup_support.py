"""Signing up as a newcomer does: the sign-up form, its "check your email" page, then the log-in
link on that page (which keeps where the newcomer was going)."""

import html
import re

from django.urls import reverse


def sign_up(client, email, password, url=None, **extra):
    """Post the sign-up form; the page it leads to (followed)."""
    return client.post(
        url or reverse("account_signup"),
        {"email": email, "password1": password, "password2": password, **extra},
        follow=True,
    )


def log_in_link(page) -> str:
    """The log-in link of the "check your email" page."""
    return html.unescape(re.search(r'<a href="([^"]+)">log in</a>', page.content.decode())[1])


def sign_up_and_log_in(client, email, password, url=None, **extra):
    """Sign up, then log in from the "check your email" page (where verification lets a new
    account in at once); the log-in's answer, not followed."""
    page = sign_up(client, email, password, url, **extra)
    return client.post(log_in_link(page), {"login": email, "password": password})
