"""``repeat: N``: one invocation N times (``repeat-concurrency`` at once, at most ``max-rate``
a second), aggregated: counts, function errors, cold starts, throttles, and the
percentiles of Lambda's duration, the billed duration and our own round trip.

Percentiles are nearest-rank: p95 of n values is the ceil(0.95 n)-th smallest, a value
that was measured. Each invocation's figures go to a JSON file (``repeat-file``); the
single-invocation outputs are the first invocation's.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

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


def figures(result: InvokeResult) -> dict[str, Any]:
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


def aggregate(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The aggregate outputs of the rows (None where no invocation had the figure)."""
    values: dict[str, Any] = {
        "invocations": len(rows),
        "function-errors": sum(1 for row in rows if row["function-error"]),
        "cold-starts": sum(1 for row in rows if row["init-duration-ms"] is not None),
        "throttles": sum(row["throttles"] for row in rows),
    }
    for measure in MEASURES:
        measured = [row[measure] for row in rows if row[measure] is not None]
        for name, q in QUANTILES:
            values[f"{measure}-{name}"] = percentile(measured, q)
    return values


def latency_series(rows: Sequence[dict[str, Any]], points: int = SERIES_POINTS) -> dict[str, Any]:
    """Round trips by invocation in start order, at most ``points`` of them: the slowest of
    each run of ``size`` consecutive invocations (a spike is never averaged away)."""
    values = [row["elapsed-ms"] for row in rows if row["elapsed-ms"] is not None]
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
    say: Callable[[str], None] | None = None,
    pacer: Pacer | None = None,
) -> tuple[InvokeResult, list[dict[str, Any]]]:
    """``call`` ``count`` times, ``concurrency`` at once, paced: the first invocation's
    result and every invocation's figures in start order. Only the figures are kept, not
    the payloads: memory stays flat however many invocations run. A stop sends nothing
    more (stopping.run_pooled)."""
    pacer = pacer or Pacer(rate, sleep=flight.pause, say=say)
    rows: list[dict[str, Any] | None] = [None] * count
    first: list[InvokeResult] = []

    def one(index: int) -> None:
        pacer.wait_turn()
        result = call()
        rows[index] = figures(result)
        if index == 0:
            first.append(result)

    run_pooled(count, one, workers=concurrency, flight=flight)
    return first[0], [row for row in rows if row is not None]
