"""Accounts through the real allauth flows: signup, login, logout, reset, verification."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from .concurrency import at_once
from .signup_support import log_in_link, sign_up

pytestmark = pytest.mark.django_db

LOG_IN_LINK = '<a href="/accounts/login/">Log in</a>'


def test_user_model_uses_email_as_the_login():
    User = get_user_model()
    assert User.USERNAME_FIELD == "email"
    user = User.objects.create_user(email="Ada@Example.COM", password="x" * 12)
    assert user.email == "ada@example.com"
    assert str(user) == "ada@example.com"


def test_emails_are_unique_whatever_their_case():
    User = get_user_model()
    User.objects.create_user(email="ada@example.com", password="x" * 12)
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="ADA@example.com")])


def test_signup_asks_to_check_the_email_then_the_learner_logs_in(client, password):
    page = sign_up(client, "new@example.com", password)
    assert page.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assertContains(page, "Check your email")
    assert get_user_model().objects.filter(email="new@example.com").exists()
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assertContains(client.get("/"), LOG_IN_LINK, html=True)  # sign-up alone logs nobody in

    # Verification is optional here (DEBUG): the password works before the link is followed.
    response = client.post(log_in_link(page), {"login": "new@example.com", "password": password})
    assert response.status_code == 302
    assert "new@example.com" in client.get("/").content.decode()


def comparable(response, address: str) -> tuple:
    """What a visitor (or a script) sees of a sign-up or reset answer, up to its CSRF token,
    its Content-Security-Policy nonce (fresh on every response) and the address they typed."""
    text = re.sub(r'value="[^"]{32,}"', 'value="…"', response.content.decode())
    text = re.sub(r'nonce="[^"]*"', 'nonce="…"', text)
    text = text.replace(address.lower(), "(the address typed)")
    cookies = sorted(response.client.cookies)
    return (response.status_code, response.redirect_chain, text, cookies)


@pytest.mark.parametrize("verification", ["mandatory", "optional", "none"])
def test_signup_with_a_taken_email_answers_exactly_like_a_new_one(
    settings, user, password, verification
):
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    new = sign_up(Client(), "brand.new@example.com", password)
    taken = sign_up(Client(), user.email.upper(), "Another-passphrase-9")
    assert comparable(taken, user.email) == comparable(new, "brand.new@example.com")
    assert [message.to for message in mail.outbox] == [["brand.new@example.com"], [user.email]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert "already" in mail.outbox[1].body  # the owner learns someone tried their address
    assert get_user_model().objects.filter(email__iexact=user.email).count() == 1
    assert Client().login(email=user.email, password=password), "the owner's password stays"


def test_password_reset_answers_alike_for_known_and_unknown_addresses(user):
    known = Client().post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    unknown = Client().post(
        reverse("account_reset_password"), {"email": "nobody@example.com"}, follow=True
    )
    assert comparable(unknown, "nobody@example.com") == comparable(known, user.email)
    assert known.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert [message.to for message in mail.outbox] == [[user.email], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


@pytest.mark.django_db(transaction=True)
def test_ten_signups_with_one_email_at_once_make_one_account_and_no_error(settings, password):
    settings.ACCOUNT_RATE_LIMITS = False  # ten from one address in a second is the point here
    answers = []

    def sign_up_once():
        answers.append(sign_up(Client(), "twins@example.com", password).redirect_chain)

    errors = at_once(sign_up_once, 10)
    assert errors == []
    assert answers == [[(reverse("account_email_verification_sent"), 302)]] * 10
    assert get_user_model().objects.filter(email="twins@example.com").count() == 1


def test_login_and_logout(client, user, password):
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert user.email in client.get("/").content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assertContains(client.get("/"), LOG_IN_LINK, html=True)


def test_wrong_password_is_refused_with_a_message(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_password_reset_sends_a_working_link(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    new_password = "another-long-passphrase-42"
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_mandatory_verification_blocks_login_until_confirmed(client, settings, password):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.post(
        reverse("account_signup"),
        {"email": "careful@example.com", "password1": password, "password2": password},
    )
    assertContains(client.get("/"), LOG_IN_LINK, html=True)  # not logged in yet
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    client.post(link.group(1))
    response = client.post(
        reverse("account_login"), {"login": "careful@example.com", "password": password}
    )
    assert response.status_code == 302
    assert "careful@example.com" in client.get("/").content.decode()


def test_logout_needs_a_post_with_csrf(user, client_for):
    csrf_client = client_for(user, enforce_csrf_checks=True)
    assert csrf_client.post(reverse("account_logout")).status_code == 403
