"""A plain-text progress bar (no tqdm on the training machines)."""
from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


class ProgressBar:
    """`[#########...............]  3/8 graphs: decoder (1.2s)`, redrawn in place on a terminal and one
    line per step otherwise, so logs of non-interactive runs stay readable."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self._inline = getattr(self.stream, "isatty", lambda: False)()

    def render(self, note: str = "") -> str:
        filled = BAR_WIDTH * self.done // self.total
        elapsed = time.monotonic() - self.started
        count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {count} {self.label}: {note} ({elapsed:.1f}s)"

    def advance(self, note: str = "") -> None:
        self.done = min(self.done + 1, self.total)
        line = self.render(note)
        last = self.done == self.total
        self.stream.write(("\r" + line + ("\n" if last else "")) if self._inline else line + "\n")
        self.stream.flush()
