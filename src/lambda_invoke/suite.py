"""Running a suite's cases (read and validated by suitefile.py): many invocations in one
step on a thread pool over shared botocore clients (one per endpoint, region and
timeouts), each judged as a single run is; the results keep the file's order.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from lambda_invoke.dispatch import (
    comparison_of,
    run_invocation,
)
from lambda_invoke.errors import LambdaInvokeError
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.payload_files import write_payload
from lambda_invoke.repeat import Pacer, aggregate
from lambda_invoke.result import as_number, function_error_value, run_checks
from lambda_invoke.rows import LOGS_KEPT, PackedRows, Row
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight, run_pooled
from lambda_invoke.suitefile import Case, Cases
from lambda_invoke.verdict import judge

if TYPE_CHECKING:
    from lambda_invoke.assertions import CheckResult


@dataclass(slots=True)
class CaseResult:
    case: Case
    status: str = "skipped"  # passed, failed, skipped
    result: InvokeResult | None = None
    checks: list[CheckResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resolved_name: str = ""  # the function a stack-name lookup found
    aggregates: dict[str, Any] = field(default_factory=dict)  # repeat: N
    comparison: dict[str, Any] | None = None  # compare-to, snapshot: when answers differed

    @property
    def function_name(self) -> str:
        return self.resolved_name or self.case.settings.function_name

    def to_row(self) -> Row:
        """The case's row, from which every report is rendered (report.py)."""
        return Row(
            place=self.case.index,
            name=self.case.name,
            function=self.function_name,
            status=self.status,
            assertions=tuple(check.to_dict() for check in self.checks),
            repeat=self.aggregates or None,
            problems=tuple(self.problems),
            seconds=self.seconds,
            comparison=self.comparison,
            **(_answered(self.result) if self.result else _NOT_ANSWERED),
        )


#: a row's fields from the answer, for a case that has none (not run, or its call failed)
_NOT_ANSWERED: dict[str, Any] = dict.fromkeys(
    ("status_code", "function_error", "duration_ms", "billed_duration_ms", "elapsed_ms",
     "request_id", "payload")
)  # fmt: skip


def _answered(result: InvokeResult) -> dict[str, Any]:
    """A row's fields from the answer (the outputs' values: result.check_values)."""
    report = result.report
    return {
        "status_code": result.status_code,
        "function_error": function_error_value(result),
        "duration_ms": as_number(report.duration_ms),
        "billed_duration_ms": as_number(report.billed_duration_ms),
        "elapsed_ms": result.elapsed_ms,
        "request_id": result.request_id,
        "payload": result.payload_text,
        "logs": None if result.logs is None else result.logs[-LOGS_KEPT:],
        "region": result.region,
        "log_group": result.log_group,
        "trace_id": result.trace_id,
    }


# -- loading and validation ---------------------------------------------------------


# -- running ---------------------------------------------------------------------------


class ClientPool:
    """One boto3 client per distinct connection setting, shared by the threads.

    botocore clients are thread-safe; sharing one keeps its connection pool warm.
    """

    def __init__(self, factory: Callable[[Settings], Any]) -> None:
        self.factory = factory
        self.clients: dict[tuple[Any, ...], Any] = {}
        self.lock = threading.Lock()

    def get(self, settings: Settings) -> Any:
        key = (
            settings.region,
            settings.endpoint_url,
            settings.profile,
            settings.role,
            settings.read_timeout,
            settings.connect_timeout,
        )
        with self.lock:
            if key not in self.clients:
                self.clients[key] = self.factory(settings)
            return self.clients[key]

    def prepare(self, settings: Settings) -> None:
        """The client of ``settings`` made now, before the pool's threads start: what it
        holds (botocore's models and rules, some 100,000 objects) is then left out of the
        pool's garbage collections (stopping: what exists when a pool starts is frozen), and
        the threads do not start while it is made (a 2,000-case suite: 2 % faster). What
        goes wrong is left for the case that needs the client: it meets it again."""
        if not settings.local:
            with contextlib.suppress(Exception):  # (the case says it, as its own problem)
                self.get(settings)


