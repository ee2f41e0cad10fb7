"""The whole benchmark run: its own database and server, two data sizes, tables, clean-up."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import data, database, measure, server
from .report import growth_table, size_table
from .wrk import CONNECTIONS, INSTALL_HINT, THREADS, wrk_path

SMALL, LARGE = 1_000, 25_000
SMALL_PROGRESS, LARGE_PROGRESS = 38_000, 1_000_000


@dataclass
class Run:
    """What the run made, so that the clean-up removes exactly that."""

    admin_url: str
    name: str = field(default_factory=database.bench_database_name)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="roadmap-bench-")))
    created: bool = False
    site: server.Server | None = None


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def clean_up(run: Run) -> None:
    """Stop the server, drop the benchmark database, remove the temporary folder; a second
    Ctrl-C does not cut this short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if run.site is not None:
        server.stop_server(run.site)
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if run.created:
        database.drop_database(run.admin_url, run.name)
        gone = not database.database_exists(run.admin_url, run.name)
        measure.progress(f"dropped the benchmark database {run.name}" if gone else "DROP failed")
    shutil.rmtree(run.folder, ignore_errors=True)


def _setup_django(env: dict[str, str]) -> None:
    """This process reaches the benchmark database through the site's own models."""
    os.environ.update(env)
    if str(server.ROOT) not in sys.path:
        sys.path.insert(0, str(server.ROOT))
    import django

    django.setup()
    from django.urls import get_resolver

    # The site's code as the server loaded it, not as it may be when BENCH_EXPLAIN runs.
    get_resolver().url_patterns  # noqa: B018


def _describe(size: data.DataSize, seconds: float, verb: str) -> str:
    return (
        f"{size.learners:,} learners, {size.progress:,} progress rows, "
        f"{size.enrollments:,} enrolments, {size.events:,} progress events "
        f"({verb} in {seconds:.0f} s)"
    )


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=server.ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=server.ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown revision"
    return f"{rev}{' with uncommitted changes' if dirty else ''}"


def _heading(run: Run, seconds: int) -> str:
    version = database.server_version(run.admin_url)
    return (
        f"## make bench: {time.strftime('%Y-%m-%d %H:%M')}, {_git_revision()}, "
        f"{os.cpu_count()} CPUs (load average {_load()} at the start), PostgreSQL {version}\n\n"
        f"gunicorn {server.WORKERS} sync workers (DEBUG off), wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{seconds}s --latency on loopback after a {measure.WARM_UP_SECONDS} s warm-up; "
        f"baselines: median of {2 * measure.BASELINE_RUNS} runs ({measure.BASELINE_RUNS} before "
        "the pages, as many after); ratio = page req/s ÷ the matching hello's req/s; "
        "errors = non-2xx/3xx responses + socket errors."
    )


def _load() -> str:
    return ", ".join(f"{n:.1f}" for n in os.getloadavg())


def _measure(run: Run, visitors: measure.Visitors, seconds: int, size: data.DataSize):
    title = f"{size.learners:,} learners, {size.progress:,} progress rows (load average {_load()})"
    _refresh_insights()
    baselines, pages = measure.measure_size(run.site, visitors, seconds=seconds, folder=run.folder)
    print("\n" + size_table(title, baselines, pages), flush=True)
    return baselines, [*baselines.values(), *pages]


def _refresh_insights() -> None:
    """The insights' figures as `manage.py refresh_insights` (run from cron) keeps them."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("refresh_insights", verbosity=0)
    measure.progress(f"refresh_insights took {time.monotonic() - started:.1f} s")


def benchmark(run: Run, seconds: int) -> bool:
    """Returns whether every page answered and was measured."""
    env = server.site_environment(database.with_database(run.admin_url, run.name), run.folder)
    measure.progress(f"creating the benchmark database {run.name}; migrate, load_content")
    set_up = time.monotonic()
    run.created = True  # from here on the clean-up drops it (IF EXISTS), even if CREATE fails
    database.create_database(run.admin_url, run.name)
    server.prepare_site(env)
    _setup_django(env)
    set_up_seconds = time.monotonic() - set_up

    measure.progress(f"adding {SMALL:,} learners")
    made = time.monotonic()
    learner = data.create_bench_learner()
    data.add_learners(SMALL - 1, total_progress=SMALL_PROGRESS)
    visitors = measure.Visitors(
        learner=learner,
        group=data.create_bench_group(learner),
        curator=data.create_bench_curator(),
    )
    small_size, small_seconds = data.data_size(), time.monotonic() - made
    measure.progress(_describe(small_size, small_seconds, "made"))

    run.site = server.start_server(env, server.free_port(), run.folder / "gunicorn.log")
    print(_heading(run, seconds), flush=True)
    small_baselines, small = _measure(run, visitors, seconds, small_size)

    measure.progress(f"growing to {LARGE:,} learners")
    grown = time.monotonic()
    data.add_learners(LARGE - small_size.learners, total_progress=LARGE_PROGRESS)
    large_size, large_seconds = data.data_size(), time.monotonic() - grown
    measure.progress(_describe(large_size, large_seconds, "grown"))
    large_baselines, large = _measure(run, visitors, seconds, large_size)

    sizes = (f"{small_size.learners:,}", f"{large_size.learners:,}")
    print("\n" + growth_table(small, large, sizes, (small_baselines, large_baselines)))
    print(
        f"\nSet-up (create the database, migrate, load_content, collectstatic): "
        f"{set_up_seconds:.0f} s.\nData: {_describe(small_size, small_seconds, 'made')}; then "
        f"{_describe(large_size, large_seconds, 'grown')}."
    )
    explained = os.environ.get("BENCH_EXPLAIN") != "1" or _explain(learner)
    return explained and not any(m.failure for m in [*small, *large])


def _explain(learner) -> bool:
    from .explain import explain_report

    try:
        print("\n" + explain_report(learner), flush=True)
    except Exception as error:  # a diagnostic: the tables above stand without it
        print(f"\nEXPLAIN ANALYZE failed: {error!r}", flush=True)
        return False
    return True


def main() -> int:
    if wrk_path() is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("error: DATABASE_URL is not set (run `make bench`)", file=sys.stderr)
        return 1
    seconds = int(os.environ.get("BENCH_SECONDS", "3"))
    for stale in database.drop_stale_databases(url):
        measure.progress(f"dropped {stale}, left by a benchmark that was killed")
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    started = time.monotonic()
    run = Run(admin_url=url)
    try:
        return 0 if benchmark(run, seconds) else 1
    except KeyboardInterrupt:
        measure.progress("interrupted; cleaning up")
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        clean_up(run)
        print(
            f"Total time: {time.monotonic() - started:.0f} s (set-up and clean-up included); "
            f"load average {_load()} at the end."
        )
