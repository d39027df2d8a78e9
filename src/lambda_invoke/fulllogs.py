"""An invocation's whole log, read from CloudWatch Logs (the log tail Invoke returns is its
last 4 KB: it cuts off the stack trace people need), and an Event run followed to its end.

Lambda writes one execution environment's invocations, one after another, to one log
stream. The stream is found by the request id (its START line, or in the JSON log format
its ``platform.start`` record); the lines from START to the request's REPORT line (or
``platform.report`` record) are the invocation's log. CloudWatch Logs ingests with a
delay, so this polls, bounded by ``full-logs-timeout``, with a progress line.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lambda_invoke.awserrors import ErrorAnswer, client_error_text
from lambda_invoke.deadline import Deadline
from lambda_invoke.errors import AwsError
from lambda_invoke.outcome import Report, Say, parse_report, report_of

#: limits of one read: pages of events, events in all, and the text kept
PAGE_LIMIT = 1000
MAX_EVENTS = 50_000
MAX_LOG_BYTES = 8 * 1024 * 1024
PROGRESS_SECONDS = 10.0
#: how far before the invoke the search starts (clocks of here and AWS differ)
CLOCK_SLACK_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class FullLog:
    text: str  # the invocation's lines (JSON records as they are), one per line
    complete: bool  # its REPORT line / platform.report record was read
    group: str
    stream: str | None
    report: Report  # from the REPORT line or the platform.report record
    status: str | None  # error, timeout or success when the log says so; None: unknown
    error: str | None = None  # the log's error line (a runtime's [ERROR], the timeout)


class LogsRefused(AwsError):
    """CloudWatch Logs refused to be read (permissions): the invoke result is kept."""


def log_group(lambda_client: Any, function: str, qualifier: str | None) -> tuple[str, str]:
    """The function's log group and format (LoggingConfig); /aws/lambda/NAME, Text when
    the configuration cannot be read."""
    from botocore.exceptions import BotoCoreError, ClientError

    name = function.rsplit(":function:", 1)[-1].split(":", maxsplit=1)[0]
    request = {"FunctionName": function}
    if qualifier:
        request["Qualifier"] = qualifier
    try:
        config = lambda_client.get_function_configuration(**request).get("LoggingConfig") or {}
    except (ClientError, BotoCoreError):
        config = {}
    return config.get("LogGroup") or f"/aws/lambda/{name}", config.get("LogFormat") or "Text"


def read_full_log(
    logs_client: Any,
    *,
    group: str,
    log_format: str,
    request_id: str,
    since_ms: int,
    timeout: float,
    say: Say,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FullLog:
    """Poll until the request's REPORT arrives or ``timeout`` seconds pass: every page of
    every poll counts against the one deadline, with a progress line while it runs."""
    deadline = Deadline(timeout, what="full-logs-timeout", clock=clock)
    poll = min(2.0, max(0.2, timeout / 30))
    stream: str | None = None
    lines: list[str] = []

    def progress() -> None:
        if deadline.due_progress(PROGRESS_SECONDS):
            say(f"waiting for the log of request {request_id} in {group} ({len(lines)} lines)")

    while True:
        if stream is None:
            stream = _find_stream(
                logs_client, group, request_id=request_id, since_ms=since_ms,
                deadline=deadline, progress=progress,
            )  # fmt: skip
        if stream is not None:
            events = _stream_events(
                logs_client, group, stream=stream, since_ms=since_ms,
                deadline=deadline, progress=progress,
            )  # fmt: skip
            lines, done = _invocation_lines(events, request_id, log_format)
            if done:
                return _full_log(group, stream, lines, log_format, complete=True)
        if deadline.expired():
            return _full_log(group, stream, lines, log_format, complete=False)
        progress()
        sleep(min(poll, deadline.remaining()))


def _filter(
    logs_client: Any, deadline: Deadline, progress: Callable[[], None], **request: Any
) -> list[dict[str, Any]]:
    """The pages of FilterLogEvents, until the last one, MAX_EVENTS, or the deadline (an
    endpoint may answer empty pages with a new token for ever)."""
    from botocore.exceptions import BotoCoreError, ClientError

    events: list[dict[str, Any]] = []
    try:
        while True:
            page = logs_client.filter_log_events(limit=PAGE_LIMIT, **request)
            events += _events_of(page)
            token = page.get("nextToken")
            if not token or len(events) >= MAX_EVENTS or deadline.expired():
                return events
            progress()
            request["nextToken"] = token
    except ClientError as error:
        if ErrorAnswer.of(error).code == "ResourceNotFoundException":
            return []  # the group appears with the function's first log line
        raise _refused(error, request["logGroupName"]) from None
    except BotoCoreError as error:
        problem = " ".join(str(error).split())[:300]
        raise LogsRefused(
            f"cannot read the whole log: {problem}; the invoke result is kept"
        ) from None


def _find_stream(
    logs_client: Any,
    group: str,
    *,
    request_id: str,
    since_ms: int,
    deadline: Deadline,
    progress: Callable[[], None],
) -> str | None:
    events = _filter(
        logs_client,
        deadline,
        progress,
        logGroupName=group,
        filterPattern=f'"{request_id}"',
        startTime=since_ms - CLOCK_SLACK_MS,
    )
    names = (event.get("logStreamName") for event in events)
    return next((name for name in names if isinstance(name, str) and name), None)


def _stream_events(
    logs_client: Any,
    group: str,
    *,
    stream: str,
    since_ms: int,
    deadline: Deadline,
    progress: Callable[[], None],
) -> list[dict[str, Any]]:
    events = _filter(
        logs_client,
        deadline,
        progress,
        logGroupName=group,
        logStreamNames=[stream],
        startTime=since_ms - CLOCK_SLACK_MS,
    )
    return sorted(events, key=_order)


def _order(event: dict[str, Any]) -> tuple[int, str]:
    """Events by time, then id (the endpoint's answer: whatever is not a number is 0)."""
    stamp = event.get("timestamp")
    number = stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else 0
    return number, str(event.get("eventId", ""))


def _record(message: str) -> dict[str, Any] | None:
    if not message.startswith("{"):
        return None
    try:
        record = json.loads(message)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _invocation_lines(
    events: list[dict[str, Any]], request_id: str, log_format: str
) -> tuple[list[str], bool]:
    """The lines of this request (from its start to its report), and whether the report
    has come."""
    lines: list[str] = []
    inside = False
    size = 0
    for event in events:
        message = str(event.get("message", "")).rstrip("\n")
        record = _record(message) if log_format == "JSON" else None
        starts, ends = _marks(message, record, request_id)
        if starts:
            inside, lines, size = True, [], 0
        if inside and size < MAX_LOG_BYTES:
            lines.append(message)
            size += len(message) + 1
        if inside and ends:
            return lines, True
    return lines, False


def _marks(message: str, record: dict[str, Any] | None, request_id: str) -> tuple[bool, bool]:
    if record is not None:
        kind = record.get("type")
        inner = record.get("record")
        mine = isinstance(inner, dict) and inner.get("requestId") == request_id
        return kind == "platform.start" and mine, kind == "platform.report" and mine
    starts = message.startswith(f"START RequestId: {request_id}")
    return starts, message.startswith(f"REPORT RequestId: {request_id}")


def _full_log(
    group: str, stream: str | None, lines: list[str], log_format: str, *, complete: bool
) -> FullLog:

    text = "\n".join(lines) + ("\n" if lines else "")
    status = _status(lines) if complete else None
    report = parse_report(text)
    if log_format == "JSON":
        report = _json_report(lines) or report
    error = next((line for line in lines if _is_error_line(line)), None)
    return FullLog(text, complete, group, stream, report, status, error)


def _is_error_line(line: str) -> bool:
    return (
        line.startswith("[ERROR]")
        or "Task timed out after" in line
        or ("\tERROR\t" in line and "Invoke Error" in line)
    )


def _events_of(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = page.get("events")
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def _refused(error: Any, group: str) -> LogsRefused:
    """Why the log cannot be read (an error answer of FilterLogEvents)."""
    code = ErrorAnswer.of(error).code
    if code in ("AccessDeniedException", "AccessDenied") or "not authorized" in str(error):
        return LogsRefused(
            f"cannot read the whole log: logs:FilterLogEvents on {group} "
            f"is not allowed ({client_error_text(error)}); the invoke result is kept"
        )
    return LogsRefused(f"cannot read the whole log: {client_error_text(error)}")


def _status(lines: list[str]) -> str:
    """error, timeout or success, as the log tells: a REPORT ``Status:``, a
    ``platform.report`` status, the timeout line, a runtime's error line."""
    for status in filter(None, map(_platform_status, lines)):
        if status != "success":
            return "timeout" if status == "timeout" else "error"
    text = "\n".join(lines)
    if "Task timed out after" in text or "Status: timeout" in text:
        return "timeout"
    error_marks = ("Status: error", "\n[ERROR]", "\tERROR\tInvoke Error", "Runtime.ExitError")
    if any(mark in "\n" + text for mark in error_marks):
        return "error"
    return "success"


def _platform_status(line: str) -> str | None:
    """The status of a ``platform.report`` record (JSON log format); None for other lines."""
    record = _record(line)
    if record is None or record.get("type") != "platform.report":
        return None
    status = (record.get("record") or {}).get("status")
    return status if isinstance(status, str) else None


def _json_report(lines: list[str]) -> Report | None:
    """The figures of a ``platform.report`` record, as the REPORT line would give them."""
    for line in reversed(lines):
        record = _record(line)
        if record is None or record.get("type") != "platform.report":
            continue
        inner = record.get("record")
        metrics = inner.get("metrics") if isinstance(inner, dict) else None
        metrics = metrics if isinstance(metrics, dict) else {}
        return report_of(
            {
                field: metrics.get(name)
                for field, name in (
                    ("duration_ms", "durationMs"),
                    ("billed_duration_ms", "billedDurationMs"),
                    ("max_memory_used_mb", "maxMemoryUsedMB"),
                    ("init_duration_ms", "initDurationMs"),
                )
            }
        )
    return None
