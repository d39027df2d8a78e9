"""How a run is shown: in GitHub Actions (annotations, outputs, summary) or at a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

from lambda_invoke.heldlines import HeldLines
from lambda_invoke.loading import parse_json
from lambda_invoke.redaction import Secrets

if TYPE_CHECKING:  # imported where used: a terminal run needs neither GitHub nor checks
    from lambda_invoke.assertions import CheckResult
    from lambda_invoke.github import GitHubActions
    from lambda_invoke.outcome import InvokeResult
    from lambda_invoke.redaction import Secrets
    from lambda_invoke.rows import Row
    from lambda_invoke.suite import CaseResult

#: how much of a payload is echoed into the Actions log (all of it is in the outputs/file)
LOG_PAYLOAD_LIMIT = 64 * 1024


class Outcome(NamedTuple):
    """What a finished invocation shows: the result, its outputs and the checks."""

    function_name: str
    result: InvokeResult
    document: Mapping[str, Any]
    outputs: Mapping[str, str]
    checks: Sequence[CheckResult]
    summary: bool
    links: Mapping[str, str] = MappingProxyType({})  # console: logs, trace
    series: Mapping[str, Any] | None = None  # repeat: round trips by invocation (a chart)
    problems: Sequence[str] = ()  # why the run fails (verdict.judge); () when it passes
    aggregates: str = ""  # repeat: the aggregates' table, shown last


class SuiteOutcome(NamedTuple):
    """What a finished suite shows: its failed cases in the file's order, outputs, summary."""

    failed: Iterable[Row]
    outputs: Mapping[str, str]
    summary: str | None  # Markdown, when the summary is wanted
    line: str  # the final "N passed, M failed" line


class Reporter(Protocol):
    def say(self, text: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def fail(self, message: str) -> None: ...

    def show(self, outcome: Outcome) -> None: ...

    def mask(self, secret: str) -> None: ...

    def chunk(self, data: bytes) -> None: ...

    def case_done(self, slot: CaseResult, done: int, total: int) -> None: ...

    def show_suite(self, outcome: SuiteOutcome) -> None: ...

    def finish(self) -> None: ...

    def release(self) -> None:
        """Write the suite's case lines held so far (heldlines: they are written in
        batches); the pool's waiting thread calls it as it polls."""


def pretty_payload(text: str) -> str:
    """JSON indented for a terminal; anything else (not JSON, or nested past the JSON
    limits: unbounded, it ended the run in a RecursionError) as it came."""
    try:
        return json.dumps(parse_json(text), indent=2, ensure_ascii=False)
    except ValueError:  # (Refused too)
        return text


def status_line(function_name: str, result: InvokeResult) -> str:
    parts = [f"status {result.status_code}"]
    if result.executed_version:
        parts.append(f"version {result.executed_version}")
    if result.function_error:
        inferred = " (read from the payload)" if result.error_inferred else ""
        parts.append(f"function error {result.function_error}{inferred}")
    report = result.report
    if report.duration_ms is not None:
        parts.append(f"duration {report.duration_ms} ms (billed {report.billed_duration_ms} ms)")
    if report.max_memory_used_mb is not None:
        parts.append(f"max memory {report.max_memory_used_mb} MB")
    if report.init_duration_ms is not None:
        parts.append(f"init {report.init_duration_ms} ms")
    if result.request_id:
        parts.append(f"request id {result.request_id}")
    return f"invoked {function_name}: " + ", ".join(parts)


def case_line(slot: CaseResult, done: int, total: int, marks: Mapping[str, str]) -> str:
    """One line for a finished case: mark, progress, name, function, and what happened."""
    case = slot.case
    head = f"{marks[slot.status]} [{done}/{total}] {case.name} ({slot.function_name})"
    if slot.problems:  # problems may quote the payload: keep them on this one line
        return f"{head}: {' '.join('; '.join(slot.problems).split())}"
    result = slot.result
    if result is None:
        return head
    parts = [f"status {result.status_code}"]
    if result.function_error:
        parts.append(f"function error {result.function_error} (expected)")
    if result.report.duration_ms is not None:
        parts.append(f"{result.report.duration_ms} ms")
    if slot.checks:
        parts.append(f"{len(slot.checks)}/{len(slot.checks)} assertions")
    return f"{head}: {', '.join(parts)}"


ACTIONS_MARKS = {"passed": "✓", "failed": "✗", "skipped": "-"}
CONSOLE_MARKS = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}


