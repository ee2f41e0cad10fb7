"""Fuzzing every URL pattern and every form of the public, learner and curator pages with
hostile input (NUL bytes, lone surrogates, huge strings, wrong types, unknown ids, markup, the
same request twice): never a server error, and a refused request changes no row.

Bounded: a fixed number of examples from a fixed seed (hypothesis, derandomized), so the run
takes the same time and finds the same things every time. Every response of 500 or more is
collected, not just the first, so a failure lists all of them."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .url_map import fill, learner_world, routes, rows_written

# Examples per test: each sends one or two requests (a repeated submission sends it twice).
URL_EXAMPLES = 1000
FORM_EXAMPLES = 500


def bounded(examples: int):
    """The same examples every run (no example database, a fixed seed), and no deadline: a
    slow admin page is not a failure here."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


PAYLOADS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "A" * 100_000,
    "é" * 25_000,
    "0",
    "-1",
    "1.5",
    "9" * 30,
    "2147483648",
    "NaN",
    "true",
    "[]",
    "{}",
    '{"a": 1}',
    "null",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "../../../etc/passwd",
    "%00",
    "%ZZ",
    "\u202eevil",
    "😀",
    "\r\nSet-Cookie: x=1",
    "quick",
    "thorough",
    "done",
    "yes",
    "on",
    "save",
]
# Text of any kind, the hostile payloads above, and numbers of any size.
payload = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.integers().map(str),
)
# What fills a placeholder in an address: a real id of the learner's, an unknown one, or junk.
FORM_ENCODED = "application/x-www-form-urlencoded"
PLACEHOLDER_JUNK = ["0", "999999", "9" * 25, "-1", "abc", "%00", "a%00b", "%ED%A0%80", "x" * 300]


@dataclass(frozen=True)
class Form:
    role: str
    method: str
    action: str
    fields: tuple[tuple[str, str], ...]  # name and the value the page gave it


class FormFinder(HTMLParser):
    """The forms of a page: their method, action, and fields with the values they came with."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            method = (attrs.get("method") or "get").lower()
            self.forms.append({"method": method, "action": action, "fields": {}})
        elif tag in ("input", "textarea", "select", "button") and self.forms and attrs.get("name"):
            fields = self.forms[-1]["fields"]
            fields.setdefault(attrs["name"], attrs.get("value") or "")


@dataclass
class Fuzzer:
    clients: dict
    world: object
    sent: int = 0

    def __post_init__(self):
        self.errors: list[str] = []
        self.writes: list[str] = []

    def send(self, role: str, method: str, url: str, data: dict, twice: bool) -> None:
        client = self.clients[role]
        if role != "anonymous":
            client.force_login(self.clients[role].fuzz_user)
        for _ in range(2 if twice else 1):
            before = rows_written()
            if method == "get":
                response = client.get(f"{url}?{encoded(data)}" if data else url)
            else:
                response = client.post(url, encoded(data), content_type=FORM_ENCODED)
            self.sent += 1
            where = f"{role} {method.upper()} {url[:120]!r} {summary(data)}"
            if response.status_code >= 500:
                self.errors.append(f"{response.status_code} {where}")
            elif response.status_code >= 400 and rows_written() != before:
                self.writes.append(f"{response.status_code} but rows written: {where}")

    def check(self, least: int) -> None:
        assert not self.errors, f"{len(self.errors)} server errors:\n" + "\n".join(self.errors)
        assert not self.writes, "\n".join(self.writes)
        assert self.sent >= least, self.sent
        print(f"fuzz: {self.sent} requests, none answered 5xx")


def encoded(data: dict) -> str:
    """A form's fields as a browser sends them (UTF-8, percent-encoded); a lone surrogate goes
    as the three bytes a broken client would send."""
    return urlencode(data, encoding="utf-8", errors="surrogatepass")


def summary(data: dict) -> str:
    return "{" + ", ".join(f"{k[:30]}={v[:20]!r}…" for k, v in list(data.items())[:6]) + "}"


@pytest.fixture
def fuzzer(roadmap, make_user, client_for, curator):
    world = learner_world(client_for, make_user)
    clients = {}
    for role, user in (("anonymous", None), ("learner", world.owner), ("curator", curator)):
        client = Client(raise_request_exception=False)
        client.fuzz_user = user
        clients[role] = client
    return Fuzzer(clients=clients, world=world)


def forms_of_every_page(fuzzer: Fuzzer) -> list[Form]:
    """Every form on every page each role can open (addresses aimed at the learner's data),
    one per address and method, with every field any page gives it (the logout form is on
    every admin page: it counts once)."""
    found: dict[tuple[str, str, str], dict] = {}
    for role, client in fuzzer.clients.items():
        if role != "anonymous":
            client.force_login(client.fuzz_user)
        for route in routes():
            url = fill(route.route, fuzzer.world.values)
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder(url)
            finder.feed(response.content.decode(errors="replace"))
            for form in finder.forms:
                key = (role, form["method"], urlsplit(form["action"]).path)
                fields = found.setdefault(key, {})
                for name, value in form["fields"].items():
                    fields.setdefault(name, value)
    return [Form(*key, tuple(sorted(fields.items()))) for key, fields in sorted(found.items())]


def test_every_url_pattern_with_hostile_addresses_and_queries(fuzzer):
    every = routes()

    @bounded(URL_EXAMPLES)
    @given(
        route=st.sampled_from(every),
        role=st.sampled_from(sorted(fuzzer.clients)),
        method=st.sampled_from(["get", "post"]),
        junk=st.dictionaries(
            st.sampled_from(list(fuzzer.world.values)), st.sampled_from(PLACEHOLDER_JUNK)
        ),
        query=st.dictionaries(
            st.sampled_from(["q", "path", "page", "next", "status", "depth", "p"]),
            payload,
            max_size=3,
        ),
        twice=st.booleans(),
    )
    def run(route, role, method, junk, query, twice):
        url = fill(route.route, {**fuzzer.world.values, **junk})
        fuzzer.send(role, method, url, query, twice)

    run()
    fuzzer.check(least=URL_EXAMPLES)


def test_every_form_field_with_hostile_values(fuzzer):
    forms = forms_of_every_page(fuzzer)
    assert len(forms) >= 40, len(forms)

    @st.composite
    def submissions(draw):
        form = draw(st.sampled_from(forms))
        data = {}
        for name, value in form.fields:
            data[name] = draw(st.one_of(st.just(value), payload))
        return form, data

    @bounded(FORM_EXAMPLES)
    @given(submission=submissions(), twice=st.booleans())
    def run(submission, twice):
        form, data = submission
        fuzzer.send(form.role, "post" if form.method == "post" else "get", form.action, data, twice)

    run()
    fuzzer.check(least=FORM_EXAMPLES)
