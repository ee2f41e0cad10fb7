"""What is measured at each data size: the pages of issue 11, each checked with one plain
request first, between baselines (anonymous and logged-in hello) measured before and after."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .data import BENCH_PATH, GROUP_MEMBERS, BenchCurator, BenchGroup, BenchLearner
from .report import Measured
from .server import Server, request
from .wrk import run_wrk, write_post_script

ANONYMOUS, LOGGED_IN = "anonymous", "logged in"
BASELINE_RUNS = 3  # before the pages, and as many after
WARM_UP_SECONDS = 1
HELLO, HELLO_USER = "/_bench/hello", "/_bench/hello-user"
POST_BODY = "status=in_progress"


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    baseline: str
    method: str = "GET"
    cookie: str = ""  # another visitor's session than the benchmark learner's (the curator's)


@dataclass(frozen=True)
class Visitors:
    """Who the pages are measured for, and what of theirs they ask for."""

    learner: BenchLearner
    group: BenchGroup
    curator: BenchCurator


INSIGHTS = f"/admin/insights/{BENCH_PATH}/"


def cases(visitors: Visitors) -> list[Case]:
    learner = visitors.learner
    path_page = f"/paths/{BENCH_PATH}/"
    return [
        Case("`/` anonymous", "/", ANONYMOUS),
        Case(f"`{path_page}` anonymous", path_page, ANONYMOUS),
        Case("`/glossary/` anonymous", "/glossary/", ANONYMOUS),
        Case("`/papers/` anonymous", "/papers/", ANONYMOUS),
        Case("`/papers/clip/` anonymous", "/papers/clip/", ANONYMOUS),
        Case("`/search/?q=attention` anonymous", "/search/?q=attention", ANONYMOUS),
        Case(
            "`/shared/<token>/` anonymous (shared progress)",
            f"/shared/{learner.share_token}/",
            ANONYMOUS,
        ),
        Case(f"`{path_page}` logged in, with progress", path_page, LOGGED_IN),
        Case("`/dashboard/` logged in", "/dashboard/", LOGGED_IN),
        Case("`/builder/` logged in", "/builder/", LOGGED_IN),
        Case("`/papers/clip/` logged in", "/papers/clip/", LOGGED_IN),
        Case("`/` logged in", "/", LOGGED_IN),
        Case(
            "POST `/steps/<pk>/status/` (htmx) logged in",
            f"/steps/{learner.post_step_id}/status/",
            LOGGED_IN,
            method="POST",
        ),
        Case(
            f"`/groups/<pk>/` logged in (a study group's board, {GROUP_MEMBERS} members)",
            visitors.group.board_path,
            LOGGED_IN,
        ),
        Case(
            f"`{INSIGHTS}` curator (insights)",
            INSIGHTS,
            LOGGED_IN,
            cookie=visitors.curator.cookie,
        ),
    ]


def headers_for(case: Case, learner: BenchLearner) -> dict[str, str]:
    if case.baseline == ANONYMOUS:
        return {}
    headers = {"Cookie": case.cookie or learner.cookie}
    if case.method == "POST":
        headers |= {"HX-Request": "true", "X-CSRFToken": learner.csrf_secret}
    return headers


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def check_login(server: Server, learner: BenchLearner) -> None:
    """The session cookie must make the benchmark learner the request's user."""
    reply = request(server.port, "GET", HELLO_USER, headers={"Cookie": learner.cookie})
    if reply.status != 200 or reply.body.decode() != str(learner.user_id):
        raise RuntimeError(
            f"the benchmark learner's session does not log in: {HELLO_USER} answered "
            f"{reply.status} {reply.body[:200]!r}"
        )


def check_case(server: Server, case: Case, learner: BenchLearner) -> str:
    """One plain request; returns why the page cannot be measured, or "" when it answers 200."""
    body = POST_BODY if case.method == "POST" else ""
    reply = request(
        server.port, case.method, case.path, headers=headers_for(case, learner), body=body
    )
    if reply.status == 200:
        return ""
    progress(f"{case.method} {case.path} answered HTTP {reply.status}; server log:")
    print(server.log_tail(), file=sys.stderr)
    return f"HTTP {reply.status}"


def _measure_case(
    server: Server, case: Case, learner: BenchLearner, seconds: int, folder: Path
) -> Measured:
    measured = Measured(case.name, case.baseline)
    measured.failure = check_case(server, case, learner)
    if measured.failure:
        return measured
    url = server.base + case.path
    headers = headers_for(case, learner)
    script = None
    if case.method == "POST":
        script = write_post_script(folder, body=POST_BODY, headers=headers)
        headers = {}
    run_wrk(url, seconds=WARM_UP_SECONDS, headers=headers, script=script)
    measured.runs.append(run_wrk(url, seconds=seconds, headers=headers, script=script))
    # The matching baseline again, right after the page: on a machine whose speed drifts
    # (shared cores), the page's ratio to it is steadier than to the run's median.
    hello, hello_headers = _baseline(case.baseline, learner)
    measured.neighbour = run_wrk(server.base + hello, seconds=seconds, headers=hello_headers)
    return measured


def _baseline(kind: str, learner: BenchLearner) -> tuple[str, dict[str, str]]:
    return (HELLO, {}) if kind == ANONYMOUS else (HELLO_USER, {"Cookie": learner.cookie})


def _measure_baselines(
    server: Server, learner: BenchLearner, baselines: dict[str, Measured], seconds: int
) -> None:
    for _ in range(BASELINE_RUNS):
        for kind in (ANONYMOUS, LOGGED_IN):
            path, headers = _baseline(kind, learner)
            url = server.base + path
            run_wrk(url, seconds=WARM_UP_SECONDS, headers=headers)
            baselines[kind].runs.append(run_wrk(url, seconds=seconds, headers=headers))


def measure_size(
    server: Server, visitors: Visitors, *, seconds: int, folder: Path
) -> tuple[dict[str, Measured], list[Measured]]:
    """Baselines, every page, baselines again; each page once, the baselines' median."""
    learner = visitors.learner
    check_login(server, learner)
    if request(server.port, "GET", HELLO).status != 200:
        raise RuntimeError(f"{HELLO} does not answer 200: are the benchmark settings in use?")
    baselines = {
        ANONYMOUS: Measured("hello, anonymous", ANONYMOUS),
        LOGGED_IN: Measured("hello, logged in (session + user)", LOGGED_IN),
    }
    progress("baselines (before the pages)")
    _measure_baselines(server, learner, baselines, seconds)
    pages = []
    for case in cases(visitors):
        progress(f"{case.method} {case.path} ({case.baseline})")
        pages.append(_measure_case(server, case, learner, seconds, folder))
    progress("baselines (after the pages)")
    _measure_baselines(server, learner, baselines, seconds)
    return baselines, pages