class ActionsReporter:
    def __init__(self, github: GitHubActions, print_json: bool = False) -> None:
        self.github = github
        self.print_json = print_json

    def say(self, text: str) -> None:
        self.github.line(text)

    def warn(self, message: str) -> None:
        self.github.warning(message)

    def fail(self, message: str) -> None:
        self.github.error(message)

    def mask(self, secret: str) -> None:
        """Ask the runner to hide this value from every later log line (and redact it)."""
        self.github.add_mask(secret)

    def finish(self) -> None:
        """The run is over: say how many annotations GitHub would not have shown."""
        self.github.finish()

    def chunk(self, data: bytes) -> None:
        """Streamed payload pieces: the whole payload is shown (safely) when complete."""

    def show(self, outcome: Outcome) -> None:
        result, checks = outcome.result, outcome.checks
        self.github.line(status_line(outcome.function_name, result))
        for name, url in outcome.links.items():
            self.github.line(f"{name} in the console: {url}")
        if result.logs:
            self.github.untrusted_group("Logs", result.logs)
        if result.payload:
            shown = result.payload_text
            if len(shown) > LOG_PAYLOAD_LIMIT:
                shown = shown[:LOG_PAYLOAD_LIMIT] + "\n... (cut here in the log only)"
            self.github.untrusted_group("Payload", pretty_payload(shown))
        if self.print_json:
            self.github.untrusted_group(
                "Result", json.dumps(outcome.document, indent=2, default=str)
            )
        for check in checks:
            mark = "✓" if check.passed else "✗"
            self.github.line(f"{mark} {check.describe()}")
        for line in outcome.aggregates.splitlines():  # a repeat ends with its aggregates
            self.github.line(line)
        self.github.set_outputs(outcome.outputs)
        if outcome.summary:
            from lambda_invoke.report import invocation_markdown  # (start-up: summary only)

            self.github.append_summary(
                invocation_markdown(
                    outcome.function_name,
                    outcome.document,
                    checks,
                    links=outcome.links,
                    series=outcome.series,
                    problems=outcome.problems,
                )
            )

    def case_done(self, slot: CaseResult, done: int, total: int) -> None:
        self.github.line(case_line(slot, done, total, ACTIONS_MARKS), held=True)

    def release(self) -> None:
        self.github.release()

    def show_suite(self, outcome: SuiteOutcome) -> None:
        for row in outcome.failed:
            self.github.error("; ".join(row.problems), title=f"smoke case: {row.name}")
            if row.logs:
                self.github.untrusted_group(f"Logs of {row.name}", row.logs)
        if self.print_json:
            self.github.untrusted_group("Results", outcome.outputs["results"])
        self.github.set_outputs(outcome.outputs)
        if outcome.summary:
            self.github.append_summary(outcome.summary)
        self.github.finish()  # the count of annotations not shown, before the final line
        self.github.line(outcome.line)


class ConsoleReporter:
    """Payload (or ``--json`` document) on stdout; status, logs and checks on stderr."""

    def __init__(
        self,
        stdout: TextIO,
        stderr: TextIO,
        print_json: bool = False,
        secrets: Secrets | None = None,
    ) -> None:

        self.stdout = stdout
        self.stderr = stderr
        self.print_json = print_json
        self.streamed_newline = True
        self.secrets = secrets or Secrets()
        self.case_lines = HeldLines(stderr)

    def _err(self, text: str) -> None:
        self.case_lines.release()
        self.stderr.write(self.secrets.redact(text) + "\n")
        self.stderr.flush()

    def say(self, text: str) -> None:
        self._err(f"lambda-invoke: {text}")

    def warn(self, message: str) -> None:
        self._err(f"lambda-invoke: warning: {message}")

    def fail(self, message: str) -> None:
        self._err(f"lambda-invoke: error: {message}")

    def mask(self, secret: str) -> None:
        """At a terminal: redacted from every line on standard error."""
        self.secrets.add(secret)

    def finish(self) -> None:
        """The run is over: the case lines still held are written."""
        self.release()

    def release(self) -> None:
        self.case_lines.release()

    def chunk(self, data: bytes) -> None:
        """A streamed payload piece, on stdout as it arrives (with --json, only the
        document goes to stdout)."""
        if self.print_json:
            self.streamed_newline = True
            return
        self.streamed_newline = data.endswith(b"\n")
        self.stdout.write(data.decode("utf-8", errors="replace"))
        self.stdout.flush()

    def show(self, outcome: Outcome) -> None:
        """The status line, links, log, checks, the payload on stdout; a repeat shows its
        first invocation without its log (--json has it) and ends with the aggregates."""
        result = outcome.result
        first = "first invocation: " if outcome.aggregates else ""
        self.say(first + status_line(outcome.function_name, result))
        for name, url in outcome.links.items():
            self.say(f"{name} in the console: {url}")
        if result.logs and not outcome.aggregates:
            self._err("----- logs -----")
            self._err(result.logs.removesuffix("\n"))
            self._err("----------------")
        for check in outcome.checks:
            self._err(f"{'PASS' if check.passed else 'FAIL'} {check.describe()}")
        self._print_payload(outcome)
        for line in outcome.aggregates.splitlines():
            self.say(line)

    def _print_payload(self, outcome: Outcome) -> None:
        """stdout: the result document with --json, else the payload (streamed: ended)."""
        result = outcome.result
        if self.print_json:
            self.stdout.write(
                json.dumps(outcome.document, indent=2, ensure_ascii=False, default=str) + "\n"
            )
        elif result.streamed:  # the chunks are on stdout already
            if result.payload and not self.streamed_newline:
                self.stdout.write("\n")
        elif result.payload:
            text = pretty_payload(result.payload_text)
            self.stdout.write(text if text.endswith("\n") else text + "\n")
        self.stdout.flush()

    def case_done(self, slot: CaseResult, done: int, total: int) -> None:
        self.case_lines.hold(
            self.secrets.redact(case_line(slot, done, total, CONSOLE_MARKS)) + "\n"
        )

    def show_suite(self, outcome: SuiteOutcome) -> None:
        """Failed cases again in the file's order, then the final line on stdout."""
        self.case_lines.release()
        for row in outcome.failed:
            self.fail(f"case {row.name}: {'; '.join(row.problems)}")
        if self.print_json:
            self.stdout.write(pretty_payload(outcome.outputs["results"]) + "\n")
            self._err(outcome.line)
        else:
            self.stdout.write(outcome.line + "\n")
        self.stdout.flush()
