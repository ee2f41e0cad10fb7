"""`make deploy-check`'s visitor: a browser without JavaScript behind a TLS-terminating proxy,
speaking plain HTTP to gunicorn with the headers such a proxy adds. It signs up, follows the
confirmation link from the email, logs in and reads its dashboard. Any surprise is an
AssertionError saying what an operator would have seen."""

from __future__ import annotations

import email
import email.policy
import http.client
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

SITE = "roadmap.example.com"
# What the proxy adds: the scheme the browser used, and the browser's address.
PROXY_HEADERS = {"Host": SITE, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
ORIGIN = f"https://{SITE}"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, **headers) -> Answer:
        headers = {**PROXY_HEADERS, **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers.update({"Origin": ORIGIN, "Referer": ORIGIN + path})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for line in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if not morsel.value:  # deleted (Django sends no Secure flag with a deletion)
                    self.cookies.pop(name, None)
                    continue
                assert morsel["secure"], f"{name} cookie without Secure: {line}"
                self.cookies[name] = morsel.value
        return answer

    def get(self, path: str, expect: int = 200, **headers) -> Answer:
        answer = self.request("GET", path, **headers)
        assert answer.status == expect, f"GET {path}: {answer.status}, expected {expect}"
        return answer

    def submit(self, path: str, form: dict, expect: int = 302) -> Answer:
        """The form on the page at `path`, filled in and posted with the page's CSRF token."""
        page = self.get(path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, f"no CSRF token in the form at {path}"
        answer = self.request("POST", path, {"csrfmiddlewaretoken": token.group(1), **form})
        assert answer.status == expect, (
            f"POST {path}: {answer.status}, expected {expect}\n{answer.text[:2000]}"
        )
        return answer


def wait_until_up(browser: Browser, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited with status {process.returncode}"
        try:
            browser.get("/healthz")
            return
        except (OSError, AssertionError):
            time.sleep(0.2)
    raise AssertionError(f"GET /healthz did not answer 200 within {seconds:.0f} s")


def confirmation_link(mailbox: list[bytes], address: str, seconds: float = 15) -> str:
    """The path of the confirmation link in the email sent to `address`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for raw in mailbox:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            if address not in message["To"]:
                continue
            body = message.get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
            assert link, f"no confirmation link in the email:\n{body}"
            assert link.group().startswith(ORIGIN), f"the link is not {ORIGIN}: {link.group()}"
            return urllib.parse.urlsplit(link.group()).path
        time.sleep(0.2)
    raise AssertionError(f"no email reached {address} within {seconds:.0f} s")


def visit(port: int, mailbox: list[bytes], process, step) -> None:
    browser = Browser(port)
    wait_until_up(browser, process)
    step("GET /healthz: 200")
    catalog = browser.get("/").text
    assert "/paths/" in catalog, "the catalog lists no path: is the content loaded?"
    step("GET /: the catalog lists the roadmap's paths")

    address, password = (
        f"deploy-check-{secrets.token_hex(4)}@example.com",
        secrets.token_urlsafe(16),
    )
    fields = {"email": address, "password1": password, "password2": password}
    browser.submit("/accounts/signup/", fields)
    step(f"signed up as {address}")
    link = confirmation_link(mailbox, address)
    step(f"the email came over SMTP with the link {ORIGIN}{link}")
    early = Browser(port).submit("/accounts/login/", {"login": address, "password": password})
    assert early.headers["Location"] != "/dashboard/", "logged in before confirming the address"
    step("logging in before confirming is refused (verification is mandatory)")
    browser.submit(link, {})
    step("confirmed the address from the link")

    browser.cookies.clear()  # a fresh browser, as days later
    answer = browser.submit("/accounts/login/", {"login": address, "password": password})
    assert answer.headers["Location"] == "/dashboard/", answer.headers["Location"]
    dashboard = browser.get("/dashboard/").text
    assert address in dashboard, "the dashboard does not show who is logged in"
    step("logged in; /dashboard/ shows the account")

    static = browser.get("/static/css/site.css", **{"Accept-Encoding": "br"})
    assert static.headers["Content-Encoding"] == "br", static.headers["Content-Encoding"]
    step("GET /static/css/site.css: Brotli-compressed")
