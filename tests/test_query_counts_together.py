"""The pages of learning together cost a fixed number of queries, the same at two data sizes:
a learner's groups, a group's settings and its join page (3 and 30 groups or members), the
digest's page and its unsubscribe page (3 and 30 subscribers), and the curator insights' index
(3 and 30 more curated paths). The board, its CSV and a path's insights page are pinned beside
their features (test_group_board.py, test_insights.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.digest.emails import unsubscribe_token
from learning.digest.services import digest_subscription_set

from .factories import PathFactory, UserFactory
from .group_support import join, make_group, url, url_join

SIZES = [3, 30]
GROUP_LIST = 4  # session, user, the learner's memberships with groups and paths, the paths
GROUP_SETTINGS = 4  # session, user, the organiser's membership, the members
JOIN_PAGE = 4  # session, user, the group by its link, the visitor's membership
DIGEST_PAGE = 4  # session, user, the subscription, the confirmed address
# Session and user (of whoever opens the link), the account the link names, then the write
# (unsubscribed already: nothing saved): a savepoint, the account's lock, the subscription, the
# savepoint released.
UNSUBSCRIBE = 7
INSIGHTS_INDEX = 4  # session, user, the curator's rights, the paths with their snapshots' times


def queries_of(client, address: str, method: str = "get") -> list[str]:
    getattr(client, method)(address)  # the session is warm, as on any later page
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(address)
    assert response.status_code == 200, (address, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("size", SIZES)
def test_a_learners_groups_cost_the_same_however_many(size, make_user, client_for):
    learner = make_user()
    for number in range(size):
        make_group(learner, name=f"Circle {number}")
    queries = queries_of(client_for(learner), reverse("learning:group_list"))
    assert len(queries) == GROUP_LIST, "\n".join(queries)


@pytest.mark.parametrize("size", SIZES)
def test_a_groups_settings_and_join_page_cost_the_same_however_many_members(
    size, make_user, client_for
):
    organiser = make_user()
    group = make_group(organiser, members=size - 1)
    queries = queries_of(client_for(organiser), url("group_settings", group))
    assert len(queries) == GROUP_SETTINGS, "\n".join(queries)
    queries = queries_of(client_for(make_user()), url_join(group))
    assert len(queries) == JOIN_PAGE, "\n".join(queries)


@pytest.mark.parametrize("size", SIZES)
def test_the_digest_pages_cost_the_same_however_many_subscribers(size, make_user, client_for):
    learners = [UserFactory() for _ in range(size)]
    for learner in learners:
        digest_subscription_set(user=learner, weekly=True)
    queries = queries_of(client_for(learners[0]), reverse("learning:digest_settings"))
    assert len(queries) == DIGEST_PAGE, "\n".join(queries)
    link = reverse("learning:digest_unsubscribe", args=[unsubscribe_token(learners[-1])])
    queries = queries_of(client_for(make_user()), link)
    assert len(queries) == UNSUBSCRIBE, "\n".join(queries)


@pytest.mark.parametrize("size", SIZES)
def test_the_insights_index_costs_the_same_however_many_paths(size, editor):
    for _ in range(size):
        PathFactory(phase_sizes=[1])
    queries = queries_of(editor, "/admin/insights/")
    assert len(queries) == INSIGHTS_INDEX, "\n".join(queries)


def test_joining_is_measured_on_a_group_the_visitor_is_not_in(make_user, client_for):
    """The join page above is the invitation, not a redirect to the board."""
    group = make_group(make_user(), members=1)
    member = make_user()
    join(group, member, "Lin")
    assert client_for(member).get(url_join(group)).status_code == 302
