"""For tests of concurrent work: a function run on a thread of its own, with its own
database connection, as another worker or request would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


class InThread:
    """`function()` started on a new thread; after `join()`, `result` is what it
    returned, or `error` what it raised."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, args=(function,))
        self._thread.start()

    def _run(self, function: Callable[[], Any]) -> None:
        try:
            self.result = function()
        except Exception as exc:  # handed to the test, which asserts on it
            self.error = exc
        finally:
            connections.close_all()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
