"""Sessions end with the account's say-so: deleting the account, changing or resetting its
password, and "Log out everywhere" remove the account's sessions from the database (and from
the cache in front of it); no session keeps a copy of a request."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.checks import sessions_note_their_account
from accounts.models import Session
from learning.models import Enrollment

pytestmark = pytest.mark.django_db

DATA = reverse("account_data")
EVERYWHERE = reverse("account_log_out_everywhere")
STASHED_REQUEST = "account_reauthentication_state"
CACHED = "django.contrib.sessions.cached_db"  # the prefix of a session's key in the cache


def logged_in(client: Client) -> bool:
    return client.get(DATA).status_code == 200


def session_keys(user) -> set[str]:
    return set(Session.objects.filter(user=user).values_list("session_key", flat=True))


def log_in(user, password) -> Client:
    """A browser logged in through the login form, as a learner does."""
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return browser


def test_log_out_everywhere_is_a_labelled_post_button_on_your_data(user, client_for):
    page = client_for(user).get(DATA)
    assertContains(page, f'<form method="post" action="{EVERYWHERE}">')
    assertContains(page, '<button type="submit" class="secondary">Log out everywhere</button>')
    assertContains(page, "csrfmiddlewaretoken")
    assert client_for(user).get(EVERYWHERE).status_code == 405
    csrf_checked = client_for(user, enforce_csrf_checks=True)
    assert csrf_checked.post(EVERYWHERE).status_code == 403
    assert logged_in(csrf_checked)


def test_log_out_everywhere_ends_every_session_of_the_learner_and_no_one_elses(
    user, other_user, enrollment, password
):
    laptop, phone = log_in(user, password), log_in(user, password)
    someone_else = log_in(other_user, password)
    assert len(session_keys(user)) == 2

    response = laptop.post(EVERYWHERE, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assertContains(response, "You are logged out everywhere")
    assert not logged_in(laptop)
    assert not logged_in(phone)
    assert session_keys(user) == set()
    assert logged_in(someone_else)
    assert len(session_keys(other_user)) == 1
    # Only sessions end: the learner's paths and progress are in the account.
    assert Enrollment.objects.filter(pk=enrollment.pk, user=user).exists()
    assert logged_in(log_in(user, password))


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(
    user, other_user, password
):
    laptop, phone = log_in(user, password), log_in(user, password)
    someone_else = log_in(other_user, password)
    new_password = "a-brand-new-passphrase-77"
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert logged_in(laptop)
    assert session_keys(user) == {laptop.session.session_key}
    assert not logged_in(phone)
    assert logged_in(someone_else)


def test_resetting_the_password_ends_every_session_of_the_account(user, other_user, password):
    phone = log_in(user, password)
    someone_else = log_in(other_user, password)
    stranger = Client()
    stranger.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form = stranger.get(link.group(1), follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-passphrase-77"
    response = stranger.post(form, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert session_keys(user) == set()
    assert not logged_in(phone)
    assert logged_in(someone_else)
    assert logged_in(log_in(user, new_password))


def test_deleting_the_account_ends_its_sessions_and_keeps_no_request(user, other_user, password):
    phone = log_in(user, password)
    someone_else = log_in(other_user, password)
    laptop = log_in(user, password)

    response = laptop.post(reverse("account_delete"), {"confirm": "yes"})
    again = response["Location"]
    assert again.startswith(reverse("account_reauthenticate"))
    stored = [session.get_decoded() for session in Session.objects.all()]
    assert stored
    assert not any(STASHED_REQUEST in data for data in stored)
    assert laptop.post(again, {"password": password})["Location"] == reverse("account_delete")
    assert laptop.post(reverse("account_delete"), {"confirm": "yes"})["Location"] == "/"

    assert not type(user).objects.filter(pk=user.pk).exists()
    assert session_keys(user) == set()
    assert not logged_in(phone)
    assert not logged_in(laptop)
    assert logged_in(someone_else)


def test_with_a_cache_in_front_of_sessions_their_cached_copies_end_too(
    settings, user, other_user, password
):
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"
    cache = caches[settings.SESSION_CACHE_ALIAS]
    laptop, phone = log_in(user, password), log_in(user, password)
    someone_else = log_in(other_user, password)
    phone_key = phone.session.session_key
    assert cache.get(CACHED + phone_key), "the session is served from the cache"

    laptop.post(EVERYWHERE)
    assert cache.get(CACHED + phone_key) is None
    assert not logged_in(phone)
    assert session_keys(user) == set()
    assert logged_in(someone_else)


def test_sessions_made_before_this_engine_move_over_with_their_account(settings, user):
    """The migration that made accounts.Session: nobody is logged out by it, and a stashed
    request does not come along, not even in the cache in front of the sessions."""
    from importlib import import_module

    from django.apps import apps

    move_sessions = import_module("accounts.migrations.0003_sessions").move_sessions
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"
    cache = caches[settings.SESSION_CACHE_ALIAS]
    stashed = {"_auth_user_id": str(user.pk), STASHED_REQUEST: {"request": {"cookies": "x"}}}
    old = DjangoSessionStore()
    old.update(stashed)
    old.save()
    cache.set(CACHED + old.session_key, stashed)
    visitor = DjangoSessionStore()
    visitor["builder_draft"] = {"answers": "kept"}
    visitor.save()

    move_sessions(apps, None)

    assert not DjangoSession.objects.exists()
    moved = Session.objects.get(session_key=old.session_key)
    assert moved.user_id == user.pk
    assert moved.get_decoded() == {"_auth_user_id": str(user.pk)}
    assert cache.get(CACHED + old.session_key) is None
    kept = Session.objects.get(session_key=visitor.session_key)
    assert (kept.user_id, kept.get_decoded()) == (None, {"builder_draft": {"answers": "kept"}})


def test_resetting_the_password_while_logged_in_keeps_that_session(user, password):
    laptop, phone = log_in(user, password), log_in(user, password)
    laptop.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form = laptop.get(link.group(1), follow=True).redirect_chain[-1][0]
    new_password = "a-brand-new-passphrase-77"
    laptop.post(form, {"password1": new_password, "password2": new_password})
    assert logged_in(laptop)
    assert session_keys(user) == {laptop.session.session_key}
    assert not logged_in(phone)


def test_the_site_refuses_a_session_engine_whose_sessions_cannot_be_ended(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert [error.id for error in sessions_note_their_account(None)] == ["accounts.E001"]
    settings.SESSION_ENGINE = "accounts.sessions.cached_db"
    assert sessions_note_their_account(None) == []


def test_log_out_everywhere_pressed_twice_or_in_a_second_tab_ends_them_once(user, password):
    """The second press (a double click, or the button in another tab) finds the learner
    already logged out: it is sent to log in, and nothing else happens."""
    laptop, phone = log_in(user, password), log_in(user, password)
    assert laptop.post(EVERYWHERE).status_code == 302
    again = phone.post(EVERYWHERE)
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("account_login"))
    assert session_keys(user) == set()
    assert logged_in(log_in(user, password))
