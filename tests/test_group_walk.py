"""Every study group address, walked by everyone who is not a current member of the group: a
learner who never joined, one who left, one an organiser removed, a curator and an anonymous
visitor. Each is refused (404, 403, 405 or sent to log in), sees nothing of the group (no
member's name, no note), and writes no row."""

import pytest
from django.test import Client

from learning import services as learner_services
from learning.groups import services
from learning.models import Enrollment

from .factories import PathFactory
from .group_support import join, make_group, membership
from .test_url_walk import LOGIN_PAGES, REFUSALS, body
from .url_map import MEMBERS, fill, routes, rows_written

SECRET = "group-only-5c1d"  # in a shared note
NAMES = ("Orla Organiser", "Grace Member")  # the members' display names in the group
# What a POST might try, whatever the address.
HOSTILE = {
    "display_name": "Intruder",
    "sharing": "notes",
    "name": "Hijacked",
    "depth": "quick",
    "hours_per_week": "3",
    "revoke": "1",
    "expires_in_days": "1",
}


class World:
    def __init__(self, make_user):
        self.organiser = make_user("orla@example.com")
        self.member = make_user("grace@example.com")
        self.group = make_group(
            self.organiser, path=PathFactory(phase_sizes=[2, 1]), name="Circle 5c1d"
        )
        membership(self.group, self.organiser).__class__.objects.filter(
            group=self.group, user=self.organiser
        ).update(display_name=NAMES[0])
        self.grace = join(self.group, self.member, NAMES[1])
        services.membership_sharing_set(membership=self.grace, sharing="notes")
        enrollment = Enrollment.objects.get(user=self.member, path=self.group.path)
        step = self.group.path.steps.order_by("pk").first()
        learner_services.step_note_set(enrollment=enrollment, step=step, note=SECRET)
        self.old_token = self.group.invite_token
        services.invite_link_new(group=self.group, by=self.organiser)
        self.group.refresh_from_db()
        self.values = {"pk": self.group.pk, "member_pk": self.grace.pk, "token": self.old_token}


@pytest.fixture
def world(make_user):
    return World(make_user)


@pytest.fixture
def outsiders(world, make_user, client_for, curator_user):
    """A learner who never joined, one who left, one who was removed, a curator (in no
    group), and an anonymous visitor."""
    left, removed = make_user("left@example.com"), make_user("removed@example.com")
    join(world.group, left, "Lefty")
    join(world.group, removed, "Removed one")
    services.group_leave(membership=membership(world.group, left))
    services.member_remove(
        group=world.group, by=world.organiser, member_pk=membership(world.group, removed).pk
    )
    return {
        "a non-member": client_for(make_user("stranger@example.com")),
        "an ex-member": client_for(left),
        "a removed member": client_for(removed),
        "a curator": client_for(curator_user),
        "an anonymous visitor": Client(),
    }


def refused(response) -> bool:
    if response.status_code in REFUSALS:
        return True
    return response.status_code == 302 and response["Location"].startswith(LOGIN_PAGES)


def group_routes():
    return [route for route in routes() if route.kind == MEMBERS]


def shows_the_group(text: str, world) -> bool:
    return any(
        secret in text
        for secret in (*NAMES, SECRET, world.organiser.email, world.member.email, "Circle 5c1d")
    )


def test_every_group_address_refuses_everyone_but_its_members(world, outsiders):
    problems = []
    for route in group_routes():
        url = fill(route.route, world.values)
        for who, client in outsiders.items():
            for method in ("get", "post"):
                before = rows_written()
                response = getattr(client, method)(url, HOSTILE)
                if not refused(response):
                    problems.append(f"{who} {method.upper()} {url} → {response.status_code}")
                if shows_the_group(body(response), world):
                    problems.append(f"{who} {method.upper()} {url} shows the group")
                if rows_written() != before:
                    problems.append(f"{who} {method.upper()} {url} wrote rows")
    assert not problems, "\n".join(problems)
    assert len(group_routes()) >= 11


def test_the_walk_aims_right_the_organiser_reaches_the_same_addresses(world, client_for):
    client = client_for(world.organiser)
    for name in ("group_detail", "group_settings", "group_board_csv", "group_leave"):
        route = next(r for r in group_routes() if r.name == f"learning:{name}")
        response = client.get(fill(route.route, world.values))
        assert response.status_code == 200, name
    board = client.get(world.group.get_absolute_url()).content.decode()
    assert SECRET in board
    assert NAMES[1] in board


def test_the_current_invite_link_shows_the_group_but_never_its_members(world, outsiders):
    """The link is an invitation: signed-in people who may join see the group's name and path,
    never who is in it; the removed member is refused; nobody joins by looking."""
    url = f"/groups/join/{world.group.invite_token}/"
    for who, client in outsiders.items():
        before = rows_written()
        response = client.get(url)
        text = body(response)
        assert not any(secret in text for secret in (*NAMES, SECRET)), who
        assert world.member.email not in text
        assert world.organiser.email not in text
        assert rows_written() == before, who
        if who == "a removed member":
            assert response.status_code == 404
        elif who == "an anonymous visitor":
            assert response.status_code == 302
        else:
            assert response.status_code == 200, who


def test_a_refused_post_to_the_current_link_writes_nothing(world, outsiders):
    url = f"/groups/join/{world.group.invite_token}/"
    for who in ("a removed member", "an anonymous visitor"):
        before = rows_written()
        response = outsiders[who].post(url, HOSTILE)
        assert response.status_code in (302, 404), who
        assert rows_written() == before, who
