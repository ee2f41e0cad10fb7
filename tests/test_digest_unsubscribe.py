"""Unsubscribing from the weekly digest in one click, from the email's link (no login) or a
mail program's button (RFC 8058), and subscribing again; forged links refused."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.test import Client

from learning.digest.emails import unsubscribe_token
from learning.digest.services import digests_send
from learning.models import DigestSubscription

from .digest_support import NOW, following, only_digest
from .email_support import HOST

pytestmark = pytest.mark.usefixtures("digest_site")


# --- Unsubscribing -------------------------------------------------------------------------


def unsubscribe_path(body: str) -> str:
    return re.search(rf"http://{re.escape(HOST)}(/digest/unsubscribe/\S+/)", body)[1]


def resubscribe_action(html: str) -> str:
    return re.search(r'action="(/digest/subscribe/[^"]+/)"', html)[1]


def test_the_emails_link_unsubscribes_in_one_click_without_logging_in(subscriber):
    learner = subscriber()
    following(learner)
    digests_send(now=NOW)
    _, body = only_digest(learner.email)
    link = unsubscribe_path(body)
    visitor = Client(enforce_csrf_checks=True)

    for _ in range(2):  # opened twice (two clicks, a mail scanner): the same answer
        page = visitor.get(link)
        assert page.status_code == 200
        assert "You will get no more weekly digests." in page.content.decode()
        assert not DigestSubscription.objects.get(user=learner).weekly

    again = visitor.get(link).content.decode()
    assert "Subscribe again" in again
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)[1]
    page = visitor.post(resubscribe_action(again), {"csrfmiddlewaretoken": csrf})
    assert page.status_code == 200
    assert "you will get a weekly digest" in page.content.decode()
    assert DigestSubscription.objects.get(user=learner).weekly


def test_the_email_offers_one_click_unsubscribe_to_mail_programs(subscriber):
    learner = subscriber()
    following(learner)
    digests_send(now=NOW)
    message, body = only_digest(learner.email)
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<http://{HOST}{unsubscribe_path(body)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail program POSTs, with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(body), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert not DigestSubscription.objects.get(user=learner).weekly
    mail.outbox.clear()
    digests_send(now=NOW + datetime.timedelta(weeks=1))
    assert mail.outbox == []


def test_a_forged_or_tampered_token_is_refused_and_changes_nothing(subscriber, client):
    victim, other = subscriber(), subscriber()
    token = unsubscribe_token(other)
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        f"{victim.pk}:{token.split(':', 1)[1]}",  # another learner's id with this signature
        "not-a-token",
        str(victim.pk),
    ]
    for bad in forged:
        for method in ("get", "post"):
            response = getattr(client, method)(f"/digest/unsubscribe/{bad}/")
            assert response.status_code == 400, bad
            assert "not valid" in response.content.decode()
        assert client.post(f"/digest/subscribe/{bad}/").status_code == 400
    assert DigestSubscription.objects.filter(weekly=True).count() == 2


def test_the_subscribe_again_button_is_a_post(subscriber, client):
    learner = subscriber()
    assert client.get(f"/digest/subscribe/{unsubscribe_token(learner)}/").status_code == 405


def test_the_emails_long_lived_token_cannot_subscribe_again(subscriber, client):
    """Anyone holding a digest (a forwarded email) can unsubscribe its owner, but not turn the
    digest back on: the email's token does not subscribe."""
    learner = subscriber()
    token = unsubscribe_token(learner)
    client.get(f"/digest/unsubscribe/{token}/")

    response = client.post(f"/digest/subscribe/{token}/")

    assert response.status_code == 400
    assert not DigestSubscription.objects.get(user=learner).weekly


def test_the_subscribe_again_button_expires_after_an_hour(subscriber, client, monkeypatch):
    learner = subscriber()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 3601)  # the page seen an hour ago
    page = client.get(f"/digest/unsubscribe/{unsubscribe_token(learner)}/").content.decode()
    monkeypatch.undo()

    response = client.post(resubscribe_action(page))

    assert response.status_code == 400
    assert "log in" in response.content.decode()
    assert not DigestSubscription.objects.get(user=learner).weekly