def execute_cases(
    cases: Cases,
    *,
    client_factory: Callable[[Settings], Any],
    max_concurrency: int,
    fail_fast: bool,
    say: Callable[[str], None],
    on_done: Callable[[CaseResult], None],
    resolve: Callable[[Settings], Settings] = lambda settings: settings,
    invoke_options: Mapping[str, Any] | None = None,
    follow: Callable[..., InvokeResult] | None = None,
    max_rate: float = 0.0,
    tick: Callable[[], None] | None = None,
) -> PackedRows:
    """Run every case on a thread pool; the rows keep the cases' order (a case not run, as
    after a stop, is a skipped row).

    ``say`` and ``on_done`` are called from worker threads, one at a time; ``tick`` from
    the waiting thread while the cases run (stopping.run_pooled). A case's
    failure (AWS error included) fails that case only. What a case's run kept (its answer,
    checks, result, settings) is let go once its row is made: a suite's memory is its rows.
    """
    options = dict(invoke_options or {})
    flight = options.setdefault("flight", InFlight())  # a stop: nothing more is sent
    rows = PackedRows(len(cases))
    pacer = Pacer(max_rate, sleep=flight.pause, say=say) if max_rate else None
    clients = ClientPool(client_factory)
    if len(cases):
        clients.prepare(cases[0].settings)
    runner = _CaseRunner(
        pool=clients,
        say=say,
        on_done=on_done,
        fail_fast=fail_fast,
        execute=partial(_execute, resolve=resolve, options=options, follow=follow, pacer=pacer),
    )

    def run(index: int) -> None:
        rows.put(index, runner.run(CaseResult(cases[index])))
        cases.let_go(index)

    workers = max(1, min(max_concurrency, len(cases)))
    run_pooled(len(cases), run, workers=workers, flight=flight, tick=tick)
    for index in cases.not_let_go():  # not run: after a stop
        rows.put(index, CaseResult(cases[index]).to_row())
    return rows


class _CaseRunner:
    """One case at a time on a pool thread: run it (unless fail-fast stopped the suite),
    judge it, and report it; its lines and reports are serialised by one lock."""

    def __init__(
        self,
        *,
        pool: ClientPool,
        say: Callable[[str], None],
        on_done: Callable[[CaseResult], None],
        fail_fast: bool,
        execute: Callable[..., None],
    ) -> None:
        self.pool, self.say, self.on_done = pool, say, on_done
        self.fail_fast, self.execute = fail_fast, execute
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self, slot: CaseResult) -> Row:
        if self.stop.is_set():
            slot.problems.append("not run: an earlier case failed (fail-fast)")
        else:
            self._run(slot)
        with self.lock:
            self.on_done(slot)
        return slot.to_row()

    def _run(self, slot: CaseResult) -> None:
        def case_say(text: str) -> None:
            with self.lock:
                self.say(f"{slot.case.name}: {text}")

        started = time.monotonic()
        try:
            self.execute(slot, self.pool, case_say)
        except LambdaInvokeError as error:
            slot.problems.append(str(error))
        except Exception as error:  # one case's surprise must not end the suite
            slot.problems.append(f"unexpected {type(error).__name__}: {error}")
        slot.seconds = time.monotonic() - started
        slot.status = "failed" if slot.problems else "passed"
        if slot.status == "failed" and self.fail_fast:
            self.stop.set()


def _execute(
    slot: CaseResult,
    pool: ClientPool,
    say: Callable[[str], None],
    resolve: Callable[[Settings], Settings],
    options: Mapping[str, Any],
    *,
    follow: Callable[..., InvokeResult] | None = None,
    pacer: Pacer | None = None,
) -> None:

    settings = resolve(slot.case.settings)  # stack-name -> the function's name
    slot.resolved_name = settings.function_name
    comparing = comparison_of(settings, None)
    result, figures = run_invocation(
        settings, pool.get, say=say, warn=say, options=options, follow=follow, pacer=pacer,
        comparing=comparing,
    )  # fmt: skip
    if figures is not None:
        slot.aggregates = aggregate(figures)
    slot.result = result
    for warning in result.report.warnings():
        say(f"warning: {warning}")
    if settings.output_file:
        write_payload(settings.output_file, result.payload, settings.runner)
    compared = {} if comparing is None else comparing.conclude(say, quiet_when_same=True)
    if comparing is not None:
        slot.comparison = comparing.tally.case_document()
    slot.checks = run_checks(settings.checks, result, {**slot.aggregates, **compared})
    verdict = judge(
        settings,
        result,
        slot.checks,
        aggregates=slot.aggregates,
        expected_error=slot.case.expect_function_error,
    )
    for warning in verdict.warnings:
        say(f"warning: {warning}")
    slot.problems += verdict.problems
    if comparing is not None and comparing.tally.differences and verdict.problems:
        # first: the summary's cell and JUnit's message show what differs, not only how many
        slot.problems.insert(0, comparing.tally.detail_line())
