"""A plain-text progress bar on stderr: `records 1,234,567 / 25,000,000  12%  3:04 left`.

On a terminal the line is redrawn in place; in a log (not a terminal) a line is
written every `log_every` seconds instead.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def clock(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        label: str = "records",
        log_every: float = 10.0,
    ) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.label = label
        self.done = 0
        self.started = time.monotonic()
        self.shown = 0.0
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = 0.5 if self.interactive else log_every

    def restart(self) -> None:
        """Count time from now (the work before the first record is not counted)."""
        self.started = time.monotonic()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        share = min(self.done / self.total, 1.0)
        left = elapsed / share - elapsed if share > 0 else 0.0
        return (
            f"{self.label} {self.done:,} / {self.total:,}  {share:4.0%}  "
            f"{clock(elapsed)} elapsed  {clock(left)} left"
        )

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= self.every:
            self.shown = now
            self._show()

    def note(self, text: str) -> None:
        """A line of its own (a stage of the run), under the bar."""
        self.stream.write(("\r\033[K" if self.interactive else "") + text + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.total = max(self.done, 1)  # the estimate gives way to the real count
        self._show()
        if self.interactive:
            self.stream.write("\n")
        self.stream.flush()

    def _show(self) -> None:
        if self.interactive:
            self.stream.write("\r\033[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
