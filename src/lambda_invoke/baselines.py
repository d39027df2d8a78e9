"""The other side of a comparison (compare-to, snapshot): where it comes from, and one
run's comparison from its first line to its outputs.

A deployed baseline gets each event twice, at the same time as the candidate (Diffy's
primary and secondary: what differs between them is noise). A snapshot is read before
the run (settings) and compared with each answer; recording one, each event is sent to
the candidate twice instead, and the file is written when the run ends. The comparing
itself is comparison's (pure); the calls keep the no-duplicate rules of any Invoke, and a
stop ends the wait for all of them (the pool's discipline).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lambda_invoke.comparison import Tally
from lambda_invoke.errors import LambdaInvokeError
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.outputs import NOISE_LEARNED
from lambda_invoke.settings import Settings
from lambda_invoke.snapshots import write_snapshot
from lambda_invoke.stopping import InFlight, run_pooled

InvokeOnce = Callable[[Settings], InvokeResult]


def baseline_settings(settings: Settings) -> Settings:
    """The settings of compare-to's baseline: the same event, client context and
    connection, to the baseline's function and qualifier; nothing of the step's own
    checks, files or repeat."""
    target = settings.compare_to
    if isinstance(target, str):  # a qualifier of the same function
        function = settings.function
        value = function.value
        if function.qualifier and value.endswith(f":{function.qualifier}"):
            value = value[: -len(function.qualifier) - 1]
        function, qualifier = replace(function, value=value, qualifier=None), target
    else:
        function, qualifier = target or settings.function, None
    return replace(
        settings, function=function, qualifier=qualifier, checks=(), output_file=None,
        repeat=1, full_logs=False, wait_for_completion=False, compare_to=None,
    )  # fmt: skip


def describe(settings: Settings) -> str:
    """A function and qualifier as a reader names them: orders-api:live."""
    name = settings.function_name
    return f"{name}:{settings.qualifier}" if settings.qualifier else name


class Comparing:
    """One run's comparison (a single invoke, a repeat, a suite case): each event's calls,
    the tally they go into, and its end (outputs, lines, a recorded snapshot written)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.snapshot = settings.snapshot
        self.baseline = baseline_settings(settings) if self.snapshot is None else None
        if self.baseline is not None:
            against = describe(self.baseline)
        else:
            against = f"the snapshot {self.snapshot.path}" if self.snapshot else ""
        self.tally = Tally(against=against, snapshot=self.snapshot is not None)
        self._events = itertools.count(1)  # (next() on it is atomic under the GIL)

    def opening_line(self) -> str:
        against = self.tally.against
        if self.snapshot is None:
            return f"comparing with {against}: each event sent to it twice"
        if self.snapshot.recording:
            return f"recording {against}: each event sent twice (what differs is noise)"
        return f"comparing with {against}"

    def call(self, invoke_once: InvokeOnce, *, flight: InFlight) -> InvokeResult:
        """One event, compared (or recorded); the candidate's result."""
        label = "the event"
        if self.settings.repeat > 1:
            label = f"invocation {next(self._events)}"
        if self.baseline is not None:
            return self._against_baseline(invoke_once, label, flight)
        return self._against_snapshot(invoke_once, label, flight)

    def _against_baseline(
        self, invoke_once: InvokeOnce, label: str, flight: InFlight
    ) -> InvokeResult:
        """The event to the candidate once and to the baseline twice, the three at once
        (the machine's noise falls on both sides alike; it takes about one call's time). A
        baseline call that fails is the event's problem, not the run's error."""
        baseline = self.baseline
        assert baseline is not None
        answers: list[InvokeResult | str] = ["", "", ""]

        def call(index: int) -> None:
            if index == 0:
                answers[0] = invoke_once(self.settings)
                return
            try:
                answers[index] = invoke_once(baseline)
            except LambdaInvokeError as error:
                answers[index] = f"the baseline {describe(baseline)}: {error}"

        run_pooled(3, call, workers=3, flight=flight)
        result = answers[0]
        assert isinstance(result, InvokeResult)
        self.tally.record(label, result, answers[1:], self.settings.compare_ignore)
        return result

    def _against_snapshot(
        self, invoke_once: InvokeOnce, label: str, flight: InFlight
    ) -> InvokeResult:
        """The event compared with its snapshot; or, recording it, sent twice at once
        (what differs between the two answers is noise)."""
        snapshot, ignore = self.snapshot, self.settings.compare_ignore
        assert snapshot is not None
        if not snapshot.recording:
            result = invoke_once(self.settings)
            self.tally.record_against_snapshot(label, result, snapshot, ignore)
            return result
        second = replace(self.settings, checks=(), output_file=None)  # (its own object: quiet)
        answers: list[InvokeResult | None] = [None, None]

        def call(index: int) -> None:
            answers[index] = invoke_once(self.settings if index == 0 else second)

        run_pooled(2, call, workers=2, flight=flight)
        first, other = answers
        assert first is not None and other is not None
        self.tally.keep_recording(first, other, ignore)
        return first

    def conclude(
        self, say: Callable[[str], None], *, quiet_when_same: bool = False
    ) -> dict[str, Any]:
        """The comparison's outputs (what the gates check), each differing event shown as
        a compact unified diff, and one verdict line (``quiet_when_same``: none when the
        answers are alike, as for a suite's passing cases). Recording a snapshot: the file
        written, and no outputs (nothing was compared)."""
        tally = self.tally
        if tally.recording is not None:
            assert self.snapshot is not None
            write_snapshot(self.snapshot.path, tally.recording, self.settings.runner)
            noise = f" (noise left out: {', '.join(tally.noise)})" if tally.noise else ""
            say(f"recorded {tally.against}{noise}: review it and commit it")
            return {}
        outputs = tally.outputs()
        if quiet_when_same and not tally.differences:
            return outputs
        for event in tally.shown:
            for line in event.diff_lines(baseline="snapshot" if tally.snapshot else "baseline"):
                say(line)
        learned = NOISE_LEARNED[tally.snapshot]
        noise = f"; noise ({learned}): {', '.join(tally.noise)}" if tally.noise else ""
        say(
            f"compared with {tally.against}: {tally.differences} differences in "
            f"{tally.compared} events, {tally.new_function_errors} new function errors{noise}"
        )
        return outputs
