"""Real gunicorn servers for the tests that need more than the in-process client (several app
servers, a database going away), and a visitor speaking plain HTTP to them with its own cookies,
as a browser behind a load balancer would."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path as FilePath

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from .factories import PASSWORD, UserFactory

ROOT = FilePath(__file__).resolve().parent.parent
# Behind a load balancer every server sees the site's one host name (allauth counts login
# failures per site and account).
HOST = "roadmap.example.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def suite_database_url() -> str:
    """The suite's DATABASE_URL, naming the test database this test committed to."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def gunicorn_command(port: int, workers: int = 1) -> list[str]:
    """gunicorn as the README deploys it (the repository's gunicorn.conf.py), on 127.0.0.1:port,
    logging warnings and errors only."""
    return [
        sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip


def start_server(
    port: int,
    *,
    database_url: str | None = None,
    redis_url: str = "",
    log=None,
    workers: int = 1,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """gunicorn serving the site on 127.0.0.1:port (the suite's test database by default; Redis
    for the cache and sessions with redis_url; more environment in `env`); its output goes to
    `log`, an open file, if given. No access log: the tests read what the site logs."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url or suite_database_url(),
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": f"127.0.0.1,{HOST}",
        "REDIS_URL": redis_url,
        "GUNICORN_ACCESS_LOG": "off",
        **(env or {}),
    }
    # A process group of its own, so that the whole server (master and workers) can be killed.
    return subprocess.Popen(
        gunicorn_command(port, workers),
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip


def wait_for(port: int) -> None:
    """Until the server answers at all (its health check may say the database is down)."""
    for _ in range(200):
        try:
            Visitor().get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server on port {port} did not start")


def stop_servers(*servers: subprocess.Popen, kill: bool = False) -> None:
    """Stopped as a process manager stops them (SIGTERM), or killed on the spot, master and
    workers at once, as when the machine dies (kill=True)."""
    for server in servers:
        if server.poll() is None:
            if kill:
                os.killpg(server.pid, signal.SIGKILL)
            else:
                server.terminate()
    for server in servers:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def server_learner(**extra):
    """A learner whose password the servers accept: the suite hashes with MD5 for speed, which
    the servers' settings do not list, so the hash is PBKDF2 (few rounds: the check is fast)."""
    user = UserFactory(**extra)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Visitor:
    """A browser without JavaScript: keeps its cookies, posts forms with the CSRF token, and does
    not follow redirects. The same visitor may talk to several servers (one site)."""

    cookies: dict[str, str] = field(default_factory=dict)
    # Sent with every request, as a proxy in front of the servers would add them.
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Host": HOST, **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            answer = Answer(response.status, response.headers, response.read().decode())
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer

    def get(self, port: int, path: str) -> Answer:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict) -> Answer:
        """A form posted with the visitor's CSRF token (a page with a form must have set it)."""
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
        return self.request(port, "POST", path, form)

    def log_in(self, port: int, email: str, password: str = PASSWORD) -> Answer:
        self.get(port, "/accounts/login/")
        return self.post(port, "/accounts/login/", {"login": email, "password": password})


def wrong_password(port: int, email: str, headers: dict[str, str] | None = None) -> str:
    """One login attempt with a wrong password, from a new visitor (with these headers, as a proxy
    would add them): refused as wrong, or as one too many."""
    answer = Visitor(headers=headers or {}).log_in(port, email, "not " + PASSWORD)
    assert answer.status == 200, answer.status
    return "too many" if "Too many failed login attempts" in answer.text else "wrong"
