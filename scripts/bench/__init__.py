"""`make bench`: requests per second, latency and errors of the main pages under gunicorn, as
ratios to the framework's own floor, at 1,000 and 25,000 learners.

Run by `make bench` as `python -m scripts.bench` with DATABASE_URL set (scripts/devdb.py sets
it to the embedded PostgreSQL). The run makes its own database on that server
(roadmap_bench_<pid>: migrated, the roadmap loaded, learners added with bulk SQL), serves it with
gunicorn as the README's Deploying section says (2 sync workers, DEBUG off, loopback only) under
roadmap_site.settings_bench, drives it with wrk at 16 connections, and prints Markdown tables.
The server is stopped and the database dropped at the end, on errors and on Ctrl-C too; the
dev database is never touched. Speed is measured here, never asserted in tests.

Environment: BENCH_SECONDS (per page, default 3), BENCH_PORT (default: a free port),
BENCH_EXPLAIN=1 (EXPLAIN ANALYZE of the heaviest queries of the logged-in path page and the
dashboard at 25,000 learners).
"""
