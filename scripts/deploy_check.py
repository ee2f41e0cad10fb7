"""`make deploy-check`: the README's Deploying steps followed on this machine, then a visitor signs
up, confirms the address from the emailed link and logs in, over HTTP as a TLS proxy forwards it.

Usage: python scripts/deploy_check.py [--venv PATH]

Run through `scripts/devdb.py exec --` (as make does): DATABASE_URL names the server. Steps:
 2. a virtualenv with requirements.txt only (the runtime requirements; made once under .data/ and
    reused while requirements.txt is unchanged; `--venv PATH` uses that one instead);
 1. a throwaway database on DATABASE_URL's server (dropped at the end, whatever happens);
 3. the production environment: debug off, a secret key, the allowed host, the throwaway
    DATABASE_URL, EMAIL_* pointing at a loopback SMTP server run here (aiosmtpd), the proxy
    settings (X-Forwarded-Proto trusted, the proxy redirects, one trusted proxy);
 4. migrate, load_content; 5. collectstatic, gunicorn -c gunicorn.conf.py; 6. check --deploy
    (--fail-level WARNING);
then the visit: health check, catalog, sign-up, the email, the confirmation, log-in, dashboard,
and a static file compressed with Brotli. Each step prints one line; the first failure stops it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

from deploy_visit import SITE, visit
from devdb import ROOT, connection_params, fail

VENV_CACHE = ROOT / ".data"
MANAGE_TIMEOUT = 600


def step(message: str) -> None:
    print(f"deploy-check: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def runtime_venv() -> Path:
    """README step 2 into .data/deploy-venv-<hash>, keyed on requirements.txt and the Python
    version; made again only when either changes (a lock keeps two runs from building at once)."""
    key = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + sys.version.encode())
    venv = VENV_CACHE / f"deploy-venv-{key.hexdigest()[:12]}"
    VENV_CACHE.mkdir(parents=True, exist_ok=True)
    with open(VENV_CACHE / "deploy-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / ".complete").exists():
            step(f"reusing {venv.relative_to(ROOT)} (requirements.txt unchanged)")
            return venv
        for old in VENV_CACHE.glob("deploy-venv-*"):
            if old.is_dir():
                shutil.rmtree(old)
        step(f"python3 -m venv {venv.relative_to(ROOT)} && pip install -r requirements.txt")
        base_python = getattr(sys, "_base_executable", sys.executable)
        run([base_python, "-m", "venv", str(venv)], "python3 -m venv")
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        run([*pip, "-r", str(ROOT / "requirements.txt")], "pip install -r requirements.txt")
        (venv / ".complete").touch()
    return venv


def run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=MANAGE_TIMEOUT, check=False,
        **kwargs,
    )  # fmt: skip
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-3000:]
        fail(f"{what} failed (exit status {result.returncode}):\n{output}")
    return result


@contextlib.contextmanager
def throwaway_database(url: str):
    """A database of its own on DATABASE_URL's server (made through the `postgres` database, like
    any CREATE DATABASE), dropped afterwards even with connections still open."""
    import psycopg
    from psycopg import sql

    params = connection_params(url)
    name = f"roadmap_deploy_check_{os.getpid()}"
    admin = {**params, "dbname": "postgres", "autocommit": True}
    try:
        with psycopg.connect(**admin) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        fail(f"cannot create the throwaway database {name} (the role needs CREATEDB): {error}")
    step(f"created the throwaway database {name}")
    try:
        yield urlsplit(url)._replace(path="/" + quote(name)).geturl()
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        step(f"dropped the throwaway database {name}")


@contextlib.contextmanager
def mail_server():
    """A loopback SMTP server keeping what it receives: (port, the list of messages)."""
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, received
    finally:
        controller.stop()


def production_env(database_url: str, smtp_port: int, folder: Path, port: int) -> dict[str, str]:
    """README step 3, for this machine: nothing of the developer's environment leaks in."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TZ") if name in os.environ}
    return {
        **keep,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": SITE,
        "DATABASE_URL": database_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "DEFAULT_FROM_EMAIL": f"Learning Roadmap <noreply@{SITE}>",
        "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(folder / "access.log"),
    }


def prepare(venv: Path, env: dict[str, str]) -> None:
    """README steps 4 to 6 (the check first, so a failing one stops before serving)."""
    python = str(venv / "bin" / "python")
    for args in (
        ["migrate", "--noinput"],
        ["load_content"],
        ["collectstatic", "--noinput"],
        ["check", "--deploy", "--fail-level", "WARNING"],
    ):
        result = run([python, "manage.py", *args], f"manage.py {' '.join(args)}", env=env)
        last = (result.stdout.strip().splitlines() or [""])[-1]
        step(f"manage.py {' '.join(args)}: {last}")


@contextlib.contextmanager
def gunicorn(venv: Path, env: dict[str, str], folder: Path):
    """README step 5's command; its own output in folder/gunicorn.log (shown if it fails)."""
    log = folder / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(venv / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "roadmap_site.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)  # gunicorn.conf.py's graceful_timeout is 30 s
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check(venv: Path, database_url: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="roadmap-deploy-check-"))
    port = free_port()
    try:
        with throwaway_database(database_url) as url, mail_server() as (smtp_port, mailbox):
            env = production_env(url, smtp_port, folder, port)
            prepare(venv, env)
            with gunicorn(venv, env, folder) as (process, log):
                step(f"gunicorn -c gunicorn.conf.py roadmap_site.wsgi on 127.0.0.1:{port}")
                try:
                    visit(port, mailbox, process, step)
                except AssertionError as error:
                    tail = log.read_text(errors="replace").strip()[-3000:]
                    fail(f"{error}\n--- gunicorn's output ---\n{tail}")
            access = (folder / "access.log").read_text(errors="replace").splitlines()
            if not access or not all('forwarded_for="203.0.113.5"' in line for line in access):
                fail("gunicorn's access log does not name the forwarded address in each line")
            step(f"gunicorn's access log: {len(access)} requests, the forwarded address in each")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv not in ([], ["--venv", *argv[1:2]]) or len(argv) == 1:
        print(__doc__, file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        fail("DATABASE_URL is not set: run this through `make deploy-check`")
    started = time.monotonic()
    venv = Path(argv[1]).resolve() if argv else runtime_venv()
    if not (venv / "bin" / "gunicorn").exists():
        fail(f"{venv} has no gunicorn: not a virtualenv with requirements.txt installed")
    check(venv, database_url)
    step(f"all steps passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
