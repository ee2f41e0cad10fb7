"""BENCH_EXPLAIN=1: the heaviest queries of the logged-in path page and the dashboard at the
largest data size, with EXPLAIN ANALYZE, from a first view made in this process (what a learner's
view costs after they changed something: served again, the page is kept and costs 3 queries)."""

from __future__ import annotations

import json

from .data import BENCH_PATH, BenchLearner
from .server import HOST

PAGES = (f"/paths/{BENCH_PATH}/", "/dashboard/")
TOP = 2


def _execution_ms(cursor, sql: str) -> float:
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Execution Time"])


def _plan_text(cursor, sql: str) -> str:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
    return "\n".join(row[0] for row in cursor.fetchall())


def _page_queries(client, path: str) -> tuple[list[str], int]:
    """The queries of a first view after the learner's last change (the content's outline
    already built), and how many a view makes when the page is kept."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers={"host": HOST})  # builds the content's outline and step blocks
    caches["learner_pages"].clear()
    queries = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, headers={"host": HOST})
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in-process")
        queries.append([query["sql"] for query in captured.captured_queries])
    return queries[0], len(queries[1])


def explain_report(learner: BenchLearner) -> str:
    """Per page: how many queries a warm request makes, and the plans of its slowest ones."""
    import sqlparse
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client()
    session = learner.cookie.split(";")[0].split("=", 1)[1]
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    lines = [
        "### EXPLAIN ANALYZE of the heaviest queries (a learner's first view after a change, "
        "largest data size)",
        "",
    ]
    for path in PAGES:
        queries, kept = _page_queries(client, path)
        selects = [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]
        with connection.cursor() as cursor:
            timed = sorted(((_execution_ms(cursor, sql), sql) for sql in selects), reverse=True)
            lines.append(
                f"`{path}` logged in: {len(queries)} queries on a first view after a change, "
                f"{kept} when served again."
            )
            lines.append("")
            for rank, (ms, sql) in enumerate(timed[:TOP], start=1):
                pretty = sqlparse.format(sql, reindent=True, keyword_case="upper", wrap_after=96)
                lines += [
                    f"{rank}. {ms:.2f} ms",
                    "",
                    "```sql",
                    pretty,
                    "```",
                    "",
                    "```",
                    _plan_text(cursor, sql),
                    "```",
                    "",
                ]
    return "\n".join(lines)
