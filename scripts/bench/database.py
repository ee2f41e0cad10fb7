"""The benchmark's own database: created beside the dev database on the same server, dropped at
the end. The dev database is only ever connected to if the server has no `postgres` database."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url
import psutil
import psycopg
from psycopg import sql

from scripts.devdb import connection_params

PREFIX = "roadmap_bench_"


def bench_database_name() -> str:
    return f"{PREFIX}{os.getpid()}"


def with_database(url: str, name: str) -> str:
    """The same server and credentials as `url`, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name, safe="")))


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(**connection_params(url), autocommit=True)


def admin_connection(url: str) -> psycopg.Connection:
    """A connection for CREATE and DROP DATABASE: to the server's `postgres` database, else to
    the one in the URL (CREATE DATABASE leaves the database it runs in untouched)."""
    try:
        return _connect(with_database(url, "postgres"))
    except psycopg.Error:
        return _connect(url)


def is_local(url: str) -> bool:
    host = dj_database_url.parse(url)["HOST"] or ""
    return host in {"", "localhost", "127.0.0.1", "::1"} or host.startswith("/")


def drop_stale_databases(url: str) -> list[str]:
    """Drop benchmark databases left by runs killed outright (their process is gone). Only on a
    server of this machine, where a process id says whether the run is still going."""
    if not is_local(url):
        return []
    dropped = []
    with admin_connection(url) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"]
        ).fetchall()
        for (name,) in names:
            pid = name.removeprefix(PREFIX)
            if pid.isdigit() and not psutil.pid_exists(int(pid)):
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                dropped.append(name)
    return dropped


def create_database(url: str, name: str) -> None:
    try:
        with admin_connection(url) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise RuntimeError(
            f"cannot create the benchmark database {name} ({reason}); the user in DATABASE_URL "
            "needs the CREATEDB privilege"
        ) from error


def drop_database(url: str, name: str) -> None:
    """Drop it even with connections still open (PostgreSQL 13+)."""
    with admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_exists(url: str, name: str) -> bool:
    with admin_connection(url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def server_version(url: str) -> str:
    with admin_connection(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]
