"""``repeat: N``: one invocation N times (``repeat-concurrency`` at once, at most ``max-rate``
a second), aggregated: counts, function errors, cold starts, throttles, and the
percentiles of Lambda's duration, the billed duration and our own round trip.

Percentiles are nearest-rank: p95 of n values is the ceil(0.95 n)-th smallest, a value
that was measured. Each invocation's figures go to a JSON file (``repeat-file``) as it
finishes, and only what the aggregates need stays in memory (``Figures``: some bytes an
invocation, not a row); the single-invocation outputs are the first invocation's.
"""

from __future__ import annotations

import json
import math
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from typing import IO, Any

from lambda_invoke.deadline import PROGRESS_SECONDS
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.stopping import InFlight, run_pooled

QUANTILES = (("p50", 50), ("p90", 90), ("p95", 95), ("p99", 99), ("max", 100))
MEASURES = ("duration-ms", "billed-duration-ms", "elapsed-ms")
#: the aggregate outputs, in order (outputs.OUTPUT_NAMES holds them too)
REPEAT_OUTPUTS: tuple[str, ...] = (
    "invocations",
    "function-errors",
    "cold-starts",
    "throttles",
    *(f"{measure}-{name}" for measure in MEASURES for name, _ in QUANTILES),
)
#: the job summary's per-invocation chart has at most this many points
SERIES_POINTS = 60
#: the key of that series among the aggregates (not an output: the summary draws it)
SERIES = "elapsed-ms-series"


def percentile(values: Sequence[float], q: int) -> float | None:
    """Nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def figure(text: str | None) -> float | None:
    """A REPORT line figure as a number (None: not there)."""
    return None if text is None else float(text)


def row_of(result: InvokeResult) -> dict[str, Any]:
    """One invocation's row of the repeat file."""
    report = result.report
    return {
        "request-id": result.request_id,
        "status-code": result.status_code,
        "function-error": result.function_error or None,
        "duration-ms": figure(report.duration_ms),
        "billed-duration-ms": figure(report.billed_duration_ms),
        "init-duration-ms": figure(report.init_duration_ms),
        "elapsed-ms": result.elapsed_ms,
        "throttles": result.throttles,
    }


#: rows a repeat-file batch holds before it is written (some 25 KiB)
SINK_BATCH = 128


class Figures:
    """A repeat's figures as they come in (safe from several threads): the counts, each
    measure's values (8 bytes each), the round trips by start order for the chart; and each
    invocation's row written to ``sink`` (the repeat-file: a JSON list, in the order the
    invocations finished, each with its start number) instead of kept.

    Rows reach the sink in batches of SINK_BATCH, written outside the lock that counts: a
    write under it (a system call, the GIL let go) made the other 63 threads of a repeat
    queue on it at every flush, some 1.5 context switches an invocation.
    """

    def __init__(self, count: int, sink: IO[bytes] | None = None) -> None:
        self._lock = threading.Lock()
        self._writing = threading.Lock()  # taken under _lock: batches go out in order
        self.invocations = 0
        self.function_errors = 0
        self.cold_starts = 0
        self.throttles = 0
        self.measured = {measure: array("d") for measure in MEASURES}
        self.elapsed_by_start = array("d", [math.nan]) * count
        self._sink = sink
        self._pending: list[bytes] = []  # rows not written yet (at most SINK_BATCH)
        self.sink_error = ""  # why the repeat-file could not be written ("" when it was)

    @classmethod
    def of_rows(cls, rows: Sequence[dict[str, Any]]) -> Figures:
        figures = cls(len(rows))
        for index, row in enumerate(rows):
            figures.add(index, row)
        return figures

    def add(self, index: int, row: dict[str, Any]) -> None:
        """Invocation ``index`` (from 0, in start order) finished with these figures."""
        line = json.dumps({"invocation": index + 1, **row}).encode() if self._sink else b""
        values = [(self.measured[m], row[m]) for m in MEASURES if row[m] is not None]
        errors, cold = bool(row["function-error"]), row["init-duration-ms"] is not None
        batch = None
        with self._lock:
            if line:
                self._pending.append((b",\n" if self.invocations else b"[\n") + line)
                if len(self._pending) >= SINK_BATCH:
                    batch = self._take_batch()
            self.invocations += 1
            self.function_errors += errors
            self.cold_starts += cold
            self.throttles += row["throttles"]
            for measured, value in values:
                measured.append(value)
            if row["elapsed-ms"] is not None:
                self.elapsed_by_start[index] = row["elapsed-ms"]
        if batch is not None:
            self._write(batch)

    def close(self) -> None:
        """Write what is pending and end the repeat-file's list (the sink stays open: its
        owner closes it)."""
        with self._lock:
            self._pending.append(b"\n]\n" if self.invocations else b"[]\n")
            batch = self._take_batch()
        self._write(batch)

    def _take_batch(self) -> bytes:
        """The pending rows (``_lock`` held); ``_writing`` is taken here and let go when
        they are written, so a later batch cannot overtake this one."""
        self._writing.acquire()
        batch, self._pending = b"".join(self._pending), []
        return batch

    def _write(self, data: bytes) -> None:
        """To the sink (``_writing`` held, released here); a failed write (a full disk)
        stops the writing, and ``sink_error`` says why: the run and its aggregates go on."""
        try:
            if self._sink is not None:
                self._sink.write(data)
        except OSError as error:
            self._sink, self.sink_error = None, error.strerror or str(error)
        finally:
            self._writing.release()


