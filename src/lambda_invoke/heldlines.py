"""A suite's case lines, written to their stream a batch at a time.

A line written and flushed at once is a system call; a suite's case line is written while
its runner's lock is held (the lines keep their order), so each write let the GIL go with
the lock held, and the other cases' threads queued behind it: a 2,000-case suite, 64 at
once, ran some 5 % slower with its lines than without them (bench/README.md, issue 28).
Held lines wait at most HELD_SECONDS (the pool's waiting thread releases them as it polls,
``release``) and are written before anything else is written to the stream, so the order
of what is shown stays the order it was said in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

#: how long a held line may wait to be written with others, and how many may wait
HELD_SECONDS = 0.2
HELD_LINES = 256


class HeldLines:
    """Lines for ``stream`` that may wait a moment to be written together (safe from
    several threads). Whoever writes to the stream otherwise calls ``release`` first."""

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self._clock = clock
        self._lock = threading.Lock()
        self._held: list[str] = []
        self._since = 0.0  # when the first held line came

    def hold(self, line: str) -> None:
        """``line`` (with its newline) is written with the next batch: now, when the batch
        is full or its first line has waited HELD_SECONDS."""
        with self._lock:
            if not self._held:
                self._since = self._clock()
            self._held.append(line)
            if len(self._held) >= HELD_LINES or self._clock() - self._since >= HELD_SECONDS:
                self._write()

    def release(self) -> None:
        """Write what is held, now."""
        if self._held:  # (read without the lock: a line held meanwhile waits for the next)
            with self._lock:
                self._write()

    def _write(self) -> None:
        if self._held:
            text = "".join(self._held)
            self._held.clear()
            self.stream.write(text)
            self.stream.flush()
