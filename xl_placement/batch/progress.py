"""The batch's progress bar on a terminal."""

from __future__ import annotations

import sys
from typing import IO

from xl_placement.batch.jobs import ERROR, Outcome


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the stream is not a terminal."""

    def __init__(self, stream: IO[str] | None = None, width: int = 30) -> None:
        """Draw on ``stream`` (standard error by default) if it is a terminal."""
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()
        self.failed = 0

    def __call__(self, outcome: Outcome, done: int, total: int) -> None:
        """Redraw after one more deal."""
        self.failed += outcome.status == ERROR
        if not self.enabled:
            return
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        failed = f", {self.failed} not built" if self.failed else ""
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{bar}] {done}/{total} deals{failed}{end}")
        self.stream.flush()

    def clear(self) -> None:
        """Move off the bar's line before other output."""
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
