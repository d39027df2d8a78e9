"""One progress thread per run: the same "still waiting" lines, however many calls wait."""

from __future__ import annotations

import threading
import time

import pytest
from support import time_budget

from lambda_invoke.progress import Watcher


def test_many_waiting_calls_share_one_thread_and_each_gets_its_lines() -> None:
    watcher = Watcher()
    lines: list[str] = []
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            lines.append(line)

    def call(number: int) -> None:
        with watcher.waiting(say, f"f{number} to answer", 0.2):
            time.sleep(0.5)

    others = {t for t in threading.enumerate() if t.name == "progress"}  # other runs' watchers
    calls = [threading.Thread(target=call, args=(n,)) for n in range(40)]
    for thread in calls:
        thread.start()
    progress = [t for t in threading.enumerate() if t.name == "progress" and t not in others]
    for thread in calls:
        thread.join()
    assert len(progress) == 1
    for number in range(40):  # at 0.2 and 0.4 s of its 0.5 s wait (late on a slow machine)
        said = [line for line in lines if line.startswith(f"still waiting for f{number} ")]
        assert 1 <= len(said) <= 2, (number, said)
        assert said[0] == f"still waiting for f{number} to answer (0 s)"


def test_a_call_that_answers_in_time_gets_no_line_and_starts_no_thread() -> None:
    watcher = Watcher()
    lines: list[str] = []
    before = threading.active_count()
    for _ in range(200):
        with watcher.waiting(lines.append, "f to answer", time_budget(5.0)):
            pass
    assert lines == []
    assert threading.active_count() - before == 1  # the watcher's one thread, for 200 calls


def test_no_interval_no_thread() -> None:
    watcher = Watcher()
    with watcher.waiting(print, "f", 0):
        pass
    assert watcher._thread is None


def test_an_idle_watcher_ends_its_thread_and_starts_one_when_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process running many runs (the tests, an in-process caller) keeps no idle thread
    of each; a call after that starts one again and still gets its lines."""
    from lambda_invoke import progress

    monkeypatch.setattr(progress, "IDLE_SECONDS", 0.05)
    watcher = Watcher()
    lines: list[str] = []
    with watcher.waiting(lines.append, "f", 0.05):  # (the thread wakes at 0.05 s, then idles)
        first = watcher._thread
    assert first is not None
    first.join(timeout=time_budget(5.0))
    assert not first.is_alive() and watcher._thread is None
    with watcher.waiting(lines.append, "g to answer", 0.05):
        time.sleep(0.2)
    said = [line for line in lines if "for g" in line]
    assert said and said[0] == "still waiting for g to answer (0 s)"
