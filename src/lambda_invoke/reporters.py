"""How a run is shown: in GitHub Actions (annotations, outputs, summary) or at a terminal."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from lambda_invoke.assertions import CheckResult
from lambda_invoke.github import GitHubActions, summary_markdown
from lambda_invoke.invoke import InvokeResult

#: how much of a payload is echoed into the Actions log (all of it is in the outputs/file)
LOG_PAYLOAD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    """What a finished invocation shows: the result, its outputs and the checks."""

    function_name: str
    result: InvokeResult
    document: Mapping[str, Any]
    outputs: Mapping[str, str]
    checks: Sequence[CheckResult]
    summary: bool


class Reporter(Protocol):
    def say(self, text: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def fail(self, message: str) -> None: ...

    def show(self, outcome: Outcome) -> None: ...


def pretty_payload(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def status_line(function_name: str, result: InvokeResult) -> str:
    parts = [f"status {result.status_code}"]
    if result.executed_version:
        parts.append(f"version {result.executed_version}")
    if result.function_error:
        parts.append(f"function error {result.function_error}")
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

    def show(self, outcome: Outcome) -> None:
        result, checks = outcome.result, outcome.checks
        self.github.line(status_line(outcome.function_name, result))
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
        self.github.set_outputs(outcome.outputs)
        if outcome.summary:
            self.github.append_summary(
                summary_markdown(outcome.function_name, outcome.document, checks)
            )


class ConsoleReporter:
    """Payload (or ``--json`` document) on stdout; status, logs and checks on stderr."""

    def __init__(self, stdout: TextIO, stderr: TextIO, print_json: bool = False) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.print_json = print_json

    def _err(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def say(self, text: str) -> None:
        self._err(f"lambda-invoke: {text}")

    def warn(self, message: str) -> None:
        self._err(f"lambda-invoke: warning: {message}")

    def fail(self, message: str) -> None:
        self._err(f"lambda-invoke: error: {message}")

    def show(self, outcome: Outcome) -> None:
        result = outcome.result
        self.say(status_line(outcome.function_name, result))
        if result.logs:
            self._err("----- logs -----")
            self.stderr.write(result.logs if result.logs.endswith("\n") else result.logs + "\n")
            self._err("----------------")
        for check in outcome.checks:
            self._err(f"{'PASS' if check.passed else 'FAIL'} {check.describe()}")
        if self.print_json:
            self.stdout.write(
                json.dumps(outcome.document, indent=2, ensure_ascii=False, default=str) + "\n"
            )
        elif result.payload:
            text = pretty_payload(result.payload_text)
            self.stdout.write(text if text.endswith("\n") else text + "\n")
        self.stdout.flush()
