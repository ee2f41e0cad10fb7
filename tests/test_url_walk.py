"""Every URL pattern is walked as another learner, a curator and an anonymous visitor, aimed at
one learner's data: wherever a pattern touches a learner's data they are refused (or shown only
their own), and a pattern added without saying whose data it serves fails here first."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from learning.models import Phase

from .url_map import (
    ADMIN_CONTENT,
    ADMIN_PEOPLE,
    KINDS,
    OWNED,
    SECRET,
    SELF,
    SHARED,
    USER_DATA,
    fill,
    learner_world,
    routes,
    rows_written,
)

# Requests that are refused: not found, forbidden, the wrong method, or sent to log in.
REFUSALS = {400, 403, 404, 405}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
# Where the admin sends staff asking for an object it does not show them ("… doesn't exist").
ADMIN_HOME = "/admin/"
# Admin models with rows of a learner's own: their personal path, its phases and steps.
PERSONAL_IN_ADMIN = ("learning.path", "learning.phase", "learning.step")


@pytest.fixture
def world(roadmap, make_user, client_for):
    world = learner_world(client_for, make_user)
    EmailAddress.objects.get_or_create(user=world.owner, email=world.owner.email)
    return world


@pytest.fixture
def intruders(make_user, client_for, curator_user):
    """Another learner, a curator (content rights only) and an anonymous visitor."""
    return {
        "another learner": client_for(make_user("intruder@example.com")),
        "a curator": client_for(curator_user),
        "an anonymous visitor": Client(),
    }


def test_every_url_pattern_says_whose_data_it_serves():
    unclassified = [f"{r.route} ({r.name or 'unnamed'})" for r in routes() if r.kind is None]
    assert not unclassified, (
        "New URL patterns: add each to tests/url_map.py with the kind of data it serves "
        "(and, if it is a learner's, make sure others are refused):\n  " + "\n  ".join(unclassified)
    )
    assert {r.kind for r in routes()} <= set(KINDS)


def refused(client, response, world, hops: int = 3) -> bool:
    """Refused outright, sent to a login page, or sent on (the admin's object address to its
    change page) to a refusal, by an address that does not name the owner's path."""
    if response.status_code in REFUSALS:
        return True
    if response.status_code != 302:
        return False
    location = response["Location"]
    if location.startswith(LOGIN_PAGES) or location == ADMIN_HOME:
        return True
    if world.personal.slug in location:
        return False
    return hops > 0 and refused(client, client.get(location), world, hops - 1)


def aimed_values(world, route) -> dict:
    """The route's placeholders aimed at the owner's rows (the admin's object ids by model)."""
    objects = {
        "learning.path": world.personal.pk,
        "learning.phase": Phase.objects.filter(path=world.personal).first().pk,
        "learning.step": world.personal_step.pk,
        "accounts.user": world.owner.pk,
        "account.emailaddress": EmailAddress.objects.get(user=world.owner).pk,
    }
    return {**world.values, "object_id": objects.get(route.model, world.values["object_id"])}


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check_refused(client, who: str, url: str, world) -> list[str]:
    """GET and POST to a learner's object: refused, nothing of theirs shown, nothing written."""
    problems = []
    for method in ("get", "post"):
        before = rows_written()
        response = getattr(client, method)(url, {"note": "x", "status": "done", "confirm": "yes"})
        if not refused(client, response, world):
            problems.append(f"{who} {method.upper()} {url} → {response.status_code}")
        if SECRET in body(response) or world.owner.email in body(response):
            problems.append(f"{who} {method.upper()} {url} shows the owner's data")
        if rows_written() != before:
            problems.append(f"{who} {method.upper()} {url} wrote rows")
    return problems


def check_only_their_own(client, who: str, url: str, world) -> list[str]:
    """A page named by the session alone: the visitor's own data or a login page, never the
    owner's, and never an error."""
    response = client.get(url)
    if response.status_code >= 500:
        return [f"{who} GET {url} → {response.status_code}"]
    if SECRET in body(response) or world.owner.email in body(response):
        return [f"{who} GET {url} shows the owner's data"]
    return []


def names_an_object(route) -> bool:
    return "<" in route.route or "(" in route.route


def test_a_learners_data_is_refused_to_everyone_else_at_every_url(world, intruders):
    problems, walked = [], 0
    for route in routes():
        if route.kind not in (*USER_DATA, ADMIN_CONTENT):
            continue
        if route.kind == ADMIN_CONTENT and route.model not in (*PERSONAL_IN_ADMIN, ""):
            continue  # curated content only: no learner's rows to aim at
        url = fill(route.route, aimed_values(world, route))
        if route.name == "learning:builder":
            url += f"?path={world.personal.slug}"
        walked += 1
        for who, client in intruders.items():
            if route.kind in (SELF, SHARED) or not names_an_object(route):
                problems += check_only_their_own(client, who, url, world)
            else:
                problems += check_refused(client, who, url, world)
    assert not problems, "\n".join(problems)
    assert walked >= 40, walked


def test_the_owner_reaches_what_the_walk_aims_at(world, client_for):
    """The walk's addresses are right: the owner gets their own pages where others are refused
    (so a refusal above is a refusal, not a wrong address)."""
    owner = client_for(world.owner)
    for name in ("learning:path_detail", "learning:path_calendar"):
        route = next(r for r in routes() if r.name == name)
        response = owner.get(fill(route.route, world.values))
        assert response.status_code == 200, name
    path_page = owner.get(fill("paths/<slug:slug>/", world.values))
    assert SECRET in body(path_page)
    settings_page = owner.get(f"/enrollments/{world.enrollment.pk}/reset/")
    assert settings_page.status_code == 200


def test_a_shared_link_shows_progress_but_never_notes_and_a_wrong_link_is_a_404(world, client):
    page = client.get(f"/shared/{world.enrollment.share_token}/")
    assert page.status_code == 200
    assert SECRET not in body(page)
    assert client.get("/shared/not-the-token/").status_code == 404


def test_the_walk_covers_every_kind_that_holds_a_learners_data():
    kinds = {route.kind for route in routes()}
    assert {OWNED, SELF, SHARED, ADMIN_PEOPLE} <= kinds


def test_every_other_pattern_answers_without_error_or_a_learners_data(world, intruders):
    """The rest (content, account flows, the curator workspace, the health check), walked by
    the same three visitors: no error, and nothing of the learner's."""
    problems, walked = [], 0
    for route in routes():
        if route.kind in USER_DATA or (
            route.kind == ADMIN_CONTENT and route.model in PERSONAL_IN_ADMIN
        ):
            continue
        url = fill(route.route, aimed_values(world, route))
        if route.name == "search:search":
            url += "?q=owner-only"  # the secret's first words: the page repeats the query
        walked += 1
        for who, client in intruders.items():
            problems += check_only_their_own(client, who, url, world)
    assert not problems, "\n".join(problems)
    assert walked >= 60, walked


def test_the_row_counter_sees_a_write_in_the_tests_transaction(world, client_for):
    """What the walk and the fuzz test read to say "nothing written" does see a write."""
    before = rows_written()
    client_for(world.owner).post(f"/steps/{world.curated_step.pk}/status/", {"status": "skipped"})
    assert rows_written() > before
