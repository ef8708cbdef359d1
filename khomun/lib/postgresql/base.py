"""Django's PostgreSQL back end, checking a kept connection only after it sat idle.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every
request, to find a connection the server dropped (a restart, an idle timeout) before
a request fails on it. A worker busy with one request after another (deadline day)
paid a round trip and about 2% of its CPU for that on every request, on a connection
it had used a moment before. Here the check runs only when the connection has been
idle for IDLE_SECONDS or more since the end of its last request: a server restart
inside that window still fails the next request of a worker, as it fails the
requests in flight.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

IDLE_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    _last_request_edge = 0.0  # when a request last started or finished (monotonic)
    _idle = float("inf")  # how long the connection sat unused before this request

    def close_if_unusable_or_obsolete(self) -> None:
        # Called as each request starts and as it finishes: at a start, the time since
        # the last call is how long the connection was idle.
        now = time.monotonic()
        self._idle = now - self._last_request_edge
        self._last_request_edge = now
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and self._idle < IDLE_SECONDS:
            self.health_check_done = True  # used a moment ago: no round trip
        super().close_if_health_check_failed()
