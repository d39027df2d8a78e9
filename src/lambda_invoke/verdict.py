"""When an invocation fails: one pure function from what came back (the result, the checks,
the repeat aggregates, the function error a suite case expects) to the failure lines, the
warnings and the exit code. A single run and a suite's case are judged alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from lambda_invoke.errors import EXIT_AWS, EXIT_FAILED, EXIT_OK
from lambda_invoke.result import function_error_line

if TYPE_CHECKING:
    from lambda_invoke.assertions import CheckResult
    from lambda_invoke.outcome import InvokeResult
    from lambda_invoke.settings import Settings


class Verdict(NamedTuple):
    """What a run comes to: its failure lines, its warnings and its exit code."""

    problems: tuple[str, ...]  # each one failure line; none: a pass
    warnings: tuple[str, ...]
    exit_code: int  # 0 passed, 1 failed, 3 the outcome is unknown (it may have run)


def judge(
    settings: Settings,
    result: InvokeResult,
    checks: Sequence[CheckResult],
    *,
    aggregates: Mapping[str, Any],
    expected_error: bool | str = False,
    payload_file: str | None = None,
) -> Verdict:
    """The verdict on one invocation (``repeat``: on all of them; a suite case: with the
    function error it expects). An outcome that is not known (an Event run not seen to
    end, a stream cut short) is exit 3 and nothing else is judged."""
    unknown = _unknown(settings, result, checks, payload_file)
    if unknown:
        return Verdict((unknown,), (), EXIT_AWS)
    problems: list[str] = []
    warnings: list[str] = []
    if expected_error is False:
        errors = aggregates.get("function-errors") or 0
        lines = []
        if errors and not result.function_error:  # the first answered well, a later one not
            lines.append(
                f"{errors} of {aggregates['invocations']} invocations returned a function error"
            )
        if result.function_error:
            lines.append(function_error_line(result))
        if settings.fail_on_function_error:
            problems += lines
        else:
            warnings += [f"{line} (fail-on-function-error is false)" for line in lines]
    elif expected_error is True and not result.function_error:
        problems.append("a function error was expected; the function succeeded")
    elif isinstance(expected_error, str) and result.function_error != expected_error:
        got = result.function_error or "none"
        problems.append(f"function error '{expected_error}' was expected; got {got}")
    failed = [check for check in checks if not check.passed]
    problems += [
        f"assertion failed ({len(failed)} of {len(checks)}): {check.describe()}" for check in failed
    ]
    return Verdict(tuple(problems), tuple(warnings), EXIT_FAILED if problems else EXIT_OK)


def _unknown(
    settings: Settings,
    result: InvokeResult,
    checks: Sequence[CheckResult],
    payload_file: str | None,
) -> str:
    """Why the outcome is not known, or ""."""
    if settings.wait_for_completion and not result.followed:
        return (
            f"the Event run of {settings.function_name} was not seen to end in its log within "
            f"full-logs-timeout {settings.full_logs_timeout:g} s: its outcome is unknown"
        )
    if result.incomplete:
        where = f" What arrived is in {payload_file} (outputs.payload-file)" if payload_file else ""
        return (
            f"{result.incomplete}: the function may have run. Not retried: a second Invoke "
            f"could run it twice.{where}" + ("; no assertion was checked" if checks else "")
        )
    return ""
