"""One run: invoke, check, write the payload file, report, and decide the exit code."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from lambda_invoke.dispatch import (
    ClientFactory,
    comparison_of,
    run_invocation,
)
from lambda_invoke.following import follow_log
from lambda_invoke.links import console_links
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.payload_files import (
    for_host,
    spill_path,
    streamed_file,
    write_payload,
)
from lambda_invoke.repeat import (
    MEASURES,
    QUANTILES,
    SERIES,
    Figures,
    aggregate,
    latency_series,
)
from lambda_invoke.reporters import Outcome, Reporter
from lambda_invoke.result import build_document, output_strings, run_checks
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight
from lambda_invoke.verdict import judge

if TYPE_CHECKING:
    from lambda_invoke.assertions import CheckResult
    from lambda_invoke.aws import Connections

#: A payload larger than this does not go into step outputs (GitHub allows 1 MB per
#: output and the ``result`` output repeats the payload); it goes to ``payload-file``.
PAYLOAD_OUTPUT_LIMIT = 512 * 1024
#: the largest synchronous answer Lambda returns (bytes, as the emulator reports it)
MAX_RESPONSE = 6291556


def run(
    settings: Settings,
    reporter: Reporter,
    client_factory: ClientFactory,
    *,
    in_actions: bool,
    connections: Connections,
    invoke_options: dict[str, Any] | None = None,
) -> int:
    """Invoke, check, write the payload file, show everything, and decide the exit code."""
    for warning in settings.warnings:
        reporter.warn(warning)
    settings = connections.resolve(settings)
    options = {"on_chunk": reporter.chunk, **(invoke_options or {})}
    options.setdefault("flight", InFlight())
    if settings.repeat > 1:
        reporter.say(_repeat_line(settings))
    follow = partial(follow_log, client_factory=client_factory, connections=connections)
    comparing = comparison_of(settings, reporter.say)
    with _repeat_file(settings) as (figures, repeat_file):
        result, _ = run_invocation(
            settings, client_factory, say=reporter.say, warn=reporter.warn, options=options,
            follow=follow, figures=figures, comparing=comparing,
        )  # fmt: skip
    extra = {} if figures is None else _repeat_outputs(figures, repeat_file, reporter)
    if comparing is not None:
        extra.update(comparing.conclude(reporter.say))
    for warning in answer_warnings(result):
        reporter.warn(warning)
    checks = run_checks(settings.checks, result, extra)
    document, payload_file = _files_and_document(
        settings, result, checks, extra=extra, in_actions=in_actions, reporter=reporter
    )
    verdict = judge(settings, result, checks, aggregates=extra, payload_file=payload_file)
    reporter.show(_outcome(settings, result, document, checks, extra, problems=verdict.problems))
    for warning in verdict.warnings:
        reporter.warn(warning)
    for problem in verdict.problems:
        reporter.fail(problem)
    return verdict.exit_code


def _outcome(
    settings: Settings,
    result: InvokeResult,
    document: dict[str, Any],
    checks: list[CheckResult],
    extra: Mapping[str, Any],
    *,
    problems: Sequence[str],
) -> Outcome:
    """What the reporter shows of a run."""
    links = console_links(
        region=result.region,
        function=settings.function.name,
        request_id=result.request_id,
        trace_id=result.trace_id,
        log_group=result.log_group,
    )
    return Outcome(
        function_name=settings.function_name,
        result=result,
        document=document,
        outputs=output_strings(document),
        checks=checks,
        summary=settings.summary,
        series=extra.get(SERIES),
        links=links,
        problems=tuple(problems),
        aggregates=repeat_table(extra) if "invocations" in extra else "",
    )


def _files_and_document(
    settings: Settings,
    result: InvokeResult,
    checks: list[CheckResult],
    *,
    extra: Mapping[str, Any],
    in_actions: bool,
    reporter: Reporter,
) -> tuple[dict[str, Any], str | None]:
    """The payload and log files (when asked, or too large for outputs) and the outputs'
    document; paths as the next step sees them."""
    fits = not in_actions or len(result.payload) <= PAYLOAD_OUTPUT_LIMIT
    written = _write_payload(settings, result, spill=not fits or bool(result.incomplete))
    # the path the next step opens (on the runner's host, when we run in its container)
    payload_file = for_host(written, settings.runner)
    logs_file = None
    if in_actions and result.logs is not None and len(result.logs) > PAYLOAD_OUTPUT_LIMIT:
        logs_file = for_host(_write_logs(settings, result), settings.runner)
        reporter.warn(
            f"the log ({len(result.logs)} bytes) is larger than the {PAYLOAD_OUTPUT_LIMIT}-byte "
            f"output limit: outputs.logs holds its end, the whole log is in {logs_file}"
        )
    if not fits:
        reporter.warn(
            f"the payload ({len(result.payload)} bytes) is larger than the "
            f"{PAYLOAD_OUTPUT_LIMIT}-byte output limit: outputs.payload is empty and the "
            f"whole payload is in {payload_file} (outputs.payload-file)"
        )
    document = build_document(
        result,
        checks,
        payload_file=payload_file,
        payload_in_outputs=fits,
        logs_file=logs_file,
        extra=extra,
    )
    return document, payload_file


def answer_warnings(result: InvokeResult) -> list[str]:
    """What an answer says about the endpoint that the outputs alone would not."""
    warnings = result.report.warnings()
    if result.invocation_type == "Event" and result.status_code == 200:
        warnings.append(
            "the endpoint answered an Event invocation with 200: it ran the function "
            "synchronously (as the Runtime Interface Emulator does), so this is its answer"
        )
    if result.logs_unreadable:
        warnings.append(
            "the endpoint's log tail (X-Amz-Log-Result) is not base64: the logs are left out, "
            "the rest of the answer is kept"
        )
    if len(result.payload) > MAX_RESPONSE and not (result.function_error or result.streamed):
        warnings.append(
            f"the answer is {len(result.payload)} bytes, over Lambda's {MAX_RESPONSE}-byte "
            "response limit: real Lambda would fail this invocation "
            "(Function.ResponseSizeTooLarge)"
        )
    return warnings


def _repeat_line(settings: Settings) -> str:
    rate = f", at most {settings.max_rate:g} a second" if settings.max_rate else ""
    return (
        f"invoking {settings.function_name} {settings.repeat} times, "
        f"{settings.repeat_concurrency} at once{rate}"
    )


@contextmanager
def _repeat_file(settings: Settings) -> Iterator[tuple[Figures | None, str | None]]:
    """repeat: the figures, streamed to the repeat-file (opened before invoking) as each
    invocation finishes; (None, None) for a single invocation."""
    if settings.repeat < 2:
        yield None, None
        return
    path = spill_path(f"repeat-{os.getpid()}.json", settings.runner)
    with streamed_file(path, settings.runner, what="repeat-file") as handle:
        figures = Figures(settings.repeat, sink=handle)
        try:
            yield figures, for_host(path, settings.runner)
        finally:
            figures.close()


def _repeat_outputs(figures: Figures, path: str | None, reporter: Reporter) -> dict[str, Any]:
    """repeat: the aggregates, the repeat-file's path, the latency series."""
    extra = aggregate(figures)
    if figures.sink_error:
        reporter.warn(f"the repeat-file {path} is incomplete: {figures.sink_error}")
    extra["repeat-file"] = path
    extra[SERIES] = latency_series(figures)
    return extra


