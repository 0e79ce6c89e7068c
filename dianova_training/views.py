"""Views of the project itself: health checks and the 500 page."""

import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dianova_training.middleware import DATABASE_ERRORS, database_unavailable


@require_GET
@never_cache
def live(request: HttpRequest) -> HttpResponse:
    """Liveness only: the process answers. Also the benchmark's ceiling (full middleware)."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness plus a database round trip, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the friendly 500 page, or the 503 page when the database is what failed.

    Rendered without the request context, so it works with the database gone and needs
    nothing a broken request could lack.
    """
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return HttpResponseServerError(render_to_string("500.html"))
