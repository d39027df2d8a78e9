"""The one stop discipline: what a run has in flight, and what SIGTERM or SIGINT does to it.

A stop first sets the run's flag (``InFlight.request_stop``, from the signal handler), so
nothing new is sent after it: every send (``sent``), every paced, backed-off or polling
wait (``pause``) and every pool that queues work (``run_pooled``) asks the flag first. Then
the main thread unwinds to the boundary (``cli``), which prints one true line built from
what was in flight (``stop_line``): the functions still waiting for an answer, and the
Event runs that Lambda accepted and that were being followed, by request id.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from lambda_invoke.progress import Watcher

#: the pools' threads carry this name: the boundary ends the process without joining them
POOL_THREAD_PREFIX = "case"


class StopRequested(BaseException):
    """A send or wait that was asked for after the stop: it is not made. (A BaseException:
    no ``except Exception`` of a case may turn a stop into a case's failure.)"""


class InFlight:
    """What one run has in flight, shared by all its threads (a suite's cases, a repeat)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._waiting: dict[str, int] = {}  # function -> requests sent, not yet answered
        self._stopped: dict[str, int] = {}  # stopped while waiting: function -> requests
        self._following: dict[str, tuple[str, bool]] = {}  # request id -> (function, accepted)
        self.requests_sent = 0
        self.signal_name = ""  # SIGTERM or SIGINT, once stopped
        self.progress = Watcher()  # the run's one thread of "still waiting" lines

    # -- the flag ------------------------------------------------------------------------

    def request_stop(self, signal_name: str = "SIGTERM") -> None:
        if not self._stop.is_set():
            self.signal_name = signal_name
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        """Raise ``StopRequested`` when the run was stopped."""
        if self._stop.is_set():
            raise StopRequested

    def pause(self, seconds: float) -> None:
        """Sleep, but end at once (``StopRequested``) when the run is stopped."""
        if self._stop.wait(max(0.0, seconds)):
            raise StopRequested

    # -- what is in flight ---------------------------------------------------------------

    def sent(self, function: str) -> _Sent:
        """While the body runs, a request to ``function`` was sent and has no answer. Not
        entered (``StopRequested``) after a stop: nothing new is sent."""
        return _Sent(self, function)

    def _sending(self, function: str) -> None:
        with self._lock:
            self.check()
            self._waiting[function] = self._waiting.get(function, 0) + 1
            self.requests_sent += 1

    def _answered(self, function: str, *, stopped: bool) -> None:
        """The request has its answer, or the run was ``stopped`` while it waited (the
        stop line names it)."""
        with self._lock:
            if stopped:
                self._stopped[function] = self._stopped.get(function, 0) + 1
            self._waiting[function] -= 1
            if not self._waiting[function]:
                del self._waiting[function]

    @contextmanager
    def following(self, function: str, request_id: str, *, accepted: bool) -> Iterator[None]:
        """While the body runs, the log of ``request_id`` is read (``accepted``: an Event
        run Lambda accepted, which may still be running)."""
        with self._lock:
            self._following[request_id] = (function, accepted)
        try:
            yield
        except Exception:
            with self._lock:
                self._following.pop(request_id, None)
            raise
        except BaseException:  # stopped while following: the line names the request
            raise
        else:
            with self._lock:
                self._following.pop(request_id, None)

    def waiting_for(self) -> list[str]:
        """The functions that were sent a request and have not answered yet."""
        with self._lock:
            return sorted(set(self._waiting) | set(self._stopped))

    def stop_line(self, signal_name: str) -> str:
        """One true line: what was in flight when the run stopped."""
        with self._lock:
            waiting = dict(self._stopped)
            for function, count in self._waiting.items():
                waiting[function] = max(count, waiting.get(function, 0))
            following = dict(self._following)
            sent = self.requests_sent
        parts = []
        if waiting:
            requests = sum(waiting.values())
            names = ", ".join(
                function if count == 1 else f"{function} ({count} requests)"
                for function, count in sorted(waiting.items())
            )
            if requests == 1:
                parts.append(
                    f"while waiting for {names} to answer: the request was sent and the "
                    "function may still be running (its request id comes with the answer, "
                    "which will not be read)"
                )
            else:
                parts.append(
                    f"while waiting for {names} to answer: {requests} requests were sent and "
                    "the functions may still be running (their request ids come with the "
                    "answers, which will not be read)"
                )
        accepted = [(rid, fn) for rid, (fn, yes) in sorted(following.items()) if yes]
        reading = [(rid, fn) for rid, (fn, yes) in sorted(following.items()) if not yes]
        if accepted:
            runs = ", ".join(f"{fn} (request id {rid})" for rid, fn in accepted)
            parts.append(
                f"while following the Event run of {runs}: Lambda accepted it and it may "
                "still be running"
            )
        if reading:
            runs = ", ".join(f"request {rid} of {fn}" for rid, fn in reading)
            parts.append(f"while reading the log of {runs} (the invocation had answered)")
        head = f"stopped ({signal_name})"
        if not parts:
            if sent == 0:
                return f"{head}; nothing was invoked"
            return f"{head}; no request was waiting for an answer ({sent} sent, all answered)"
        line = f"{head} " + "; and ".join(parts)
        answered = sent - sum(waiting.values())
        if answered > 0 and waiting:
            line += f"; {answered} other requests had answered, nothing more is sent"
        return line


class _Sent:
    """``InFlight.sent``: a class, not a generator: it wraps every Invoke (a generator's
    context manager cost a few microseconds more each time, bench/pool.py)."""

    __slots__ = ("flight", "function")

    def __init__(self, flight: InFlight, function: str) -> None:
        self.flight, self.function = flight, function

    def __enter__(self) -> None:
        self.flight._sending(self.function)

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        stopped = kind is not None and not issubclass(kind, Exception)  # a stop while waiting
        self.flight._answered(self.function, stopped=stopped)


def run_pooled(
    count: int,
    work: Callable[[int], None],
    *,
    workers: int,
    flight: InFlight,
    tick: Callable[[], None] | None = None,
) -> None:
    """``work(0) ... work(count - 1)`` on ``workers`` threads that take the next index as
    they free up (no future per item: waiting on hundreds of futures cost more than the
    calls). The first error ends the run: nothing more is started, the work already
    running is waited for, and the error is raised here. A stop (a BaseException in this
    thread, or the flag) starts nothing more and does not wait for what runs: the boundary
    ends the process. ``tick``: called here every STOP_POLL_SECONDS while the work runs
    (a suite writes the case lines it holds)."""
    indexes = iter(range(count))  # (next() on it is atomic under the GIL: no lock)
    errors: list[Exception] = []
    failed = threading.Event()

    def worker() -> None:
        while not failed.is_set() and not flight.stopping:
            index = next(indexes, None)
            if index is None:
                return
            try:
                work(index)
            except StopRequested:
                return
            except Exception as error:  # the first error ends the run (raised below)
                errors.append(error)
                failed.set()
                return

    threads = [
        threading.Thread(target=worker, name=f"{POOL_THREAD_PREFIX}-{n}", daemon=True)
        for n in range(max(1, min(workers, count)))
    ]
    try:
        with _fewer_collections:
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(STOP_POLL_SECONDS)
                    flight.check()
                    if tick is not None:
                        tick()
    except BaseException:
        failed.set()  # nothing more is started; what runs is not waited for
        raise
    if errors:
        raise errors[0]
    flight.check()


#: objects made between two collections of the youngest generation while a pool runs
#: (Python's default is 700)
POOL_GC_THRESHOLD = 5000


class _FewerCollections:
    """While pools run, the garbage collector leaves alone what was made before the first
    (the settings, the clients, the modules: ``gc.freeze``) and runs a seventh as often:
    its pauses were 35 ms of a 2,000-case suite's 2.4 s, 7 ms with this (bench/pool.py).
    What a call makes is freed by reference counting; a collection only finds cycles.
    Pools run inside pools (a suite case's compare-to calls): the first to start tunes the
    collector, the last to end restores it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools = 0
        self._threshold = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            self._pools += 1
            if self._pools == 1:
                self._threshold = gc.get_threshold()
                gc.freeze()
                gc.set_threshold(max(self._threshold[0], POOL_GC_THRESHOLD), *self._threshold[1:])

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._pools -= 1
            if not self._pools:
                gc.set_threshold(*self._threshold)
                gc.unfreeze()


_fewer_collections = _FewerCollections()


#: how often a pool waiting for its work looks at the stop flag (a signal needs no look: it
#: raises in the waiting thread; a stop from another thread does)
STOP_POLL_SECONDS = 0.1
