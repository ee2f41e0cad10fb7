"""Two app servers sharing one PostgreSQL and one Redis (REDIS_URL: the shared cache and cached
sessions), as behind a load balancer: a learner logs in on one and carries on with the other,
wrong passwords are counted across both, and when one server dies the other keeps serving and
keeps what is saved through it."""

import contextlib
import os
import threading
import urllib.parse

import pytest
import redis

from learning.models import StepProgress

from .factories import EnrollmentFactory, PathFactory, UserFactory, steps_of
from .servers import (
    Visitor,
    free_port,
    server_learner,
    start_server,
    stop_servers,
    wait_for,
    wrong_password,
)

# A database number of the tests' own, emptied before and after: never the site's data.
REDIS_DB = 7


def redis_url() -> str:
    url = urllib.parse.urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    return urllib.parse.urlunsplit(url._replace(path=f"/{REDIS_DB}"))


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(redis_url())
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        where = urllib.parse.urlsplit(redis_url()).netloc
        pytest.skip(f"needs Redis at {where} (set REDIS_URL to another); none answers there")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def two_servers(shared_redis, transactional_db):
    ports = [free_port(), free_port()]
    servers = [start_server(port, redis_url=redis_url()) for port in ports]
    try:
        for port in ports:
            wait_for(port)
        yield ports, servers
    finally:
        stop_servers(*servers)


def test_a_learner_carries_on_from_one_server_to_the_other(two_servers, shared_redis):
    (a, b), _ = two_servers
    learner = server_learner()
    path = PathFactory(phase_sizes=[3, 2])
    steps = steps_of(path)
    EnrollmentFactory(user=learner, path=path)

    visitor = Visitor()
    assert visitor.log_in(a, learner.email).status == 302
    assert any(visitor.cookies["sessionid"].encode() in key for key in shared_redis.scan_iter())
    dashboard = visitor.get(b, "/dashboard/")
    assert dashboard.status == 200
    assert learner.email in dashboard.text, "logged in on the other server too"
    assert visitor.post(b, f"/steps/{steps[0].pk}/status/", {"status": "done"}).status == 302
    assert visitor.post(a, f"/steps/{steps[1].pk}/status/", {"status": "skipped"}).status == 302

    saved = dict(StepProgress.objects.filter(user=learner).values_list("step_id", "status"))
    assert saved == {steps[0].pk: "done", steps[1].pk: "skipped"}


def test_wrong_passwords_are_counted_across_both_servers_in_redis(two_servers, shared_redis):
    (a, b), _ = two_servers
    user = UserFactory()
    answers = [wrong_password((a, b)[attempt % 2], user.email) for attempt in range(8)]
    # allauth allows 5 failed logins per account every 5 minutes, wherever they are sent.
    assert answers == ["wrong"] * 5 + ["too many"] * 3
    assert any(b"allauth:rl" in key for key in shared_redis.scan_iter()), "counted in Redis"


@contextlib.contextmanager
def reading_all_along(port: int, visitor: Visitor, page: str):
    """The learner's page read from `port` again and again, in a second tab, while the block
    runs: the statuses it answered (or the name of the error that came instead)."""
    answers: list[int | str] = []
    done = threading.Event()

    def read() -> None:
        tab = Visitor(cookies=dict(visitor.cookies))
        while not done.is_set():
            try:
                answers.append(tab.get(port, page).status)
            except OSError as error:  # refused, reset, timed out: the server failed the learner
                answers.append(type(error).__name__)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        yield answers
    finally:
        done.set()
        reader.join(timeout=30)


def test_when_one_server_dies_the_other_keeps_serving(two_servers):
    (a, b), (server_a, _) = two_servers
    learner = server_learner()
    path = PathFactory(phase_sizes=[3, 2])
    steps = steps_of(path)
    EnrollmentFactory(user=learner, path=path)
    visitor = Visitor()
    assert visitor.log_in(a, learner.email).status == 302
    assert visitor.post(a, f"/steps/{steps[0].pk}/status/", {"status": "done"}).status == 302

    with reading_all_along(b, visitor, path.get_absolute_url()) as answers:
        stop_servers(server_a, kill=True)
        with pytest.raises(ConnectionError):  # refused, or reset while its sockets close
            visitor.get(a, "/dashboard/")
        for step, status in zip(steps[1:], ["in_progress", "done", "skipped", "done"], strict=True):
            assert visitor.post(b, f"/steps/{step.pk}/status/", {"status": status}).status == 302
            assert visitor.get(b, "/dashboard/").status == 200
    assert answers, "the learner's page was read while the other server died"
    assert set(answers) == {200}

    saved = dict(StepProgress.objects.filter(user=learner).values_list("step_id", "status"))
    expected = ["done", "in_progress", "done", "skipped", "done"]
    assert saved == {step.pk: status for step, status in zip(steps, expected, strict=True)}
