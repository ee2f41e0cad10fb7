"""Driving wrk (https://github.com/wg/wrk) and reading its `--latency` report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

THREADS = 2
CONNECTIONS = 16
INSTALL_HINT = (
    "error: make bench needs wrk: `sudo apt-get install wrk` (Debian/Ubuntu) "
    "or `brew install wrk` (macOS)"
)

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([\d.]+)(us|ms|s|m|h)"


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _milliseconds(value: str, unit: str) -> float:
    return float(value) * _UNIT_MS[unit]


def parse_wrk_output(text: str) -> WrkResult:
    """Read req/s, the 50th and 99th latency percentiles and the errors of `wrk --latency`."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.MULTILINE)
    if rate is None:
        raise ValueError(f"not a wrk report:\n{text}")
    percentiles = {
        int(float(p)): _milliseconds(value, unit)
        for p, value, unit in re.findall(rf"^\s+([\d.]+)%\s+{_DURATION}\s*$", text, re.MULTILINE)
    }
    if 50 not in percentiles or 99 not in percentiles:
        raise ValueError(f"wrk report without --latency percentiles:\n{text}")
    total = re.search(r"^\s*(\d+) requests in ", text, re.MULTILINE)
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", text, re.MULTILINE)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total.group(1)) if total else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_post_script(
    folder: Path, *, body: str, headers: dict[str, str], name: str = "post.lua"
) -> Path:
    """A wrk script that sends every request as this form POST with these headers."""
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {lua_string(body)}",
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
        *(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()),
    ]
    script = folder / name
    script.write_text("\n".join(lines) + "\n")
    return script


def run_wrk(
    url: str, *, seconds: int, headers: dict[str, str] | None = None, script: Path | None = None
) -> WrkResult:
    """One wrk run at the benchmark's 16 connections from 2 threads."""
    command = [
        wrk_path() or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    finished = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed on {url}: {finished.stderr.strip() or finished.stdout}")
    return parse_wrk_output(finished.stdout)
