"""repeat: nearest-rank percentiles, aggregates, and the pacer's rate."""

from __future__ import annotations

import pytest

from lambda_invoke.repeat import Figures, Pacer, aggregate, percentile


@pytest.mark.parametrize(
    ("q", "expected"), [(50, 50), (90, 90), (95, 95), (99, 99), (100, 100), (1, 1)]
)
def test_nearest_rank_percentiles_of_1_to_100(q: int, expected: int) -> None:
    values = list(range(100, 0, -1))  # order does not matter
    assert percentile(values, q) == expected


def test_percentiles_of_few_values_are_measured_values() -> None:
    assert percentile([10.0, 20.0, 30.0], 50) == 20.0
    assert percentile([10.0, 20.0, 30.0], 95) == 30.0
    assert percentile([], 50) is None


def test_aggregate_counts_and_leaves_missing_figures_out() -> None:
    rows = [
        {"function-error": None, "init-duration-ms": 100.0, "throttles": 0,
         "duration-ms": 10.0, "billed-duration-ms": 11.0, "elapsed-ms": 30.0},
        {"function-error": "Unhandled", "init-duration-ms": None, "throttles": 2,
         "duration-ms": None, "billed-duration-ms": None, "elapsed-ms": 50.0},
    ]  # fmt: skip
    values = aggregate(Figures.of_rows(rows))
    assert (values["invocations"], values["function-errors"]) == (2, 1)
    assert (values["cold-starts"], values["throttles"]) == (1, 2)
    assert values["duration-ms-max"] == 10.0  # the one invocation with a REPORT
    assert values["elapsed-ms-p50"] == 30.0 and values["elapsed-ms-max"] == 50.0


def test_the_pacer_keeps_the_rate() -> None:
    """20 a second: 21 starts take 20 intervals of 50 ms (a fake clock: no wall-clock
    bound that a loaded machine could break)."""
    now = [0.0]
    starts: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(20.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(21):
        pacer.wait_turn()
        starts.append(now[0])
    assert starts == pytest.approx([n * 0.05 for n in range(21)])


def test_the_latency_series_keeps_the_slowest_of_each_slice_in_start_order() -> None:
    from lambda_invoke.repeat import latency_series

    blank = {"function-error": None, "init-duration-ms": None, "throttles": 0,
             "duration-ms": None, "billed-duration-ms": None}  # fmt: skip
    rows = [{**blank, "elapsed-ms": float(n % 100)} for n in range(10_000)]
    rows[5_000]["elapsed-ms"] = 900.0  # one spike
    rows.append({**blank, "elapsed-ms": None})  # without a round trip: left out
    series = latency_series(Figures.of_rows(rows))
    assert (series["size"], series["count"], len(series["values"])) == (167, 10_000, 60)
    assert series["values"][5_000 // 167] == 900.0
    assert series["values"].count(900.0) == 1 and min(series["values"]) == 99.0
    small = latency_series(Figures.of_rows([{**blank, "elapsed-ms": e} for e in (3.0, 1.0)]))
    assert small == {"values": [3.0, 1.0], "size": 1, "count": 2}


def test_a_long_pacing_wait_says_where_it_stands_every_30_seconds() -> None:
    """max-rate 0.01: 100 s between starts, on a fake clock: a line at least every 30 s."""
    now = [0.0]
    slept: list[float] = []
    said: list[tuple[float, str]] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(0.01, clock=lambda: now[0], sleep=sleep, say=lambda t: said.append((now[0], t)))
    pacer.wait_turn()  # the first starts at once
    pacer.wait_turn()
    assert slept == [30.0, 30.0, 30.0, 10.0]
    assert said == [
        (0.0, "max-rate: the next invocation starts in 100 s"),
        (30.0, "max-rate: the next invocation starts in 70 s"),
        (60.0, "max-rate: the next invocation starts in 40 s"),
    ]
