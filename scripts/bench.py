"""Benchmark the main pages under real gunicorn: bounded request counts, loopback only.

Run by `make bench` (with DATABASE_URL set by scripts/devdb.py). Prints requests per second and
latency percentiles per page; speed is measured here, never asserted in tests.
"""

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
PAGES = [
    "/",
    "/paths/software-engineer/",
    "/papers/",
    "/papers/clip/",
    "/glossary/",
    "/search/?q=attention",
    "/builder/",
    "/healthz",
]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "-v0"], env=env, check=True)
    subprocess.run([py, "manage.py", "load_content", "--if-empty"], env=env, check=True)
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    server = subprocess.Popen(
        [py, "-m", "gunicorn", "roadmap_site.wsgi", "--bind", f"{HOST}:{PORT}",
         "--workers", "2", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        base = f"http://{HOST}:{PORT}"
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        print(f"{REQUESTS} requests per page, {CONCURRENCY} at once, gunicorn with 2 workers")
        print(f"{'page':32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for page in PAGES:
            url = base + page
            for _ in range(5):
                fetch(url)  # warm up
            started = time.perf_counter()
            with ThreadPoolExecutor(CONCURRENCY) as pool:
                times = sorted(pool.map(fetch, [url] * REQUESTS))
            elapsed = time.perf_counter() - started
            p50 = statistics.median(times) * 1000
            p95 = times[int(len(times) * 0.95) - 1] * 1000
            print(f"{page:32} {REQUESTS / elapsed:8.1f} {p50:8.1f} {p95:8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
