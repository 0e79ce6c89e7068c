"""``SESSION_ENGINE`` with ``CACHE_URL``: Django's cached database sessions; when the shared
cache misses, the row is read through a prepared query (see the package)."""

from django.contrib.sessions.backends import cached_db

from . import PreparedSessionRead


class SessionStore(PreparedSessionRead, cached_db.SessionStore):
    pass
