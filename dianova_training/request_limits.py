"""Requests over Django's size limits answer 400 in development as in production; a path with
a NUL character (no page has one, and PostgreSQL refuses it in any query) answers 404."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import bad_request

LIMIT_ERRORS = (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig)


class RequestLimitsMiddleware:
    """Parse the query string (and, with DEBUG on, a form body) before anything else does, and
    answer a request over DATA_UPLOAD_MAX_NUMBER_FIELDS & co. with the 400 page.

    Django does the same in production, but with DEBUG on its debug page reads ``request.GET``
    and ``request.POST`` again to show them, raises the same error inside the error page and
    serves a 500 instead. In production the body is left for the view to read (upload handlers
    must be set before it is parsed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            # Before any view (ours or a library's) passes it to the database as a lookup value.
            raise Http404
        try:
            request.GET  # noqa: B018 -- parsed here, where its error is caught
            if settings.DEBUG and request.method == "POST":
                request.POST  # noqa: B018
        except LIMIT_ERRORS as exc:
            # Logged as Django logs it in production (django.security.<error>).
            logging.getLogger(f"django.security.{type(exc).__name__}").error(
                str(exc), extra={"status_code": 400, "request": request}
            )
            return bad_request(request, exc)
        return self.get_response(request)
