"""Progress lines while calls wait for an answer: one thread per run, however many calls.

A call that waits registers (``Watcher.waiting``) and, every ``every`` seconds of its wait,
gets the line "still waiting for WHAT (N s)". One daemon thread, started on the first
registration, sleeps until the earliest line is due; a call that ends before its line is
due costs a dictionary entry, not a thread (a repeat of 2,000 started 2,000 threads).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

Say = Callable[[str], None]
#: a watcher with no call waiting this long ends its thread (the next call starts one):
#: a process running many runs (the tests) keeps no idle thread of each
IDLE_SECONDS = 2.0


class _Waiting:
    """A call waited for, while its ``with`` body runs: who says its lines, what it is,
    and when its next line is due. (A plain class: a dataclass would cost start-up to
    generate; a class and not a generator's context manager: it wraps every Invoke.)"""

    __slots__ = ("due", "every", "say", "start", "token", "watcher", "what")

    def __init__(self, watcher: Watcher, say: Say, what: str, every: float) -> None:
        self.watcher, self.say, self.what, self.every = watcher, say, what, every
        self.start = self.due = 0.0  # (set on entering)
        self.token = 0

    def __enter__(self) -> None:
        self.watcher._register(self)

    def __exit__(self, *_: object) -> None:
        self.watcher._leave(self.token)


class Watcher:
    """The run's one progress thread (safe from several threads).

    A call registers and leaves without a lock (a dictionary entry, atomic under the GIL):
    64 calls at once taking one lock twice each queued behind whichever holder the GIL
    switched away from, and calls one after another woke the thread twice each. The lock
    is taken only to start the thread or to wake it for a line due before it would wake
    (``_wake_at``); a call that leaves is found gone when the thread next wakes.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._changed = threading.Condition(threading.Lock())
        self._waiting: dict[int, _Waiting] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        #: when the thread wakes next (inf while it recomputes: every new call wakes it)
        self._wake_at = math.inf

    def waiting(self, say: Say, what: str, every: float) -> AbstractContextManager[None]:
        """While the body runs, say a line every ``every`` seconds (none when it is 0)."""
        if every <= 0:
            return nullcontext()
        return _Waiting(self, say, what, every)

    def _register(self, waiting: _Waiting) -> None:
        """A call starts waiting: its first line is due ``every`` from now."""
        waiting.token = next(self._tokens)
        waiting.start = self._clock()
        waiting.due = waiting.start + waiting.every
        self._waiting[waiting.token] = waiting
        if self._thread is None or waiting.due < self._wake_at:
            self._wake(waiting.due)

    def _leave(self, token: int) -> None:
        del self._waiting[token]  # (the thread finds it gone when it next wakes)

    def _wake(self, due: float) -> None:
        """Start the thread, or wake it for a line due before it wakes."""
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
                self._thread.start()
            elif due < self._wake_at:
                self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                lines = self._due_lines()
                if lines is None:  # idle: the thread ended (a new call starts another)
                    return
            for say, line in lines:
                say(line)

    def _due_lines(self) -> list[tuple[Say, str]] | None:
        """Wait (lock held, released while waiting) until a line is due: the lines due; or
        None when no call has waited for IDLE_SECONDS (the thread is then let go)."""
        while True:
            self._wake_at = math.inf  # calls registering now wake the thread
            now = self._clock()
            waiting = list(self._waiting.values())  # (a copy: calls come and go meanwhile)
            lines = self._take_due(waiting, now)
            if lines:
                return lines
            earliest = min((w.due for w in waiting), default=None)
            if earliest is not None:
                self._wake_at = earliest
                self._changed.wait(earliest - now)
                continue
            self._wake_at = now + IDLE_SECONDS  # (a call due later is seen on waking)
            if not self._changed.wait(IDLE_SECONDS) and self._let_go():
                return None

    def _let_go(self) -> bool:
        """End the idle thread unless a call came meanwhile (lock held). ``_thread`` is
        cleared before the check, so a call registering meanwhile either is seen here or
        sees no thread and starts one."""
        self._thread, thread = None, self._thread
        if self._waiting:
            self._thread = thread
            return False
        return True

    @staticmethod
    def _take_due(waiting: list[_Waiting], now: float) -> list[tuple[Say, str]]:
        """The lines due at ``now``; each call's next one is due ``every`` later."""
        due = [w for w in waiting if w.due <= now]
        for w in due:
            w.due += w.every
        return [(w.say, f"still waiting for {w.what} ({now - w.start:.0f} s)") for w in due]
