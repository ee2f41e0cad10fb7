"""Accounts through the real allauth flows: signup, login, logout, reset, verification."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from pytest_django.asserts import assertContains

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


def test_signup_with_email_and_password_logs_the_learner_in(client, password):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new@example.com").exists()
    home = client.get("/").content.decode()
    assert "new@example.com" in home
    assert len(mail.outbox) == 1, "a verification email is sent"
    assert "new@example.com" in mail.outbox[0].to


def test_signup_with_a_taken_email_shows_a_form_error(client, user, password):
    response = client.post(
        reverse("account_signup"),
        {"email": user.email.upper(), "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert get_user_model().objects.count() == 1


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
