"""gunicorn's settings for the site: `gunicorn -c gunicorn.conf.py roadmap_site.wsgi` (README,
Deploying). Environment variables choose what differs between machines; options given on the
command line win over this file.

GUNICORN_BIND        address to listen on (default 0.0.0.0:8000: the proxy or load balancer may
                     be another machine; 127.0.0.1:8000 when it is this one)
WEB_CONCURRENCY      worker processes (default 2 per CPU + 1, at most 8; each keeps one PostgreSQL
                     connection open, so N app servers use up to N x workers connections)
GUNICORN_ACCESS_LOG  where the access log goes: `-` (stdout, the default), a file, or `off`
"""

import os


def _default_workers() -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cpus or 1) + 1, 8)


def _access_log() -> str | None:
    where = os.environ.get("GUNICORN_ACCESS_LOG", "-").strip()
    return None if where.lower() in {"", "0", "off", "no", "false"} else where


wsgi_app = "roadmap_site.wsgi"
bind = [os.environ.get("GUNICORN_BIND", "").strip() or "0.0.0.0:8000"]
workers = int(os.environ.get("WEB_CONCURRENCY", "").strip() or _default_workers())

# gunicorn 25+ opens a control socket at $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl
# by default: a file written outside the checkout, and one a second gunicorn of the same user
# silently takes over. The site is run by a process manager, not by `gunicornc`: none.
control_socket_disable = True

# A request running longer than this is killed (its worker restarted); on SIGTERM (a deploy, a
# process manager stopping the service) workers finish the requests in hand for up to this long.
timeout = 30
graceful_timeout = 30
# Behind a proxy or load balancer that keeps connections open to the app servers.
keepalive = 5

# The Apache combined format, then the client's address as the proxy saw it (X-Forwarded-For:
# %(h)s is the proxy's) and the time taken in milliseconds. Errors go to stderr.
accesslog = _access_log()
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    'forwarded_for="%({x-forwarded-for}i)s" %(M)sms'
)
errorlog = "-"
