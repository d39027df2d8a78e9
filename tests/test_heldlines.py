"""A suite's case lines go out a batch at a time, never out of order and never later than
HELD_SECONDS (or the next other line, or the run's end)."""

from __future__ import annotations

import io
import threading

from lambda_invoke.github import GitHubActions
from lambda_invoke.heldlines import HELD_LINES, HELD_SECONDS, HeldLines
from lambda_invoke.reporters import ConsoleReporter
from lambda_invoke.stopping import InFlight, run_pooled


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountedWrites(io.StringIO):
    """A stream that counts its writes (each one a system call on a real stream)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_lines_wait_for_the_batch_then_go_out_together_in_order() -> None:
    stream, clock = CountedWrites(), Clock()
    held = HeldLines(stream, clock)
    held.hold("a\n")
    held.hold("b\n")
    assert stream.getvalue() == "" and stream.writes == 0
    clock.now += HELD_SECONDS  # the first line has waited long enough: the batch goes
    held.hold("c\n")
    assert stream.getvalue() == "a\nb\nc\n" and stream.writes == 1
    held.hold("d\n")
    held.release()
    held.release()  # nothing held: nothing written
    assert stream.getvalue() == "a\nb\nc\nd\n" and stream.writes == 2


def test_a_full_batch_goes_out_at_once() -> None:
    stream = CountedWrites()
    held = HeldLines(stream, Clock())  # (time stands still)
    for n in range(HELD_LINES * 2 + 1):
        held.hold(f"{n}\n")
    assert stream.writes == 2
    assert stream.getvalue().splitlines() == [str(n) for n in range(HELD_LINES * 2)]


def test_whatever_the_console_says_next_comes_after_the_held_case_lines() -> None:
    stdout, stderr = io.StringIO(), io.StringIO()
    reporter = ConsoleReporter(stdout, stderr)
    reporter.case_lines.hold("PASS [1/2] a\n")
    reporter.warn("w")
    reporter.case_lines.hold("PASS [2/2] b\n")
    assert stderr.getvalue() == "PASS [1/2] a\nlambda-invoke: warning: w\n"
    reporter.finish()
    assert stderr.getvalue().endswith("lambda-invoke: warning: w\nPASS [2/2] b\n")


def test_whatever_goes_to_the_runner_log_next_comes_after_the_held_case_lines() -> None:
    stream = io.StringIO()
    github = GitHubActions(None, None, stream)
    github.line("✓ [1/3] a", held=True)
    github.error("boom")
    github.line("✓ [2/3] b", held=True)
    github.untrusted_group("Logs", "x")
    github.line("✓ [3/3] c", held=True)
    assert stream.getvalue().splitlines()[:3] == [
        "✓ [1/3] a",
        "::error title=lambda-invoke::boom",
        "✓ [2/3] b",
    ]
    assert "✓ [3/3] c" not in stream.getvalue()
    github.finish()
    assert stream.getvalue().splitlines()[-1] == "✓ [3/3] c"


def test_a_pool_releases_held_lines_while_its_work_still_runs() -> None:
    """The pool's waiting thread ticks: a line held while the last call still waits goes
    out then, not at the end."""
    stream = io.StringIO()
    held = HeldLines(stream)
    released = threading.Event()
    seen: list[str] = []

    def tick() -> None:
        held.release()
        if stream.getvalue():
            released.set()

    def work(index: int) -> None:
        if index == 0:
            held.hold("first\n")
        else:  # the slow case: waits until the first line is out
            released.wait(10)
            seen.append(stream.getvalue())

    run_pooled(2, work, workers=2, flight=InFlight(), tick=tick)
    assert seen == ["first\n"]
