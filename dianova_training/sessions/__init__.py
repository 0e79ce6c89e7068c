"""Session engines: Django's database-backed ones, whose read of the session row (on every
signed-in request) is a prepared query (dianova_training/prepared.py) instead of a QuerySet
compiled each time. ``db`` is the engine without a shared cache, ``cached_db`` the one with
``CACHE_URL`` (its database read happens only when the cache misses)."""

from datetime import UTC, datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from dianova_training.prepared import PreparedQuery


def _live_session(session_key: str, now: datetime):
    """The session with this key unless it has expired (Django's own condition)."""
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


LIVE_SESSION = PreparedQuery(
    _live_session, session_key="\x1fsession-key\x1f", now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)
)


class PreparedSessionRead:
    """Mixed into a database SessionStore: the session row through ``LIVE_SESSION``; an
    unknown, expired or malformed key leaves no key behind, as Django's own read does (the
    next save then creates a new session rather than reviving the old key)."""

    def _get_session_from_db(self):
        key = self.session_key  # None when the cookie's value is not a valid key
        session = LIVE_SESSION.first(session_key=key, now=timezone.now()) if key else None
        if session is None:
            self._session_key = None
        return session
