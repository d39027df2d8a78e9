"""The result document: every output of the action, typed, under its output name."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lambda_invoke.outputs import COMPARISON_OUTPUTS, OUTPUT_NAMES

if TYPE_CHECKING:
    from lambda_invoke.assertions import Check, CheckResult
    from lambda_invoke.outcome import InvokeResult


def as_number(text: str | None) -> float | int | None:
    """A REPORT line's figure as the outputs give it: an integer when it is one."""
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def check_values(result: InvokeResult) -> dict[str, Any]:
    """Typed output values that assertions may name (None: not returned; see ``absent``)."""
    report = result.report
    return {
        "payload": result.payload_text,
        "status-code": result.status_code,
        "function-error": function_error_value(result),
        "logs": result.logs,
        "executed-version": result.executed_version,
        "request-id": result.request_id,
        "duration-ms": as_number(report.duration_ms),
        "billed-duration-ms": as_number(report.billed_duration_ms),
        "max-memory-used-mb": as_number(report.max_memory_used_mb),
        "init-duration-ms": as_number(report.init_duration_ms),
        "elapsed-ms": result.elapsed_ms,
        "logs-complete": result.logs_complete,
        "durable-execution-arn": result.durable_execution_arn or None,
        "error-details": result.error_details,
        "stream-complete": (not result.incomplete) if result.streamed else None,
    }


def function_error_value(result: InvokeResult) -> str | None:
    """The function-error output: "" when the function answered without one, None when it
    has not answered (an accepted Event run)."""
    return (result.function_error or None) if ran_later(result) else result.function_error


def ran_later(result: InvokeResult) -> bool:
    """An Event invocation that Lambda accepted (202): the function runs after the answer.
    (The Runtime Interface Emulator runs an Event synchronously and answers 200.)"""
    return result.invocation_type == "Event" and result.status_code != 200 and not result.followed


#: how much of a log that went to logs-file the logs output keeps (its end)
LOGS_KEPT = 64 * 1024
_TIMINGS = ("duration-ms", "billed-duration-ms", "max-memory-used-mb", "init-duration-ms")


def absent(result: InvokeResult) -> dict[str, str]:
    """Why each output that did not come back is missing, for the line of a failed check."""
    kind = result.invocation_type
    reasons: dict[str, str] = {}
    if kind == "DryRun" or ran_later(result):
        logs_reason = f"{kind} invocations return no logs"
        if kind == "Event":
            reasons["function-error"] = (
                "Event invocations return no function error (the function runs after "
                "Lambda answers)"
            )
            reasons["payload"] = "Event invocations return no payload"
    elif result.logs_unreadable:
        logs_reason = "the endpoint's log tail (X-Amz-Log-Result) was not base64"
    elif result.log_type != "Tail":
        logs_reason = "no log tail came back: log-type is None"
    else:
        logs_reason = "no log tail came back: the endpoint sent no X-Amz-Log-Result"
    if result.logs is None:
        reasons["logs"] = logs_reason
    for name in _TIMINGS:
        if name == "init-duration-ms" and result.logs is not None:
            reasons[name] = "the REPORT line has no Init Duration (not a cold start)"
        elif result.logs is not None:
            reasons[name] = "the log tail has no REPORT line"
        else:
            reasons[name] = f"no REPORT line: {logs_reason}"
    if result.request_id is None:
        reasons["request-id"] = "the endpoint sent no request id"
    if result.executed_version is None:
        reasons["executed-version"] = "the endpoint sent no X-Amz-Executed-Version"
    if not result.durable_execution_arn:
        reasons["durable-execution-arn"] = "no durable execution ARN came back"
    if not result.streamed:
        reasons["stream-complete"] = "only a response stream (invoke-mode stream) has an end"
        reasons["error-details"] = "error details come with a streamed function error only"
    elif result.error_details is None:
        reasons["error-details"] = "Lambda sent no error details (InvokeComplete)"
    return reasons


def _measure_of(name: str) -> str:
    """duration-ms-p95 -> duration-ms (a repeat aggregate's measure)."""
    return name.rsplit("-", 1)[0]


