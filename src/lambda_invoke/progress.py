"""Progress lines while calls wait for an answer: one thread per run, however many calls.

A call that waits registers (``Watcher.waiting``) and, every ``every`` seconds of its wait,
gets the line "still waiting for WHAT (N s)". One daemon thread, started on the first
registration, sleeps until the earliest line is due; a call that ends before its line is
due costs a dictionary entry, not a thread (a repeat of 2,000 started 2,000 threads).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

Say = Callable[[str], None]
#: a watcher with no call waiting this long ends its thread (the next call starts one):
#: a process running many runs (the tests) keeps no idle thread of each
IDLE_SECONDS = 2.0


@dataclass
class _Waiting:
    say: Say
    what: str
    start: float
    every: float
    due: float  # when its next line is due


class Watcher:
    """The run's one progress thread (safe from several threads)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._changed = threading.Condition()
        self._waiting: dict[int, _Waiting] = {}
        self._count = 0
        self._thread: threading.Thread | None = None

    @contextmanager
    def waiting(self, say: Say, what: str, every: float) -> Iterator[None]:
        """While the body runs, say a line every ``every`` seconds (none when it is 0)."""
        if every <= 0:
            yield
            return
        with self._changed:
            self._count += 1
            token = self._count
            start = self._clock()
            earliest = min((w.due for w in self._waiting.values()), default=None)
            self._waiting[token] = _Waiting(say, what, start, every, start + every)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
                self._thread.start()
            elif earliest is None or start + every < earliest:
                self._changed.notify()  # the thread sleeps longer than this call's first line
        try:
            yield
        finally:
            with self._changed:
                del self._waiting[token]
                if not self._waiting:  # the last one: the thread goes idle (and may end)
                    self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                lines = self._due_lines()
                if lines is None:  # idle: the thread ends (a new call starts another)
                    self._thread = None
                    return
            for say, line in lines:
                say(line)

    def _due_lines(self) -> list[tuple[Say, str]] | None:
        """Wait (lock held, released while waiting) until a line is due: the lines due; or
        None when no call has waited for IDLE_SECONDS."""
        while True:
            now = self._clock()
            lines = self._take_due(now)
            if lines:
                return lines
            earliest = min((w.due for w in self._waiting.values()), default=None)
            if earliest is None:
                if not self._changed.wait(IDLE_SECONDS) and not self._waiting:
                    return None
                continue
            self._changed.wait(earliest - now)

    def _take_due(self, now: float) -> list[tuple[Say, str]]:
        """The lines due at ``now`` (lock held); each call's next one is due ``every`` later."""
        due = [waiting for waiting in self._waiting.values() if waiting.due <= now]
        for waiting in due:
            waiting.due += waiting.every
        return [(w.say, f"still waiting for {w.what} ({now - w.start:.0f} s)") for w in due]
