"""BENCH_EXPLAIN=1: the heaviest queries of the logged-in path page and the dashboard at the
largest data size, with EXPLAIN ANALYZE, from a warm request made in this process."""

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


def _page_queries(client, path: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, headers={"host": HOST})  # the cold request fills whatever caches exist
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers={"host": HOST})
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    return [query["sql"] for query in captured.captured_queries]


def explain_report(learner: BenchLearner) -> str:
    """Per page: how many queries a warm request makes, and the plans of its slowest ones."""
    import sqlparse
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client()
    session = learner.cookie.split(";")[0].split("=", 1)[1]
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    lines = ["### EXPLAIN ANALYZE of the heaviest queries (warm request, largest data size)", ""]
    for path in PAGES:
        queries = _page_queries(client, path)
        selects = [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]
        with connection.cursor() as cursor:
            timed = sorted(((_execution_ms(cursor, sql), sql) for sql in selects), reverse=True)
            lines.append(f"`{path}` logged in: {len(queries)} queries on a warm request.")
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
