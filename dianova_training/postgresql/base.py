"""Django's PostgreSQL backend, with a health check that costs no round trip while the server
has said nothing.

With ``DATABASE_HEALTH_CHECKS`` (on), Django sends ``SELECT 1`` before the first query of every
request on a reused connection, so that a restarted database costs no failed request. That is
one more round trip on every request that reads the database — a third of a signed-in
request's database time. Here the check first asks the operating system whether the idle
connection has anything to read: PostgreSQL writes to an idle connection only when it ends it
(a shutdown or restart, ``pg_terminate_backend``, an idle timeout: it sends the reason, then
closes), since this app never LISTENs. Nothing to read: the connection is used as it is.
Something to read, an error or a closed socket: Django's own check runs (``SELECT 1``), fails,
and the connection is replaced before the request's first query.

What it cannot see — a peer that vanished without a word (a network cut between hosts) — the
``SELECT 1`` would only have waited on too; TCP keepalives are the cure for that.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._quiet()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """Whether the server has neither closed this connection nor written to it."""
        if self.connection.closed:
            return False
        try:
            readable, _writable, failed = select.select(
                [self.connection.fileno()], [], [self.connection.fileno()], 0
            )
        except (OSError, ValueError):
            return False
        return not readable and not failed
