"""What a deployed site sends to browsers: the site as the README deploys it (debug off, a
secret key, collectstatic, gunicorn behind a TLS-terminating proxy), asked over HTTP as that
proxy would, answers with every security header and secure cookies."""

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path as FilePath
from urllib.parse import urlencode

import brotli
import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings

from .factories import PASSWORD, UserFactory
from .servers import ROOT, free_port, gunicorn_command, suite_database_url

SITE = "roadmap.example.com"
PROXIED = {"Host": SITE, "X-Forwarded-Proto": "https"}
ONE_YEAR = 365 * 24 * 60 * 60
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


@pytest.fixture(scope="module")
def production_env(django_db_setup, tmp_path_factory):
    """Production settings for this module's server: only the proxy header is trusted, and
    static files are collected into a folder of the test's own."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{SITE},127.0.0.1",
        "DEFAULT_FROM_EMAIL": f"Learning Roadmap <noreply@{SITE}>",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": suite_database_url(),
        "REDIS_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' relaxation, not production's
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(production_env):
    """gunicorn serving the production settings; its port."""
    collected = manage(production_env, "collectstatic", "--noinput", "-v0")
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    env = {**production_env, "GUNICORN_ACCESS_LOG": "off"}
    process = subprocess.Popen(gunicorn_command(port), cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                if request(port, "GET", "/healthz", {"Host": SITE})[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the production server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(port, method, path, headers, body=None):
    """(status, headers, text) of one request, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def cookies(headers) -> SimpleCookie:
    jar = SimpleCookie()
    for line in headers.get_all("Set-Cookie") or []:
        jar.load(line)
    return jar


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def assert_secure_cookie(morsel):
    assert morsel["secure"] is True, morsel.OutputString()
    assert morsel["httponly"] is True, morsel.OutputString()
    assert morsel["samesite"] == "Lax", morsel.OutputString()


def test_the_served_settings_pass_check_deploy(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("proxy_header", "passes"),
    [("1", True), ("0", False)],
    ids=["the proxy redirects", "nobody redirects"],
)
def test_no_https_redirect_is_warned_about_unless_a_proxy_terminates_tls(
    production_env, proxy_header, passes
):
    """DJANGO_SECURE_SSL_REDIRECT=0 behind a TLS-terminating proxy (which redirects) is the
    README's set-up and passes; without the proxy, plain HTTP would be served: W008 says so."""
    env = {
        **production_env,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_PROXY_SSL_HEADER": proxy_header,
    }
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert (result.returncode == 0) is passes, result.stderr
    assert ("security.W008" in result.stderr) is not passes, result.stderr


def test_pages_carry_every_security_header_and_a_fresh_nonce(server):
    nonces = []
    for _ in range(2):
        status, headers, page = request(server, "GET", "/accounts/login/", PROXIED)
        assert status == 200
        hsts = headers["Strict-Transport-Security"]
        assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR
        assert "includeSubDomains" in hsts
        assert "preload" in hsts
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "geolocation=()" in headers["Permissions-Policy"]
        assert "microphone=()" in headers["Permissions-Policy"]

        policy = directives(headers["Content-Security-Policy"])
        assert sorted(policy) == sorted(
            ["default-src", "script-src", "style-src", "img-src", "object-src", "base-uri",
             "frame-ancestors", "form-action"]
        )  # fmt: skip
        assert policy["default-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        (nonce,) = [source for source in policy["script-src"] if source.startswith("'nonce-")]
        assert policy["script-src"] == ["'self'", nonce]  # no 'unsafe-inline', no 'unsafe-eval'
        assert policy["style-src"] == ["'self'", nonce]
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts
        assert all(f'nonce="{nonce[7:-1]}"' in script for script in scripts), scripts
        nonces.append(nonce)

        assert_secure_cookie(cookies(headers)["csrftoken"])
    assert nonces[0] != nonces[1]


@pytest.mark.django_db(transaction=True)
def test_signing_in_sets_a_secure_session_cookie(server):
    _, headers, page = request(server, "GET", "/accounts/login/", PROXIED)
    # The password hashed as the server hashes them, not with the suite's fast hasher.
    with override_settings(PASSWORD_HASHERS=[PBKDF2]):
        user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urlencode({"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, headers, _ = request(
        server,
        "POST",
        "/accounts/login/",
        {
            **PROXIED,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies(headers)['csrftoken'].value}",
            "Origin": f"https://{SITE}",
            "Referer": f"https://{SITE}/accounts/login/",
        },
        form,
    )
    assert status == 302
    assert_secure_cookie(cookies(headers)["sessionid"])


def test_static_files_carry_the_headers_too(server):
    status, headers, _ = request(server, "GET", "/static/css/site.css", PROXIED)
    assert status == 200
    assert "camera=()" in headers["Permissions-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served_brotli_compressed(server, production_env):
    """collectstatic (debug off) writes a Brotli copy of each text file beside it, and a browser
    that accepts `br` gets it: the same bytes, fewer of them."""
    static_root = FilePath(production_env["DJANGO_STATIC_ROOT"])
    assert (static_root / "css" / "site.css.br").is_file()
    assert (static_root / "js" / "site.js.br").is_file()
    original = (static_root / "css" / "site.css").read_bytes()
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    try:
        connection.request(
            "GET", "/static/css/site.css", headers={**PROXIED, "Accept-Encoding": "gzip, br"}
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(body) < len(original)
    assert brotli.decompress(body) == original
