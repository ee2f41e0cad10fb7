"""Login rate limits hold across app servers: the default cache is shared (PostgreSQL's cache
table without Redis), so wrong passwords sent to two servers in turn are counted together."""

import pytest
from django.core.cache import caches

from .factories import UserFactory
from .servers import free_port, start_server, stop_servers, wait_for, wrong_password


@pytest.mark.django_db(transaction=True)
def test_wrong_passwords_are_limited_across_two_servers():
    # The counts live in the cache table, which outlives each test: start from none (other
    # tests' failed logins from 127.0.0.1 would count against the per-address limit).
    caches["default"].clear()
    user = UserFactory()
    ports = [free_port(), free_port()]
    servers = [start_server(port) for port in ports]
    try:
        for port in ports:
            wait_for(port)
        answers = [wrong_password(ports[attempt % 2], user.email) for attempt in range(8)]
    finally:
        stop_servers(*servers)
        caches["default"].clear()  # nor would these count against the later tests' logins
    # allauth allows 5 failed logins per account every 5 minutes, wherever they are sent.
    assert answers == ["wrong"] * 5 + ["too many"] * 3