def _no_ratio(name: str, comparison: Mapping[str, Any], reasons: Mapping[str, str]) -> str:
    """Why a comparison's p95 ratio is missing: a snapshot has no latency, or a side gave
    no figures (why, as the candidate's own output says it)."""
    if comparison.get("snapshot") is True:
        return "a snapshot records no latency (compare-to compares it)"
    measure = name.removesuffix("-p95-ratio")
    sides = (comparison.get("latency") or {}).get(measure) or {}
    missing = [side for side in ("candidate", "baseline") if not (sides.get(side) or {}).get("n")]
    why = reasons.get(measure)
    return f"no {measure} from the {' or the '.join(missing) or 'baseline'}" + (
        f": {why}" if why else ""
    )


def run_checks(
    checks: tuple[Check, ...], result: InvokeResult, extra: Mapping[str, Any] | None = None
) -> list[CheckResult]:
    """Evaluate the checks on a result (``extra``: the repeat aggregates). An incomplete
    result passes none of them."""
    if not checks:
        return []
    from lambda_invoke.assertions import CheckResult, evaluate  # (start-up: JSONPath, YAML)

    if result.incomplete:
        reason = f"not checked: {result.incomplete}"
        return [CheckResult(check, None, False, reason) for check in checks]
    values = {**check_values(result), **(extra or {})}
    reasons = absent(result)
    for name, value in (extra or {}).items():
        measure = _measure_of(name)
        if value is None and measure in reasons:  # no invocation of the repeat had it
            reasons[name] = f"no invocation of the repeat gave {measure}: {reasons[measure]}"
    comparison = (extra or {}).get("comparison")
    for name in COMPARISON_OUTPUTS:
        if not isinstance(comparison, Mapping):
            reasons.setdefault(name, "comparison figures come with compare-to or snapshot")
        elif name.endswith("-p95-ratio") and values.get(name) is None:
            reasons[name] = _no_ratio(name, comparison, reasons)
    for name in OUTPUT_NAMES:
        reasons.setdefault(name, "repeat figures come with repeat: N (more than 1)")
    return evaluate(checks, result.payload_text, values, reasons)


def build_document(
    result: InvokeResult,
    checks: Sequence[CheckResult],
    *,
    payload_file: str | None,
    payload_in_outputs: bool,
    logs_file: str | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """All outputs but ``result``, typed. The payload is None when it went only to a file."""
    document = check_values(result)
    document["payload"] = result.payload_text if payload_in_outputs else None
    document["payload-file"] = payload_file
    document["logs-file"] = logs_file
    if logs_file is not None and result.logs is not None:  # the outputs keep the log's end
        document["logs"] = result.logs[-LOGS_KEPT:]
    document["assertions"] = [check.to_dict() for check in checks]
    document.update(extra)
    return {name: document.get(name) for name in OUTPUT_NAMES if name != "result"}


def output_strings(document: dict[str, Any]) -> dict[str, str]:
    """The step outputs: text for each output name, ``result`` as one JSON document."""
    outputs = {}
    for name, value in document.items():
        if value is None:
            outputs[name] = ""
        elif isinstance(value, str):
            outputs[name] = value
        else:
            outputs[name] = json.dumps(value, ensure_ascii=False, default=str)
    outputs["result"] = json.dumps(document, ensure_ascii=False, default=str)
    return outputs


def function_error_line(result: InvokeResult) -> str:
    """One line describing a function error, from the error payload Lambda returns."""
    detail = ""
    text = result.error_details or result.payload_text  # a stream's error is in its details
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        kind = body.get("errorType")
        message = body.get("errorMessage")
        detail = ": ".join(str(part) for part in (kind, message) if part)
    elif text:
        detail = text
    detail = " ".join(detail.split())
    if len(detail) > 300:
        detail = detail[:297] + "..."
    line = f"function error ({result.function_error})"
    if result.error_inferred:
        line += (
            " (read from the payload, a Lambda error document: the endpoint sent no "
            "X-Amz-Function-Error)"
        )
    return f"{line}: {detail}" if detail else line
