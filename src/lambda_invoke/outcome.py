"""What one invocation gave back, whoever ran it (Lambda, an emulator, invoke local)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_REPORT_FIELDS = {
    "duration_ms": r"\bDuration: ([\d.]+) ms",
    "billed_duration_ms": r"Billed Duration: ([\d.]+) ms",
    "max_memory_used_mb": r"Max Memory Used: ([\d.]+) MB",
    "init_duration_ms": r"Init Duration: ([\d.]+) ms",
}

Say = Callable[[str], None]


@dataclass(frozen=True)
class Report:
    """Figures from the REPORT line of the log tail, as text (None: not present)."""

    duration_ms: str | None = None
    billed_duration_ms: str | None = None
    max_memory_used_mb: str | None = None
    init_duration_ms: str | None = None


def parse_report(logs: str) -> Report:
    """Read the last ``REPORT RequestId: ...`` line of a log tail."""
    lines = [line for line in logs.splitlines() if line.startswith("REPORT ")]
    if not lines:
        return Report()
    line = lines[-1]
    values = {}
    for name, pattern in _REPORT_FIELDS.items():
        match = re.search(pattern, line)
        values[name] = match.group(1) if match else None
    return Report(**values)


@dataclass(frozen=True)
class InvokeResult:
    """What came back. None: the endpoint did not send it (``absent`` says why)."""

    status_code: int
    function_error: str
    payload: bytes
    logs: str | None
    executed_version: str | None
    request_id: str | None
    report: Report
    attempts: int = 1
    durable_execution_arn: str = ""
    streamed: bool = False  # the payload came through InvokeWithResponseStream
    invocation_type: str = "RequestResponse"
    log_type: str = "Tail"  # the log type that was sent (None after a refused Tail)
    #: the function error was read from the payload: the endpoint sent no X-Amz-Function-Error
    error_inferred: bool = False
    error_details: str | None = None  # InvokeComplete's ErrorDetails (streams)
    #: our own measured round trip of the call that answered (ms), for every endpoint
    elapsed_ms: float | None = None
    trace_id: str | None = None  # X-Amzn-Trace-Id of the answer, when it has one
    #: full-logs / wait-for-completion: the whole log was read (None: not asked)
    logs_complete: bool | None = None
    followed: bool = False  # an Event run followed to its end in its log
    throttles: int = 0  # attempts Lambda throttled before this answer
    logs_unreadable: bool = False  # X-Amz-Log-Result came but was not base64
    #: streams: why the stream is incomplete ("" when Lambda said it was complete)
    incomplete: str = ""

    @property
    def payload_text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")