def repeat_table(values: Mapping[str, Any]) -> str:
    """The aggregates as a compact table (one line per measure)."""

    head = (
        f"{values['invocations']} invocations: {values['function-errors']} function errors, "
        f"{values['cold-starts']} cold starts, {values['throttles']} throttles"
    )
    rows = [f"{'':20}" + "".join(f"{name:>10}" for name, _ in QUANTILES)]
    for measure in MEASURES:
        cells = [values[f"{measure}-{name}"] for name, _ in QUANTILES]
        rows.append(
            f"{measure:20}" + "".join(f"{'-' if c is None else f'{c:g}':>10}" for c in cells)
        )
    return head + "\n" + "\n".join(rows)


def _write_logs(settings: Settings, result: InvokeResult) -> str:
    path = spill_path(f"logs-{result.request_id or os.getpid()}.txt", settings.runner)
    write_payload(path, (result.logs or "").encode("utf-8"), settings.runner)
    return path


def _write_payload(settings: Settings, result: InvokeResult, *, spill: bool) -> str | None:
    """Write the payload to output-file, or to a spill file when it is too large for outputs."""
    path = settings.output_file
    if path is None and spill:
        path = spill_path(f"payload-{result.request_id or os.getpid()}.json", settings.runner)
    if path is None:
        return None
    write_payload(path, result.payload, settings.runner)
    return path