def aggregate(figures: Figures) -> dict[str, Any]:
    """The aggregate outputs (None where no invocation had the figure)."""
    values: dict[str, Any] = {
        "invocations": figures.invocations,
        "function-errors": figures.function_errors,
        "cold-starts": figures.cold_starts,
        "throttles": figures.throttles,
    }
    for measure in MEASURES:
        measured = figures.measured[measure]
        for name, q in QUANTILES:
            values[f"{measure}-{name}"] = percentile(measured, q)
    return values


def latency_series(figures: Figures, points: int = SERIES_POINTS) -> dict[str, Any]:
    """Round trips by invocation in start order, at most ``points`` of them: the slowest of
    each run of ``size`` consecutive invocations (a spike is never averaged away)."""
    values = [value for value in figures.elapsed_by_start if not math.isnan(value)]
    size = max(1, math.ceil(len(values) / points))
    slowest = [max(values[start : start + size]) for start in range(0, len(values), size)]
    return {"values": slowest, "size": size, "count": len(values)}


#: the most invocations a second max-rate asks for
MAX_RATE = 1000.0


class Pacer:
    """At most ``rate`` starts a second (a token bucket of one). Safe from several threads.

    Throttling is not handled here: the pool's one Lambda client runs botocore's adaptive
    rate limiter (aws.Connections.lambda_client), which slows every sender of the client
    after a throttle (CUBIC) while botocore itself still sends nothing twice."""

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.say = say
        self._next = clock()
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        """Wait for this start's turn; a wait over PROGRESS_SECONDS says where it stands at
        least that often."""
        if not self.interval:  # no max-rate: no lock for 64 threads to queue on
            return
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        while start > now:
            if self.say is not None and start - now > PROGRESS_SECONDS:
                self.say(f"max-rate: the next invocation starts in {start - now:.0f} s")
            self.sleep(min(start - now, PROGRESS_SECONDS))
            now = self.clock()


def run_repeat(
    count: int,
    concurrency: int,
    rate: float,
    call: Callable[[], InvokeResult],
    *,
    flight: InFlight,
    figures: Figures,
    say: Callable[[str], None] | None = None,
    pacer: Pacer | None = None,
) -> InvokeResult:
    """``call`` ``count`` times, ``concurrency`` at once, paced: the first invocation's
    result; every invocation's figures go to ``figures`` (not the payloads: memory stays
    flat however many invocations run). A stop sends nothing more (stopping.run_pooled)."""
    pacer = pacer or Pacer(rate, sleep=flight.pause, say=say)
    first: list[InvokeResult] = []

    def one(index: int) -> None:
        pacer.wait_turn()
        result = call()
        figures.add(index, row_of(result))
        if index == 0:
            first.append(result)

    run_pooled(count, one, workers=concurrency, flight=flight)
    return first[0]
