"""The study group forms and addresses with hostile values (NUL bytes, lone surrogates, huge
strings, wrong types, unknown ids), sent by the group's organiser and a member, each twice:
never a server error. (tests/test_fuzz.py hits every pattern; its learner is in no group.)"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .group_support import join, make_group, membership
from .test_fuzz import FORM_ENCODED, PLACEHOLDER_JUNK, bounded, encoded, payload

FIELDS = (
    "name",
    "display_name",
    "depth",
    "start_date",
    "hours_per_week",
    "sharing",
    "expires_in_days",
    "revoke",
    "path",
)
EXAMPLES = 300


@pytest.fixture
def aims(user, other_user, client_for):
    group = make_group(user)
    grace = join(group, other_user, "Grace")
    group.refresh_from_db()
    pk, member = group.pk, grace.pk
    urls = [
        "/groups/new/",
        f"/groups/join/{group.invite_token}/",
        f"/groups/{pk}/settings/",
        f"/groups/{pk}/invite/",
        f"/groups/{pk}/sharing/",
        f"/groups/{pk}/members/{member}/organiser/",
        f"/groups/{pk}/close/",
        f"/groups/{pk}/leave/",
        f"/groups/{pk}/members/{member}/remove/",
        f"/groups/{pk}/members/{member}/hand-over/",
    ]
    clients = {"organiser": client_for(user), "member": client_for(other_user)}
    return group, urls, clients, membership(group, user)


def test_group_forms_with_hostile_values_never_fail(aims):
    _, urls, clients, _ = aims
    errors = []

    @bounded(EXAMPLES)
    @given(
        url=st.sampled_from(urls),
        who=st.sampled_from(list(clients)),
        data=st.dictionaries(st.sampled_from(FIELDS), payload, max_size=5),
    )
    def run(url, who, data):
        for _ in range(2):
            response = clients[who].post(url, encoded(data), content_type=FORM_ENCODED)
            if response.status_code >= 500:
                errors.append(f"{who} POST {url} {data!r:.200} → {response.status_code}")

    run()
    assert errors == [], "\n".join(errors[:20])


def test_group_addresses_with_junk_in_them_never_fail(aims):
    group, _, clients, own = aims
    errors = []
    patterns = [
        "/groups/{}/",
        "/groups/{}/board.csv",
        "/groups/{}/settings/",
        "/groups/join/{}/",
        f"/groups/{group.pk}/members/{{}}/remove/",
    ]

    @bounded(100)
    @given(pattern=st.sampled_from(patterns), junk=st.sampled_from(PLACEHOLDER_JUNK))
    def run(pattern, junk):
        for method in ("get", "post"):
            response = getattr(clients["organiser"], method)(pattern.format(junk))
            if response.status_code >= 500:
                errors.append(f"{method} {pattern.format(junk)} → {response.status_code}")

    run()
    assert errors == [], "\n".join(errors)
    assert own.is_active
