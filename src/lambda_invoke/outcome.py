"""What one invocation gave back, whoever ran it (Lambda, an emulator, invoke local)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

_REPORT_FIELDS = {
    "duration_ms": r"(?<!Billed )(?<!Init )\bDuration: (\S{1,4096}) ms",
    "billed_duration_ms": r"Billed Duration: (\S{1,4096}) ms",
    "max_memory_used_mb": r"Max Memory Used: (\S{1,4096}) MB",
    "init_duration_ms": r"Init Duration: (\S{1,4096}) ms",
}
#: a REPORT figure as Lambda writes it: a decimal number of at most 12 digits before the
#: point (a year is 3.2e10 ms); anything else from an endpoint is left out with a warning
_FIGURE = re.compile(r"\d{1,12}(?:\.\d{1,6})?")
#: the names of the figures, as the outputs call them
FIGURE_OUTPUTS = {
    "duration_ms": "duration-ms",
    "billed_duration_ms": "billed-duration-ms",
    "max_memory_used_mb": "max-memory-used-mb",
    "init_duration_ms": "init-duration-ms",
}

Say = Callable[[str], None]


class Report(NamedTuple):
    """Figures from the REPORT line of the log tail, as text (None: not present)."""

    duration_ms: str | None = None
    billed_duration_ms: str | None = None
    max_memory_used_mb: str | None = None
    init_duration_ms: str | None = None
    #: figures that were there but not numbers Lambda writes (output names): left out
    malformed: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        if not self.malformed:
            return []
        return [
            f"the REPORT line's {', '.join(self.malformed)} is not a number Lambda writes "
            "(a decimal of at most 12 digits): left out"
        ]


def report_of(figures: dict[str, object]) -> Report:
    """A Report from raw figures (the REPORT line's texts, a platform.report record's
    values): each checked to be a number as Lambda writes them; else left out and named."""
    values: dict[str, str | None] = {}
    malformed = []
    for name, output in FIGURE_OUTPUTS.items():
        raw = figures.get(name)
        text = None if raw is None or isinstance(raw, bool) else str(raw)
        if text is not None and not _FIGURE.fullmatch(text):
            malformed.append(output)
            text = None
        values[name] = text
    return Report(**values, malformed=tuple(malformed))


def parse_report(logs: str) -> Report:
    """Read the last ``REPORT RequestId: ...`` line of a log tail."""
    lines = [line for line in logs.splitlines() if line.startswith("REPORT ")]
    if not lines:
        return Report()
    line = lines[-1]
    figures: dict[str, object] = {}
    for name, pattern in _REPORT_FIELDS.items():
        match = re.search(pattern, line)
        figures[name] = match.group(1) if match else None
    return report_of(figures)


@dataclass(frozen=True, slots=True)
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
    #: the region of AWS's endpoint that answered; None for any other endpoint (a local
    #: one, an emulator) or invoke local: no console to link to
    region: str | None = None
    log_group: str | None = None  # full-logs: the group the log was read from

    @property
    def payload_text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")
