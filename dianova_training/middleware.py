"""Middleware of the project: request logs and the database-outage page."""

import logging
import re
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils.cache import add_never_cache_headers

from .logs import current_request_id

# What a lost, refused or restarting database raises (psycopg2 and sqlite3 errors are wrapped
# into these by Django). Anything else is a bug and gets the 500 page.
DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds after which clients (and load balancers) may try again.
RETRY_AFTER = 30
# An id from the proxy in front (X-Request-ID) is kept when it looks like one, so its access
# log and ours can be joined; anything else is replaced, never echoed into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# URL keyword arguments that are secrets (password-reset links): such requests are logged by
# their route, never by their path.
SECRET_KWARGS = {"token", "uidb64"}

request_logger = logging.getLogger("dianova.requests")
logger = logging.getLogger(__name__)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The answer while the database is unreachable: 503 with Retry-After, never a traceback.

    The page is rendered without the request context, so it needs no session, user or query.
    Health checks get JSON, like /healthz does itself.
    """
    if request.path.startswith(reverse("healthz")):
        response = JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


def _resolve(request: HttpRequest) -> ResolverMatch | None:
    """The route of a request answered before URL resolution (an HTTPS redirect, the 503
    page), so that even then a password-reset link is logged without its token."""
    try:
        return resolve(request.path_info)
    except Resolver404:
        return None


class RequestLogMiddleware:
    """One structured log line per request: id, method, path, status and duration.

    Outermost, so it times and logs everything, redirects and error pages included. The id is
    also sent back in the X-Request-ID header and tags every other line logged meanwhile.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Cleared by dianova_training.logs.forget_request_id once the response is sent: Django logs
        # error responses after the middleware chain returns, and those lines need the id too.
        current_request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        route = match or _resolve(request)
        path = request.path
        if route is not None and SECRET_KWARGS & route.kwargs.keys():
            path = "/" + route.route
        request_logger.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page when the database cannot be reached.

    Placed right after AuthenticationMiddleware: it resolves the session and the user (the
    first database access of a signed-in request) inside its own ``try``, and catches the
    database errors of views in ``process_exception``. Errors raised elsewhere (a session
    saved on the way out) reach ``handler500`` (dianova_training.views.server_error), which gives
    the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.user.is_authenticated  # noqa: B018 - loads the session and the user now
        except DATABASE_ERRORS:
            logger.error("Database unavailable while loading the session", exc_info=True)
            return database_unavailable(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable", exc_info=exception)
            return database_unavailable(request)
        return None
