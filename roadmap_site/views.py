"""Site-wide views that belong to no app: the health check and error pages."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.unavailable import log_refusal


@never_cache
@require_safe
def healthz(request):
    """200 when PostgreSQL answers, 503 when it does not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as failure:
        # Counted into the outage and logged once with it, not as an error per probe.
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        log_refusal(request, response, failure)
        return response
    return JsonResponse({"status": "ok", "database": "up"})
