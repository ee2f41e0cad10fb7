"""The repository's gunicorn.conf.py, as the README deploys with it: two servers started from it
on one machine write nothing outside the checkout (gunicorn 25+ would otherwise open a control
socket in ~/.gunicorn or $XDG_RUNTIME_DIR, the second server taking the first one's over), and the
access log names the client's address as the proxy forwarded it."""

import pytest

from .servers import Visitor, free_port, start_server, stop_servers, wait_for

FORWARDED = {"X-Forwarded-For": "203.0.113.7"}


def files_under(folder) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.django_db
def test_two_servers_write_no_control_socket_and_log_the_forwarded_address(tmp_path):
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir()
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"access-{port}.log" for port in ports]
    servers = [
        start_server(
            port,
            env={
                "HOME": str(home),
                "XDG_RUNTIME_DIR": str(runtime),
                "GUNICORN_ACCESS_LOG": str(log),
            },
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        for port in ports:
            wait_for(port)
        # Both running: neither has a control socket (nor anything else) in the user's folders.
        assert files_under(home) == []
        assert files_under(runtime) == []
        for port in ports:
            assert Visitor(headers=FORWARDED).get(port, "/healthz").status == 200
    finally:
        stop_servers(*servers)
    for log in logs:
        lines = [line for line in log.read_text().splitlines() if 'forwarded_for="203' in line]
        assert len(lines) == 1, log.read_text()
        assert '"GET /healthz HTTP/1.1" 200' in lines[0]
        assert 'forwarded_for="203.0.113.7"' in lines[0]
