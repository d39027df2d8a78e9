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


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def row_of(result: InvokeResult) -> dict[str, Any]:
    """One invocation's row of the repeat file."""
    report = result.report
    return {
        "request-id": result.request_id,
        "status-code": result.status_code,
        "function-error": result.function_error or None,
        "duration-ms": _number(report.duration_ms),
        "billed-duration-ms": _number(report.billed_duration_ms),
        "init-duration-ms": _number(report.init_duration_ms),
        "elapsed-ms": result.elapsed_ms,
        "throttles": result.throttles,
    }


class Figures:
    """A repeat's figures as they come in (safe from several threads): the counts, each
    measure's values (8 bytes each), the round trips by start order for the chart; and each
    invocation's row written to ``sink`` (the repeat-file: a JSON list, in the order the
    invocations finished, each with its start number) instead of kept."""

    def __init__(self, count: int, sink: IO[bytes] | None = None) -> None:
        self._lock = threading.Lock()
        self.invocations = 0
        self.function_errors = 0
        self.cold_starts = 0
        self.throttles = 0
        self.measured = {measure: array("d") for measure in MEASURES}
        self.elapsed_by_start = array("d", [math.nan]) * count
        self._sink = sink
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
        with self._lock:
            self._write((b",\n" if self.invocations else b"[\n") + line)
            self.invocations += 1
            self.function_errors += bool(row["function-error"])
            self.cold_starts += row["init-duration-ms"] is not None
            self.throttles += row["throttles"]
            for measure in MEASURES:
                if row[measure] is not None:
                    self.measured[measure].append(row[measure])
            if row["elapsed-ms"] is not None:
                self.elapsed_by_start[index] = row["elapsed-ms"]

    def close(self) -> None:
        """End the repeat-file's list (the sink stays open: its owner closes it)."""
        with self._lock:
            self._write(b"\n]\n" if self.invocations else b"[]\n")

    def _write(self, data: bytes) -> None:
        """To the sink (lock held); a failed write (a full disk) stops the writing, and
        ``sink_error`` says why: the run and its aggregates go on."""
        if self._sink is None:
            return
        try:
            self._sink.write(data)
        except OSError as error:
            self._sink, self.sink_error = None, error.strerror or str(error)


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
