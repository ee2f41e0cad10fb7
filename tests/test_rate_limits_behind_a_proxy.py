"""Behind a proxy every request comes from the proxy's address: with DJANGO_TRUSTED_PROXY_COUNT
set, allauth's per-address login limits count each visitor by the address the proxy appended to
X-Forwarded-For, so one visitor's failures do not lock out everybody else; without it, the header
(which anybody can send) is ignored and cannot be used to slip past the limit."""

import pytest
from django.core.cache import caches

from .servers import free_port, start_server, stop_servers, wait_for, wrong_password

# allauth allows 10 failed logins per client address a minute (and 5 per account, so each attempt
# here names another address).
PER_ADDRESS = 10
ALICE = {"X-Forwarded-For": "203.0.113.10"}
# Bob behind the same proxy, and a client that wrote its own X-Forwarded-For before the proxy
# appended the real address: allauth takes the last entry, the one the proxy added.
BOB = {"X-Forwarded-For": "198.51.100.99, 203.0.113.20"}


def failures_then_others(port: int) -> tuple[list[str], str, str]:
    """Alice fails PER_ADDRESS + 1 times; then Alice and Bob each try once more."""
    alice = [wrong_password(port, f"alice{n}@example.com", ALICE) for n in range(PER_ADDRESS + 1)]
    return (
        alice,
        wrong_password(port, "alice@example.com", ALICE),
        wrong_password(port, "bob@example.com", BOB),
    )


@pytest.fixture
def server(request):
    """A server with the test's environment; the shared cache (the rate limits' counts) emptied
    before and after: every server of the suite is 127.0.0.1 to the site, so the failures sent
    here would otherwise lock the later tests' logins out."""
    caches["default"].clear()
    port = free_port()
    process = start_server(port, env=request.param)
    try:
        wait_for(port)
        yield port
    finally:
        stop_servers(process)
        caches["default"].clear()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", [{"DJANGO_TRUSTED_PROXY_COUNT": "1"}], indirect=True)
def test_with_one_trusted_proxy_visitors_are_counted_apart(server):
    alice, alice_again, bob = failures_then_others(server)
    assert alice == ["wrong"] * PER_ADDRESS + ["too many"]
    assert alice_again == "too many"
    assert bob == "wrong", "Bob is not locked out by Alice's failures"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", [{"DJANGO_TRUSTED_PROXY_COUNT": ""}], indirect=True)
def test_without_the_setting_x_forwarded_for_is_not_trusted(server):
    alice, alice_again, bob = failures_then_others(server)
    assert alice == ["wrong"] * PER_ADDRESS + ["too many"]
    assert alice_again == "too many"
    assert bob == "too many", "a made-up X-Forwarded-For does not reset the count"
