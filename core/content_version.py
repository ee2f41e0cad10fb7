"""The content version: a number that changes whenever content changes, so that everything
rendered from content can be cached under it and is never served stale.

PostgreSQL triggers change it (one place, whatever writes: the admin, an import, a revert, a
bulk update). Each content app installs them on its tables with `content_triggers` in a
migration; `core_content_changed()` gives the row a new number from a sequence on every write
(not once per transaction: a transaction that read the number, rendered and then wrote again
would otherwise leave its half-way content cached), and the new number becomes visible with
the transaction's commit, together with the content. A sequence never goes back (not on
rollback, not when a test empties the tables), so a number never names two states of content."""

from django.db import connection
from django.db.migrations import RunSQL

BUMP_FUNCTIONS = """
CREATE SEQUENCE IF NOT EXISTS core_content_version_number;
CREATE OR REPLACE FUNCTION core_content_bump() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO core_contentversion (id, number)
  VALUES (1, nextval('core_content_version_number'))
  ON CONFLICT (id) DO UPDATE SET number = nextval('core_content_version_number');
END $$;
CREATE OR REPLACE FUNCTION core_content_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM core_content_bump();
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION core_content_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM core_contentversion WHERE id = 1 FOR UPDATE;
  RETURN NULL;
END $$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS core_content_lock();
DROP FUNCTION IF EXISTS core_content_changed();
DROP FUNCTION IF EXISTS core_content_bump();
DROP SEQUENCE IF EXISTS core_content_version_number;
"""


def content_triggers(tables: list[str], row_function: str | None = None) -> RunSQL:
    """A migration operation: every write to these tables changes the content version.

    The number's row is locked *before* each statement touches a content row (a BEFORE
    STATEMENT trigger), so content writers take their locks in one order and never deadlock
    with each other over it. By default that trigger also bumps the number. A table whose rows
    may be private (a learner's personal path) passes a `row_function` that decides row by row
    after the write whether to bump; its statements only take the lock first (TRUNCATE bumps)."""
    if row_function is None:
        triggers = [
            "CREATE TRIGGER content_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_content_changed();"
        ]
    else:
        triggers = [
            "CREATE TRIGGER content_lock BEFORE INSERT OR UPDATE OR DELETE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_content_lock();",
            "CREATE TRIGGER content_changed AFTER INSERT OR UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION {row_function}();",
            "CREATE TRIGGER content_truncated BEFORE TRUNCATE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_content_changed();",
        ]
    create = [trigger.replace("{t}", table) for table in tables for trigger in triggers]
    drop = [
        f"DROP TRIGGER IF EXISTS {name} ON {table};"
        for table in tables
        for name in ("content_lock", "content_changed", "content_truncated")
    ]
    return RunSQL("\n".join(create), "\n".join(drop))


def content_version_and(request, query: str, params: list) -> tuple | None:
    """The row of a `query` of at most one row (None without one), read together with the
    content version in one round trip; the version is remembered for the request as
    `content_version` would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT number FROM core_contentversion WHERE id = 1), q.* "
            f"FROM (SELECT 1) AS one LEFT JOIN ({query}) AS q ON true",
            params,
        )
        number, found, *row = cursor.fetchone()
    request._content_version = number or 0
    return None if found is None else (found, *row)


def content_version(request=None) -> int:
    """The current content version, read once per request (one query)."""
    known = getattr(request, "_content_version", None)
    if known is not None:
        return known
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM core_contentversion WHERE id = 1")
        row = cursor.fetchone()
    version = row[0] if row else 0
    if request is not None:
        request._content_version = version
    return version
