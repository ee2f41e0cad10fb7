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
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS core_content_changed();
DROP FUNCTION IF EXISTS core_content_bump();
DROP SEQUENCE IF EXISTS core_content_version_number;
"""


def content_triggers(tables: list[str], function: str = "core_content_changed") -> RunSQL:
    """A migration operation: every write to these tables changes the content version. The
    default function fires once per statement; a table whose rows may be private (a learner's
    personal path) passes a row-level function that decides row by row."""
    level = "STATEMENT" if function == "core_content_changed" else "ROW"
    events = "INSERT OR UPDATE OR DELETE" + (" OR TRUNCATE" if level == "STATEMENT" else "")
    create = [
        f"CREATE TRIGGER content_changed AFTER {events} ON {table} "
        f"FOR EACH {level} EXECUTE FUNCTION {function}();"
        for table in tables
    ]
    drop = [f"DROP TRIGGER IF EXISTS content_changed ON {table};" for table in tables]
    return RunSQL("\n".join(create), "\n".join(drop))


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
