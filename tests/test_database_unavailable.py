"""PostgreSQL out of reach, seen from one request (core.unavailable): a friendly 503 with
Retry-After wherever the failure comes from, never a 500 or a traceback, logged once per outage;
other database errors stay 500s. tests/test_database_outage.py stops a real server."""

import contextlib
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from core.unavailable import _Outage

FRIENDLY = "The site cannot reach its database just now"


@pytest.fixture(autouse=True)
def _no_outage_before_or_after():
    _Outage.began, _Outage.refused = None, 0
    yield
    _Outage.began, _Outage.refused = None, 0


@contextlib.contextmanager
def database_down(monkeypatch, error=OperationalError):
    """Every query inside fails as it does with PostgreSQL stopped."""

    def refuse(*args, **kwargs):
        raise error('connection to server on socket "/tmp/.s.PGSQL.5432" failed')

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        yield


def assert_friendly_503(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert FRIENDLY in page
    assert "Learning Roadmap" in page, "the site's own layout"
    assert "Traceback" not in page
    assert "Log in" not in page, "no account menu, which would need the database"


def test_every_kind_of_page_answers_503_with_retry_after(monkeypatch, client, auth_client, path):
    url = reverse("learning:step_status", args=[path.steps.first().pk])
    with database_down(monkeypatch):
        assert_friendly_503(client.get("/"))
        assert_friendly_503(client.get(path.get_absolute_url()))
        assert_friendly_503(auth_client.get(reverse("learning:dashboard")))
        assert_friendly_503(auth_client.post(url, {"status": "done"}))


def test_a_failure_in_a_middleware_on_the_way_out_is_a_503_too(monkeypatch, path, caplog):
    """The session of an anonymous visitor who chose a depth is saved by SessionMiddleware after
    the view answered: the database going away then is no 500 either."""

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", refuse)
    visitor = Client(raise_request_exception=False)
    start = reverse("learning:path_start", args=[path.slug])
    assert_friendly_503(visitor.post(start, {"depth": "thorough"}))
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, "no 'Internal Server Error' with a traceback"
    assert "PostgreSQL cannot be reached" in caplog.text


def test_other_database_errors_stay_500s(monkeypatch, path):
    with database_down(monkeypatch, error=IntegrityError):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_an_outage_is_logged_once_as_a_warning_and_its_end_too(monkeypatch, client, caplog, db):
    caplog.set_level(logging.DEBUG)
    with database_down(monkeypatch):
        for _ in range(3):
            assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200
    loud = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.levelname for record in loud] == ["WARNING", "WARNING"]
    assert "PostgreSQL cannot be reached" in loud[0].getMessage()
    assert "answer 503 until it can" in loud[0].getMessage()
    assert "answers again: 3 requests were answered 503" in loud[1].getMessage()
    assert not any(record.exc_info for record in loud), "no traceback"


def test_the_health_check_still_answers_json_and_logs_no_error(monkeypatch, client, caplog):
    with database_down(monkeypatch):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "PostgreSQL cannot be reached" in caplog.records[0].getMessage()
