"""The one way the app sends someone back to a page named by the request (``next``, Referer)."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, *candidates: str | None, default: str) -> str:
    """The first candidate that is a path on this site (``/…``) or a URL of this host, else
    ``default`` (a URL, already reversed).

    Never hand the result to ``redirect()``: for a bare word such as ``foo`` it tries
    ``reverse("foo")`` and raises ``NoReverseMatch`` (a 500). ``redirect_back`` does it right."""
    for candidate in candidates:
        if not candidate:
            continue
        if not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            continue
        # A relative "foo" would resolve against the current URL: only paths and full URLs.
        if candidate.startswith("/") or "://" in candidate:
            return candidate
    return default


def redirect_back(
    request: HttpRequest, *candidates: str | None, default: str
) -> HttpResponseRedirect:
    """Redirect to ``safe_next_url(request, *candidates, default=default)``."""
    return HttpResponseRedirect(safe_next_url(request, *candidates, default=default))
