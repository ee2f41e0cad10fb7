"""Every email the site sends, sent by the site's own pages: who it comes from, its subject, its
words (the product's, never the host's) in a text and an HTML part, its links; and the sender
a deployment must name before the site starts."""

import os
import re
import subprocess
import sys
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.core import mail
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from .email_support import HOST, assert_product_email, html_part, sent_to, site_client
from .servers import ROOT
from .signup_support import sign_up

NEW_PASSWORD = "a-brand-new-passphrase-77"
NOTIFIED_AT = re.compile(r"^- \d{1,2} \w+ \d{4}, \d\d:\d\d UTC$", re.MULTILINE)


@pytest.fixture
def owner(make_user):
    """A learner whose confirmed address is the account's primary one, as sign-up leaves it."""
    user = make_user("owner@example.com")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def owner_client(owner):
    browser = site_client()
    browser.force_login(owner)
    return browser


def link_in(body: str, path_start: str) -> str:
    """The path of the body's link that starts with path_start."""
    return re.search(rf"http://{re.escape(HOST)}({re.escape(path_start)}\S*)", body)[1]


def assert_notification(
    message, *, subject: str, to: str, says: str, browser: str = "not known"
) -> None:
    body = assert_product_email(message, subject=subject, to=to)
    assert says in body
    assert f"choose a new password at once at\n\nhttp://{HOST}/accounts/password/reset/\n" in body
    assert NOTIFIED_AT.search(body), body
    assert f"- IP address: 127.0.0.1\n- Browser: {browser}\n" in body


def test_sign_up_asks_to_confirm_the_address(db, password):
    sign_up(site_client(), "new@example.com", password)
    (message,) = mail.outbox
    body = assert_product_email(
        message, subject="Confirm your email address for Learning Roadmap", to="new@example.com"
    )
    assert "Please confirm that new@example.com is your email address for Learning Roadmap" in body
    assert "added" not in body
    assert link_in(body, "/accounts/confirm-email/")


def test_sign_up_with_a_taken_address_tells_its_owner(owner, password):
    sign_up(site_client(), owner.email, password)
    (message,) = mail.outbox
    body = assert_product_email(
        message, subject="You already have a Learning Roadmap account", to=owner.email
    )
    assert "There already is an account with it, so no new account was made." in body
    assert link_in(body, "/accounts/login/")
    assert link_in(body, "/accounts/password/reset/")


def test_logging_in_with_an_unconfirmed_address_asks_in_the_sign_up_words(
    make_user, settings, password
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = make_user("waiting@example.com")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    site_client().post(reverse("account_login"), {"login": user.email, "password": password})
    (message,) = mail.outbox
    body = assert_product_email(
        message, subject="Confirm your email address for Learning Roadmap", to=user.email
    )
    assert "added" not in body


def test_an_added_address_is_asked_to_confirm_and_the_owner_is_told(owner, owner_client):
    owner_client.post(reverse("account_email"), {"email": "second@example.com", "action_add": ""})
    (confirmation,) = sent_to(mail.outbox, "second@example.com")
    body = assert_product_email(
        confirmation,
        subject="Confirm the email address you added to Learning Roadmap",
        to="second@example.com",
    )
    assert (
        "This address, second@example.com, was added to the Learning Roadmap account "
        "owner@example.com. If you added it, confirm it by opening this link:"
    ) in body
    assert "register" not in body
    assert link_in(body, "/accounts/confirm-email/")
    (note,) = sent_to(mail.outbox, owner.email)
    assert_notification(
        note,
        subject="An email address was added to your Learning Roadmap account",
        to=owner.email,
        says="The address second@example.com was added to your Learning Roadmap account.",
    )
    assert len(mail.outbox) == 2


def test_password_reset_sends_a_link_to_a_known_address(owner):
    site_client().post(reverse("account_reset_password"), {"email": owner.email})
    (message,) = mail.outbox
    body = assert_product_email(
        message, subject="Reset your Learning Roadmap password", to=owner.email
    )
    assert link_in(body, "/accounts/password/reset/key/")


def test_password_reset_for_an_unknown_address_offers_to_sign_up(db):
    site_client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    (message,) = mail.outbox
    body = assert_product_email(
        message,
        subject="There is no Learning Roadmap account for this address",
        to="nobody@example.com",
    )
    assert "There is no account with this address." in body
    assert link_in(body, "/accounts/signup/")
    assert "/accounts/password/reset/key/" not in body


def test_changing_the_password_is_notified(owner, owner_client, password):
    owner_client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        HTTP_USER_AGENT="Firefox/133.0 <b>&",
    )
    (message,) = mail.outbox
    assert_notification(
        message,
        subject="Your Learning Roadmap password was changed",
        to=owner.email,
        says="The password of your Learning Roadmap account was changed.",
        browser="Firefox/133.0 <b>&",
    )
    assert "<li>Browser: Firefox/133.0 &lt;b&gt;&amp;</li>" in html_part(message)


