"""How an invocation runs: where (here for invoke local, or through Lambda), how often
(repeat), and followed in its log when asked. A single run (app) and a suite's cases (suite)
run through here alike.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lambda_invoke.errors import LambdaInvokeError
from lambda_invoke.invoke import invoke
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.repeat import Figures, Pacer, run_repeat
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight, run_pooled

if TYPE_CHECKING:
    from lambda_invoke.comparison import Tally

ClientFactory = Callable[[Settings], Any]
#: following.follow_log with its clients given: (settings, result, *, since_ms, say, warn,
#: sleep, flight) -> the result as its log tells it
Follow = Callable[..., InvokeResult]


def call_function(
    settings: Settings,
    client_factory: ClientFactory,
    *,
    say: Callable[[str], None],
    options: Mapping[str, Any],
) -> InvokeResult:
    """Run the handler here (invoke local) or invoke it through Lambda, as settings say."""
    if settings.local:
        from lambda_invoke.local import invoke_local  # (start-up: only invoke local needs it)

        return invoke_local(settings, say)
    return invoke(settings, client_factory(settings), say=say, **options)


def run_invocation(
    settings: Settings,
    client_factory: ClientFactory,
    *,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    options: Mapping[str, Any],
    follow: Follow | None = None,
    pacer: Pacer | None = None,
    figures: Figures | None = None,
    tally: Tally | None = None,
) -> tuple[InvokeResult, Figures | None]:
    """An invocation as a step or a suite case asks for it: ``repeat`` times on one client
    (the first result, and every invocation's figures in ``figures``, made here when not
    given) or once (figures None); then followed in its log (full-logs,
    wait-for-completion) when asked. ``pacer``: a budget of invocations a second shared
    with others (a suite's max-rate), every Invoke waits its turn. ``tally``: compare-to,
    each invocation's event also sent twice to the baseline and compared there."""
    since_ms = int(time.time() * 1000)
    client = None if settings.local else client_factory(settings)  # one client for all
    baseline = baseline_settings(settings) if tally is not None else None
    events = itertools.count(1)
    quiet = {**options, "on_chunk": None}  # (a streamed baseline answer is not printed)

    def invoke_once(target: Settings) -> InvokeResult:
        if pacer is not None:
            pacer.wait_turn()
        own = options if target is settings else quiet
        return call_function(target, lambda _: client, say=say, options=own)

    def call() -> InvokeResult:
        if baseline is None or tally is None:
            return invoke_once(settings)
        flight = options["flight"]
        return compared_call(
            settings, baseline, invoke_once, tally, number=next(events), flight=flight
        )

    if settings.repeat > 1:
        figures = figures or Figures(settings.repeat)
        result = run_repeat(
            settings.repeat,
            settings.repeat_concurrency,
            settings.max_rate,
            call,
            flight=options["flight"],
            figures=figures,
            say=say,
        )
    else:
        result, figures = call(), None
    if follow is not None and (settings.full_logs or settings.wait_for_completion):
        result = follow(
            settings, result, since_ms=since_ms, say=say, warn=warn,
            sleep=options.get("sleep"), flight=options["flight"],
        )  # fmt: skip
    return result, figures


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


def compared_call(
    candidate: Settings,
    baseline: Settings,
    invoke_once: Callable[[Settings], InvokeResult],
    tally: Tally,
    *,
    number: int,
    flight: InFlight,
) -> InvokeResult:
    """One event to the candidate and twice to the baseline, the three at the same time
    (the machine's noise falls on both sides alike, and a comparison takes about the time
    of one call), compared into ``tally``; the candidate's result. A baseline call that
    fails is the event's problem, not the run's error; each call keeps the no-duplicate
    rules of any Invoke, and a stop ends the wait for all three (the pool's discipline)."""
    answers: list[InvokeResult | str] = ["", "", ""]

    def call(index: int) -> None:
        if index == 0:
            answers[0] = invoke_once(candidate)
            return
        try:
            answers[index] = invoke_once(baseline)
        except LambdaInvokeError as error:
            answers[index] = f"the baseline {describe(baseline)}: {error}"

    run_pooled(3, call, workers=3, flight=flight)
    result = answers[0]
    assert isinstance(result, InvokeResult)
    label = f"invocation {number}" if candidate.repeat > 1 else "the event"
    tally.record(label, result, answers[1:], candidate.compare_ignore)
    return result


def describe(settings: Settings) -> str:
    """A function and qualifier as a reader names them: orders-api:live."""
    name = settings.function_name
    return f"{name}:{settings.qualifier}" if settings.qualifier else name


def comparison_tally(settings: Settings, say: Callable[[str], None] | None) -> Tally | None:
    """compare-to: the tally its comparisons go into (None: no comparison), said first
    (``say`` None: a suite case's, whose line says it)."""
    if settings.compare_to is None:
        return None
    from lambda_invoke.comparison import Tally  # (start-up: only a comparison needs it)

    if say is not None:
        baseline = describe(baseline_settings(settings))
        say(f"comparing with {baseline}: each event sent to it twice")
    return Tally()


def comparison_outputs(
    settings: Settings, tally: Tally, say: Callable[[str], None], *, quiet_when_same: bool = False
) -> dict[str, Any]:
    """compare-to: its outputs (what the gates check), each differing event shown as a
    compact unified diff, and one verdict line (``quiet_when_same``: none when the answers
    are alike, as for a suite's passing cases)."""
    against = describe(baseline_settings(settings))
    outputs = tally.outputs(against)
    if quiet_when_same and not tally.differences:
        return outputs
    for event in tally.shown:
        for line in event.diff_lines():
            say(line)
    noise = (
        f"; noise (the baseline's own answers differ): {', '.join(tally.noise)}"
        if tally.noise
        else ""
    )
    say(
        f"compared with {against}: {tally.differences} differences in {tally.compared} "
        f"events, {tally.new_function_errors} new function errors{noise}"
    )
    return outputs
