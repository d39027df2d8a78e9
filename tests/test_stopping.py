"""The stop discipline in this process: what is in flight, the one line, and the pool that
sends nothing after a stop."""

from __future__ import annotations

import threading
import time

import pytest
from support import time_budget

from lambda_invoke.stopping import InFlight, StopRequested, run_pooled


def test_the_flight_knows_who_is_waiting_even_after_a_stop() -> None:
    flight = InFlight()
    with flight.sent("a"), flight.sent("a"), flight.sent("b"):
        assert flight.waiting_for() == ["a", "b"]
    assert flight.waiting_for() == []
    with pytest.raises(ValueError), flight.sent("c"):
        raise ValueError("an ordinary failure: not a stop")
    assert flight.waiting_for() == []
    with pytest.raises(KeyboardInterrupt), flight.sent("d"):
        raise KeyboardInterrupt
    assert flight.waiting_for() == ["d"]  # stopped while waiting: the line names it
    assert flight.requests_sent == 5


def test_after_a_stop_nothing_is_sent_and_pauses_end_at_once() -> None:
    flight = InFlight()
    flight.request_stop("SIGINT")
    flight.request_stop("SIGTERM")  # the first signal is the one the line names
    assert flight.signal_name == "SIGINT"
    with pytest.raises(StopRequested), flight.sent("fn"):
        pytest.fail("entered after the stop")
    started = time.monotonic()
    with pytest.raises(StopRequested):
        flight.pause(30)
    assert time.monotonic() - started < time_budget(1)
    assert flight.requests_sent == 0


def test_a_pause_is_ended_by_a_stop_from_another_thread() -> None:
    flight = InFlight()
    threading.Timer(0.1, flight.request_stop).start()
    started = time.monotonic()
    with pytest.raises(StopRequested):
        flight.pause(30)
    assert time.monotonic() - started < time_budget(5)


@pytest.mark.parametrize(
    ("setup", "line"),
    [
        ([], "stopped (SIGTERM); nothing was invoked"),
        (
            [("answered", "fn")],
            "stopped (SIGTERM); no request was waiting for an answer (1 sent, all answered)",
        ),
        (
            [("waiting", "slow")],
            "stopped (SIGTERM) while waiting for slow to answer: the request was sent and the "
            "function may still be running (its request id comes with the answer, which will "
            "not be read)",
        ),
        (
            [("answered", "fn"), ("answered", "fn"), ("waiting", "fn"), ("waiting", "fn")],
            "stopped (SIGTERM) while waiting for fn (2 requests) to answer: 2 requests were "
            "sent and the functions may still be running (their request ids come with the "
            "answers, which will not be read); 2 other requests had answered, nothing more "
            "is sent",
        ),
        (
            [("accepted", "fn")],
            "stopped (SIGTERM) while following the Event run of fn (request id req-1): Lambda "
            "accepted it and it may still be running",
        ),
        (
            [("reading", "fn")],
            "stopped (SIGTERM) while reading the log of request req-1 of fn (the invocation "
            "had answered)",
        ),
    ],
    ids=["nothing", "answered", "one waiting", "repeat", "event run", "full log"],
)
def test_the_stop_line_says_what_was_in_flight(setup: list[tuple[str, str]], line: str) -> None:
    flight = InFlight()
    held = []
    for what, function in setup:
        if what == "answered":
            with flight.sent(function):
                pass
        elif what == "waiting":
            context = flight.sent(function)
            context.__enter__()
            held.append(context)
        else:
            context = flight.following(function, "req-1", accepted=what == "accepted")
            context.__enter__()
            held.append(context)
    assert flight.stop_line("SIGTERM") == line


def test_a_finished_follow_is_no_longer_in_flight() -> None:
    flight = InFlight()
    with flight.following("fn", "req-1", accepted=True):
        pass
    with pytest.raises(ValueError), flight.following("fn", "req-2", accepted=True):
        raise ValueError("the log could not be read")
    assert flight.stop_line("SIGINT") == "stopped (SIGINT); nothing was invoked"


def test_the_pool_runs_everything_once_in_a_bounded_queue() -> None:
    done: list[int] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        with lock:
            done.append(index)

    run_pooled(1000, work, workers=8, flight=InFlight())
    assert sorted(done) == list(range(1000))


def test_the_pools_first_error_starts_nothing_more() -> None:
    started: list[int] = []

    def work(index: int) -> None:
        started.append(index)
        if index == 0:
            raise RuntimeError("the first failed")
        time.sleep(0.01)

    with pytest.raises(RuntimeError, match="the first failed"):
        run_pooled(1000, work, workers=2, flight=InFlight())
    assert len(started) < 20  # at most the queue's few, not the thousand


def test_a_stop_cancels_the_queue_and_does_not_wait_for_running_work() -> None:
    flight = InFlight()
    release = threading.Event()
    started: list[int] = []

    def work(index: int) -> None:
        started.append(index)
        with flight.sent("fn"):
            release.wait(10)

    threading.Timer(0.2, flight.request_stop).start()
    began = time.monotonic()
    with pytest.raises(StopRequested):
        run_pooled(100, work, workers=2, flight=flight)
    seconds = time.monotonic() - began
    release.set()
    assert seconds < time_budget(5)  # not the 10 s the running work would take
    assert len(started) <= 2
    assert flight.requests_sent == 2


def test_pools_within_pools_tune_the_collector_once_and_restore_it() -> None:
    """A suite case's compare-to runs a pool inside the suite's: the collector stays tuned
    until the outer pool ends, then is as it was."""
    import gc

    from lambda_invoke.stopping import POOL_GC_THRESHOLD

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen: list[int] = []
    still_frozen: list[bool] = []
    flight = InFlight()

    def inner(_: int) -> None:
        seen.append(gc.get_threshold()[0])

    def outer(_: int) -> None:
        run_pooled(3, inner, workers=3, flight=flight)
        seen.append(gc.get_threshold()[0])  # the inner pool ended; the outer still runs
        still_frozen.append(gc.get_freeze_count() > frozen)

    run_pooled(4, outer, workers=2, flight=flight)
    assert seen == [max(before[0], POOL_GC_THRESHOLD)] * 16
    assert still_frozen == [True] * 4
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
