"""django-axes hooks: what the login throttle records about a failed attempt."""

from django.http import HttpRequest

# django-axes stores the username in 255-character columns (AccessAttempt, AccessFailureLog).
AXES_USERNAME_MAX_LENGTH = 255


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes counts failures for, cut to its column's length.

    A longer one is typed by nobody but an attacker; cut, it is an ordinary failed login
    (and still counted) instead of a database error (a 500 on PostgreSQL)."""
    username = (credentials or {}).get("username")
    if username is None:
        username = getattr(request, "POST", {}).get("username")
    if username is None:
        return None
    return str(username)[:AXES_USERNAME_MAX_LENGTH]
