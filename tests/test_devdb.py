"""The embedded PostgreSQL used by `make run`/`make test` when DATABASE_URL is unset."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVDB = [sys.executable, str(ROOT / "scripts" / "devdb.py")]
PRINT_URL = [sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])"]
QUERY = [
    sys.executable,
    "-c",
    "import os, psycopg; print(psycopg.connect(os.environ['DATABASE_URL']).execute("
    "'select current_database()').fetchone()[0])",
]


def devdb(pgdata, *args, database_url=None):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["EMBEDDED_PGDATA"] = str(pgdata)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [*DEVDB, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture
def pgdata(tmp_path):
    data = tmp_path / "pg"
    yield data
    devdb(data, "stop")


def test_starts_serves_and_stops_an_embedded_server(pgdata):
    result = devdb(pgdata, "exec", "--", *QUERY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "roadmap"
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists(), "stopped after the last command"


def test_second_start_reuses_the_data(pgdata):
    create = [
        sys.executable,
        "-c",
        "import os, psycopg; c = psycopg.connect(os.environ['DATABASE_URL'], autocommit=True);"
        "c.execute('create table kept (x int)'); c.execute('insert into kept values (42)')",
    ]
    read = [
        sys.executable,
        "-c",
        "import os, psycopg; print(psycopg.connect(os.environ['DATABASE_URL'])"
        ".execute('select x from kept').fetchone()[0])",
    ]
    assert devdb(pgdata, "exec", "--", *create).returncode == 0
    result = devdb(pgdata, "exec", "--", *read)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"


def test_nested_start_joins_the_running_server(pgdata):
    inner = [*DEVDB, "exec", "--", *QUERY]
    result = devdb(pgdata, "exec", "--", *inner)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "roadmap"


def test_starts_after_a_crash_left_a_stale_pid_file(pgdata):
    assert devdb(pgdata, "exec", "--", "true").returncode == 0
    # A crash leaves postmaster.pid behind, naming a pid that is now some other process.
    (pgdata / "postmaster.pid").write_text(f"{os.getpid()}\n{pgdata}\n0\n5432\n\n\n\nready\n")
    result = devdb(pgdata, "exec", "--", *QUERY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "roadmap"


def test_with_database_url_no_embedded_server_is_started(pgdata):
    url = os.environ["DATABASE_URL"]
    result = devdb(pgdata, "exec", "--", *PRINT_URL, database_url=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == url
    assert not pgdata.exists()


def test_unreachable_database_url_is_one_clear_line(pgdata):
    result = devdb(pgdata, "exec", "--", "true", database_url="postgresql://x@127.0.0.1:1/none")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: cannot reach PostgreSQL at 127.0.0.1:1/none")


# The machine's own PostgreSQL, as an operator's server: trust authentication, user postgres.
OWN_SERVER = "postgresql://postgres@127.0.0.1:5432"


def own_server_or_skip() -> None:
    import psycopg

    try:
        psycopg.connect(f"{OWN_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip("no PostgreSQL with trust authentication listens on 127.0.0.1:5432")


@pytest.fixture
def missing_database():
    """The name of a database the server at 5432 does not have (dropped again afterwards)."""
    import psycopg

    own_server_or_skip()
    name = f"roadmap_devdb_missing_{os.getpid()}"
    yield name
    with psycopg.connect(f"{OWN_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_test_runs_against_a_server_without_the_named_database(pgdata, missing_database):
    """`make test`'s command with DATABASE_URL naming a database the server lacks: it is created
    (one line says so), makemigrations --check and the tests (in test_<name>) run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["DJANGO_CONN_MAX_AGE"] = "0"
    inner = (
        f"{sys.executable} manage.py makemigrations --check --dry-run && {sys.executable} -m pytest"
        " -q --no-cov -p no:cacheprovider tests/test_foundation.py::test_the_database_is_postgresql"
    )
    url = f"{OWN_SERVER}/{missing_database}"
    result = subprocess.run(
        [*DEVDB, "exec", "--create-missing", "--", "sh", "-c", inner],
        cwd=ROOT, env={**env, "DATABASE_URL": url, "EMBEDDED_PGDATA": str(pgdata)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"created database {missing_database}" in result.stderr
    assert "1 passed" in result.stdout
    assert "consistent migration history" not in result.stderr
    assert not pgdata.exists(), "no embedded server was started"


def test_without_create_missing_a_missing_database_is_one_clear_line(pgdata, missing_database):
    """`make backup` does not make a database to back up: it says the database is missing."""
    result = devdb(pgdata, "exec", "--", "true", database_url=f"{OWN_SERVER}/{missing_database}")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot reach PostgreSQL at 127.0.0.1:5432/{missing_database}")
    assert line.endswith(f'database "{missing_database}" does not exist')


def test_a_role_that_may_not_create_the_database_is_told_what_to_ask_for(pgdata, missing_database):
    import psycopg

    role = f"{missing_database}_role"
    with psycopg.connect(f"{OWN_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        url = f"postgresql://{role}@127.0.0.1:5432/{missing_database}"
        result = devdb(pgdata, "exec", "--create-missing", "--", "true", database_url=url)
    finally:
        with psycopg.connect(f"{OWN_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP ROLE "{role}"')
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: database {missing_database} does not exist at 127.0.0.1:5432")
    assert f"CREATE DATABASE {missing_database} OWNER {role};" in line
    assert "CREATEDB" in line
