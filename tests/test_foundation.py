"""The foundation: PostgreSQL underneath, health check, base layout, configuration safety."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

ROOT = Path(__file__).resolve().parent.parent
SKIP_LINK = '<a class="skip-link" href="#main">Skip to content</a>'
MENU = [
    ("papers:paper_list", "Papers"),
    ("papers:glossary", "Glossary"),
    ("account_login", "Log in"),
]


def manage(*args, env_overrides=None, check=False):
    # The browser tests' relaxation of Django's async guard must not leak into a "deployment".
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": None, **(env_overrides or {})}
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_home_page_has_landmarks_skip_link_and_anonymous_menu(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assertContains(response, SKIP_LINK, html=True)
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    for url, label in MENU:
        assertContains(response, f'<a href="{reverse(url)}">{label}</a>', html=True)
    assertContains(
        response,
        f'<a href="{reverse("account_signup")}" class="signup-link">Sign up</a>',
        html=True,
    )
    # A visitor has no dashboard yet: the header offers Log in and Sign up instead (issue 14).
    assert reverse("learning:dashboard") not in html
    assert "htmx.min.js" in html
    assert "pico.min.css" in html


def test_header_shows_the_users_menu_once_logged_in(auth_client, user):
    response = auth_client.get("/")
    assert user.email in response.content.decode()
    assertContains(response, f'<a href="{reverse("learning:dashboard")}">Dashboard</a>', count=2)
    assertContains(
        response, '<button type="submit" class="link-button">Log out</button>', html=True
    )
    assertNotContains(response, f'<a href="{reverse("account_login")}">Log in</a>', html=True)


def test_dashboard_requires_login(client, db):
    response = client.get(reverse("learning:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_allauth_pages_use_the_site_layout(client, db):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assertContains(response, SKIP_LINK, html=True)
    assert '<label for="id_email">' in html
    assert '<label for="id_password1">' in html


def test_static_assets_are_served(live_server):
    import urllib.request

    for path in ("/static/vendor/htmx/htmx.min.js", "/static/vendor/pico/pico.min.css"):
        with urllib.request.urlopen(live_server.url + path) as response:
            assert response.status == 200


def test_production_settings_refuse_to_start_without_a_secret_key():
    no_key = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": None, "DJANGO_ALLOWED_HOSTS": "x.example"}
    env = {k: v for k, v in {**os.environ, **no_key}.items() if v is not None}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    serving = subprocess.run(
        [sys.executable, "-c", "import roadmap_site.wsgi"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert serving.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in serving.stderr
    deploy = manage("check", "--deploy", env_overrides=no_key)
    assert deploy.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in deploy.stderr


def test_commands_that_need_no_key_run_without_one():
    result = manage(
        "makemigrations", "--check", "--dry-run",
        env_overrides={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": None},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x7" * 30 + "-a-long-random-production-secret",
            "DJANGO_ALLOWED_HOSTS": "roadmap.example.com",
            "DEFAULT_FROM_EMAIL": "Learning Roadmap <noreply@roadmap.example.com>",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_unreachable_database_is_one_clear_line():
    result = manage(
        "migrate",
        "--check",
        env_overrides={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nowhere"},
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach PostgreSQL")


def test_settings_refuse_a_non_postgresql_database():
    result = manage("check", env_overrides={"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr
