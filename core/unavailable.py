"""PostgreSQL out of reach is an outage, not a bug: every page answers a friendly 503 with
Retry-After (templates/503.html, rendered without touching the database), in one place, and the
site recovers by itself once the database answers again.

A connection-level failure (Django's OperationalError or InterfaceError) can come from a view,
where `process_exception` sees it, or from a middleware (the session saved on the way out, the
user read by another middleware), where Django turns it into a 500 before any outer middleware
sees an exception: `got_request_exception` marks the request then, and the outermost middleware,
this one, answers the 503 instead. Django's own error log of such a failure is dropped
(`HideDatabaseOutages`, in settings.LOGGING): each process logs one WARNING when an outage
begins and one when it ends, not a traceback per request.
"""

import logging
import sys
import time

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.log import log_response

RETRY_AFTER_SECONDS = 30
CONNECTION_FAILURES = (OperationalError, InterfaceError)

logger = logging.getLogger(__name__)


class _Outage:
    """This process's view of the current outage, so that it is logged once, not per request."""

    began: float | None = None
    refused = 0


def _reason(failure: BaseException) -> str:
    text = str(failure).strip()
    return text.splitlines()[0] if text else type(failure).__name__


def _close_broken_connections() -> None:
    """Drop connections that no longer work, so the next request connects afresh. (Django does it
    too when the request ends; a connection inside a transaction, as in tests, is left alone.)"""
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or connection.in_atomic_block:
            continue
        try:
            connection.close_if_unusable_or_obsolete()
        except DatabaseError:
            connection.connection = None


def unavailable_response(request: HttpRequest, failure: BaseException) -> HttpResponse:
    """The 503 page, with no query: no request context, so no context processor and no user."""
    _close_broken_connections()
    page = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    log_refusal(request, response, failure)
    return response


def log_refusal(request: HttpRequest, response: HttpResponse, failure: BaseException) -> None:
    """Counts a 503 into the outage, logged at WARNING when it is the first of it (in this
    process), else at DEBUG; Django then logs the response no more."""
    message = "Service Unavailable: %s (PostgreSQL cannot be reached: %s)"
    level = "debug"
    if _Outage.began is None:  # the first refusal of an outage in this process
        _Outage.began = time.monotonic()
        message += "; pages answer 503 until it can"
        level = "warning"
    _Outage.refused += 1
    log_response(
        message, request.path, _reason(failure), response=response, request=request, level=level
    )


def _outage_over() -> None:
    """A request went through with a connection open and no error on it: the database answers
    again (a request that used none, a static file, says nothing)."""
    if _Outage.began is not None and any(
        connection.connection is not None and not connection.errors_occurred
        for connection in connections.all(initialized_only=True)
    ):
        logger.warning(
            "PostgreSQL answers again: %d requests were answered 503 over %.0f s",
            _Outage.refused,
            time.monotonic() - _Outage.began,
        )
        _Outage.began, _Outage.refused = None, 0


@receiver(got_request_exception)
def _remember_connection_failure(sender, request=None, **kwargs) -> None:
    """A failure raised by a middleware: Django answers it with a 500, replaced below."""
    failure = sys.exc_info()[1]
    if request is not None and isinstance(failure, CONNECTION_FAILURES):
        request.database_failure = failure


class DatabaseUnavailable:
    """The outermost middleware: a connection-level database failure anywhere in a request is a
    503 with Retry-After, never a 500 (IntegrityError and other bugs stay 500s)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        failure = getattr(request, "database_failure", None)
        if failure is None:
            _outage_over()
            return response
        if getattr(response, "database_unavailable", False):
            return response
        return unavailable_response(request, failure)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, CONNECTION_FAILURES):
            return None
        request.database_failure = exception
        response = unavailable_response(request, exception)
        response.database_unavailable = True
        return response


class HideDatabaseOutages(logging.Filter):
    """Drops Django's error log (with traceback) of a connection-level failure raised by a
    middleware: the page is a 503 and the outage is logged once above."""

    def filter(self, record: logging.LogRecord) -> bool:
        failure = record.exc_info[1] if record.exc_info else None
        return not isinstance(failure, CONNECTION_FAILURES)