def test_setting_a_password_is_notified(owner, owner_client):
    owner.set_unusable_password()
    owner.save()
    owner_client.force_login(owner)
    owner_client.post(
        reverse("account_set_password"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    (message,) = mail.outbox
    assert_notification(
        message,
        subject="A password was set for your Learning Roadmap account",
        to=owner.email,
        says="A password was set for your Learning Roadmap account.",
    )


def test_resetting_the_password_is_notified(owner):
    stranger = site_client()
    stranger.post(reverse("account_reset_password"), {"email": owner.email})
    form = stranger.get(link_in(mail.outbox[0].body, "/accounts/password/reset/key/"), follow=True)
    mail.outbox.clear()
    stranger.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    (message,) = mail.outbox
    assert_notification(
        message,
        subject="Your Learning Roadmap password was reset",
        to=owner.email,
        says="The password of your Learning Roadmap account was reset, with a link sent by email.",
    )


def test_a_new_primary_address_is_told_to_the_old_one(owner, owner_client):
    EmailAddress.objects.create(user=owner, email="second@example.com", verified=True)
    owner_client.post(
        reverse("account_email"), {"email": "second@example.com", "action_primary": ""}
    )
    (message,) = mail.outbox
    assert_notification(
        message,
        subject="Your Learning Roadmap email address was changed",
        to=owner.email,
        says=(
            "The primary email address of your Learning Roadmap account was changed from "
            "owner@example.com to second@example.com. "
            "Emails from Learning Roadmap now go to second@example.com."
        ),
    )


def test_removing_an_address_is_notified(owner, owner_client):
    EmailAddress.objects.create(user=owner, email="second@example.com", verified=True)
    owner_client.post(
        reverse("account_email"), {"email": "second@example.com", "action_remove": ""}
    )
    (message,) = mail.outbox
    assert_notification(
        message,
        subject="An email address was removed from your Learning Roadmap account",
        to=owner.email,
        says="The address second@example.com was removed from your Learning Roadmap account.",
    )


def test_every_email_allauth_ships_has_the_products_text_and_html():
    shipped = Path(allauth.__file__).parent / "templates" / "account" / "email"
    for name in sorted(path.name for path in shipped.iterdir()):
        ours = get_template(f"account/email/{name}").origin.name
        assert Path(ours).is_relative_to(ROOT / "templates"), name
        if name.endswith("_message.txt"):
            html_sibling = name.removesuffix(".txt") + ".html"
            assert Path(get_template(f"account/email/{html_sibling}").origin.name).exists()


@pytest.mark.parametrize(
    ("template", "context", "subject", "says"),
    [
        ("login_code", {"code": "K7Q2XD"}, "Your Learning Roadmap log-in code", "K7Q2XD"),
        (
            "password_reset_code",
            {"code": "K7Q2XD"},
            "Your Learning Roadmap password reset code",
            "K7Q2XD",
        ),
        (
            "email_confirm",
            {"timestamp": timezone.now(), "ip": "127.0.0.1", "user_agent": "Firefox"},
            "Your email address for Learning Roadmap is confirmed",
            "The address owner@example.com of your Learning Roadmap account is confirmed.",
        ),
    ],
)
def test_emails_allauth_sends_only_in_other_modes_read_right(db, template, context, subject, says):
    """Log-in and reset by code are off here, and allauth 65 sends no "confirmed" notice; were
    they turned on, their emails are the product's too."""
    request = RequestFactory().get("/", HTTP_HOST=HOST)
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(f"account/email/{template}", "owner@example.com", context)
    (message,) = mail.outbox
    assert says in assert_product_email(message, subject=subject, to="owner@example.com")


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    """manage.py with debug off, a secret key and an allowed host; env_overrides on top (None
    removes a variable)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "roadmap.example.com"}
    env |= {"DJANGO_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret"}
    env |= env_overrides
    env = {k: v for k, v in env.items() if v is not None and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    command = [sys.executable, *(args if args[0] == "-c" else ["manage.py", *args])]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_a_sender():
    serving = manage("-c", "import roadmap_site.wsgi", DEFAULT_FROM_EMAIL=None)
    assert serving.returncode != 0
    assert "DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG is off" in serving.stderr
    deploy = manage("check", "--deploy", DEFAULT_FROM_EMAIL=None)
    assert deploy.returncode != 0
    assert "(roadmap.E002) DEFAULT_FROM_EMAIL must be set" in deploy.stderr
    not_an_address = manage("check", "--deploy", DEFAULT_FROM_EMAIL="Learning Roadmap")
    assert not_an_address.returncode != 0
    assert "DEFAULT_FROM_EMAIL is not an email address: 'Learning Roadmap'" in not_an_address.stderr
    # Commands that send no email still run (a deployment migrates before it serves).
    migrations = manage("makemigrations", "--check", "--dry-run", DEFAULT_FROM_EMAIL=None)
    assert migrations.returncode == 0, migrations.stderr


def test_production_with_a_sender_passes_check_deploy():
    sender = "Learning Roadmap <noreply@roadmap.example.com>"
    deploy = manage("check", "--deploy", "--fail-level", "WARNING", DEFAULT_FROM_EMAIL=sender)
    assert deploy.returncode == 0, deploy.stderr
    assert "System check identified no issues" in deploy.stdout
    serving = manage("-c", "import roadmap_site.wsgi", DEFAULT_FROM_EMAIL=sender)
    assert serving.returncode == 0, serving.stderr
