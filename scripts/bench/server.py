"""The site under test: set up as the README's Deploying section says (migrate, load_content,
collectstatic, gunicorn), on loopback only, with the benchmark's settings and database."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
WORKERS = 2
SETTINGS = "roadmap_site.settings_bench"


def free_port() -> int:
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def site_environment(database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings (DEBUG off, a secret key, the allowed host) for this run only. Plain
    HTTP on loopback, so the HTTPS redirect is off, as behind a TLS-terminating proxy."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DEFAULT_FROM_EMAIL": "Learning Roadmap <noreply@localhost>",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "BENCH_STATIC_ROOT": str(static_root),
        # A line written per request would be measured with the page (a proxy in front logs them).
        "GUNICORN_ACCESS_LOG": "off",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_site(env: dict[str, str]) -> None:
    """README, Deploying, steps 4 and 5 (createcachetable too, for a database cache if one is
    configured; it does nothing otherwise)."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_content")
    manage(env, "collectstatic", "--noinput", "-v0")


def gunicorn_command(port: int) -> list[str]:
    """gunicorn from the repository's gunicorn.conf.py, as the README deploys it; the address and
    the number of workers are the benchmark's (its access log is off: see site_environment)."""
    beside_python = Path(sys.executable).parent / "gunicorn"
    program = [str(beside_python)] if beside_python.exists() else [sys.executable, "-m", "gunicorn"]
    return [
        *program,
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
    ]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(env: dict[str, str], port: int, log: Path) -> Server:
    """gunicorn in its own session, so that Ctrl-C reaches the benchmark, which stops it."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            gunicorn_command(port),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{server.log_tail()}")
        try:
            if request(port, "GET", "/healthz").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in 60 s:\n{server.log_tail()}")


def stop_server(server: Server) -> None:
    """Graceful stop (SIGTERM), then SIGKILL to the whole group if it lingers."""
    if server.process.poll() is not None:
        return
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes


def request(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None, body: str = ""
) -> Reply:
    """One plain request, redirects not followed (a redirect to the login page is a failure)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        all_headers = dict(headers or {})
        if body:
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body.encode() or None, headers=all_headers)
        response = connection.getresponse()
        return Reply(response.status, response.read())
    finally:
        connection.close()
