"""README, Deploying, step 1, on a real PostgreSQL 15 (the machine's own, at 127.0.0.1:5432): the
SQL the README gives makes a role that can run `migrate`; the usual `GRANT ALL ON DATABASE` does
not, since PostgreSQL 15 (the failure the README explains)."""

import os
import re
import subprocess
import sys

import psycopg
import pytest

from .servers import ROOT

SERVER = "postgresql://postgres@127.0.0.1:5432"


def readme_sql() -> str:
    deploying = (ROOT / "README.md").read_text().split("## Deploying", 1)[1]
    return re.search(r"```sql\n(.*?)```", deploying, re.S).group(1)


@pytest.fixture
def superuser():
    """An autocommit connection as postgres; what the test made is dropped afterwards."""
    try:
        conn = psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.Error:
        pytest.skip("no PostgreSQL with trust authentication listens on 127.0.0.1:5432")
    name = f"roadmap_role_check_{os.getpid()}"
    yield conn, name
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'DROP ROLE IF EXISTS "{name}"')
    conn.close()


def migrate_as(name: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"postgresql://{name}:pw@127.0.0.1:5432/{name}"}
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_readme_sql_makes_a_role_that_can_migrate(superuser):
    conn, name = superuser
    if conn.info.server_version < 150000:
        pytest.skip("the server at 127.0.0.1:5432 is older than PostgreSQL 15")
    for statement in readme_sql().replace("'a long random password'", "'pw'").split(";"):
        if statement.strip():
            conn.execute(re.sub(r"\broadmap\b", name, statement))
    result = migrate_as(name)
    assert result.returncode == 0, result.stderr[-2000:]


def test_grant_all_on_the_database_is_not_enough(superuser):
    conn, name = superuser
    if conn.info.server_version < 150000:
        pytest.skip("the server at 127.0.0.1:5432 is older than PostgreSQL 15")
    conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'pw'")
    conn.execute(f"CREATE DATABASE {name}")
    conn.execute(f"GRANT ALL ON DATABASE {name} TO {name}")
    result = migrate_as(name)
    assert result.returncode != 0
    assert "permission denied for schema public" in result.stderr
