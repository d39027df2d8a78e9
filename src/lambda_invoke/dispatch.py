"""How an invocation runs: where (here for invoke local, or through Lambda), how often
(repeat), and followed in its log when asked. A single run (app) and a suite's cases (suite)
run through here alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lambda_invoke.invoke import invoke
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.repeat import Figures, Pacer, run_repeat
from lambda_invoke.settings import Settings

if TYPE_CHECKING:
    from lambda_invoke.baselines import Comparing

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
    comparing: Comparing | None = None,
) -> tuple[InvokeResult, Figures | None]:
    """An invocation as a step or a suite case asks for it: ``repeat`` times on one client
    (the first result, and every invocation's figures in ``figures``, made here when not
    given) or once (figures None); then followed in its log (full-logs,
    wait-for-completion) when asked. ``pacer``: a budget of invocations a second shared
    with others (a suite's max-rate), every Invoke waits its turn. ``comparing``:
    compare-to or snapshot, each invocation's answer compared (baselines)."""
    since_ms = int(time.time() * 1000)
    client = None if settings.local else client_factory(settings)  # one client for all

    def invoke_once(target: Settings) -> InvokeResult:
        if pacer is not None:
            pacer.wait_turn()
        # (a streamed baseline answer is not printed)
        own = options if target is settings else {**options, "on_chunk": None}
        return call_function(target, lambda _: client, say=say, options=own)

    def call() -> InvokeResult:
        if comparing is None:
            return invoke_once(settings)
        return comparing.call(invoke_once, flight=options["flight"])

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


def comparison_of(settings: Settings, say: Callable[[str], None] | None) -> Comparing | None:
    """compare-to or snapshot: the run's comparison (None: none), said first (``say``
    None: a suite case's, whose line says it)."""
    if settings.compare_to is None and settings.snapshot is None:
        return None
    from lambda_invoke.baselines import Comparing  # (start-up: only a comparison needs it)

    comparing = Comparing(settings)
    if say is not None:
        say(comparing.opening_line())
    return comparing
