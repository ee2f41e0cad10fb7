"""Login rate limits hold across app servers: the default cache is shared (PostgreSQL's cache
table without Redis), so wrong passwords sent to two servers in turn are counted together."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path as FilePath

import pytest
from django.db import connection

from .factories import PASSWORD, UserFactory

ROOT = FilePath(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def suite_database_url() -> str:
    """The suite's DATABASE_URL, naming the test database this test committed to."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": suite_database_url(),
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,roadmap.example.com",
        "REDIS_URL": "",
    }
    command = [sys.executable, "-m", "gunicorn", "roadmap_site.wsgi", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server on port {port} did not start")


def wrong_password(port: int, email: str) -> str:
    """One login attempt with a wrong password: refused as wrong, or as one too many."""
    base = f"http://127.0.0.1:{port}/accounts/login/"
    # Behind a load balancer every server sees the site's one host name (allauth counts per
    # site and account).
    host = {"Host": "roadmap.example.com"}
    with urllib.request.urlopen(urllib.request.Request(base, headers=host), timeout=10) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    data = urllib.parse.urlencode(
        {"login": email, "password": "not " + PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(base, data=data, headers={"Cookie": cookie, **host})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    return "too many" if "Too many failed login attempts" in page else "wrong"


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_are_limited_across_two_servers():
    user = UserFactory()
    ports = [free_port(), free_port()]
    servers = [start_server(port) for port in ports]
    try:
        for port in ports:
            wait_for(port)
        answers = [wrong_password(ports[attempt % 2], user.email) for attempt in range(8)]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    # allauth allows 5 failed logins per account every 5 minutes, wherever they are sent.
    assert answers == ["wrong"] * 5 + ["too many"] * 3
