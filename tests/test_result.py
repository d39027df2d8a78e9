"""The result document: typed outputs, why a missing one is missing, the output strings and
the function error line (issue 20: what mutation testing found unchecked)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from lambda_invoke.outcome import InvokeResult, Report, parse_report
from lambda_invoke.result import absent, check_values, function_error_line, output_strings

REPORT = (
    "REPORT RequestId: r\tDuration: 2.00 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\t"
    "Max Memory Used: 40.5 MB\tInit Duration: 100.25 ms\t\n"
)
BASE = InvokeResult(
    status_code=200, function_error="", payload=b'{"ok": true}', logs=REPORT,
    executed_version="1", request_id="r", report=parse_report(REPORT),
)  # fmt: skip


def test_timings_are_numbers_whole_when_they_can_be() -> None:
    values = check_values(BASE)
    assert values["duration-ms"] == 2 and isinstance(values["duration-ms"], int)
    assert values["billed-duration-ms"] == 3 and isinstance(values["billed-duration-ms"], int)
    assert values["max-memory-used-mb"] == 40.5
    assert values["init-duration-ms"] == 100.25
    assert values["function-error"] == "" and values["payload"] == '{"ok": true}'
    assert values["durable-execution-arn"] is None and values["stream-complete"] is None


@pytest.mark.parametrize(
    ("changes", "name", "reason"),
    [
        ({"logs": None, "log_type": "None"}, "logs", "no log tail came back: log-type is None"),
        ({"logs": None}, "logs",
         "no log tail came back: the endpoint sent no X-Amz-Log-Result"),
        ({"logs": None, "logs_unreadable": True}, "logs",
         "the endpoint's log tail (X-Amz-Log-Result) was not base64"),
        ({"logs": None, "invocation_type": "DryRun", "status_code": 204}, "logs",
         "DryRun invocations return no logs"),
        ({"logs": None, "invocation_type": "Event", "status_code": 202}, "payload",
         "Event invocations return no payload"),
        ({"logs": None, "invocation_type": "Event", "status_code": 202}, "function-error",
         "Event invocations return no function error (the function runs after Lambda answers)"),
        ({"logs": None, "log_type": "None"}, "duration-ms",
         "no REPORT line: no log tail came back: log-type is None"),
        ({"logs": "START\nEND\n", "report": Report()}, "duration-ms",
         "the log tail has no REPORT line"),
        ({"report": Report()}, "init-duration-ms",
         "the REPORT line has no Init Duration (not a cold start)"),
        ({"request_id": None}, "request-id", "the endpoint sent no request id"),
        ({"executed_version": None}, "executed-version",
         "the endpoint sent no X-Amz-Executed-Version"),
        ({}, "durable-execution-arn", "no durable execution ARN came back"),
        ({}, "stream-complete", "only a response stream (invoke-mode stream) has an end"),
        ({}, "error-details", "error details come with a streamed function error only"),
        ({"streamed": True}, "error-details", "Lambda sent no error details (InvokeComplete)"),
    ],
)  # fmt: skip
def test_a_missing_output_says_why(changes: dict[str, object], name: str, reason: str) -> None:
    assert absent(replace(BASE, **changes))[name] == reason  # type: ignore[arg-type]


def test_what_came_back_has_no_reason_but_the_timings_read_from_the_log() -> None:
    """The timings' reasons are always there: they are used only when a value is None."""
    reasons = absent(replace(BASE, streamed=True, error_details="x", durable_execution_arn="a"))
    assert set(reasons) == {
        "duration-ms", "billed-duration-ms", "max-memory-used-mb", "init-duration-ms"
    }  # fmt: skip


def test_an_event_followed_to_its_end_has_its_function_error() -> None:
    event = replace(BASE, invocation_type="Event", status_code=202, function_error="")
    assert check_values(event)["function-error"] is None  # not known: it runs later
    followed = replace(event, followed=True, function_error="Unhandled")
    assert check_values(followed)["function-error"] == "Unhandled"
    emulator = replace(event, status_code=200)  # RIE ran it: this is its answer
    assert check_values(emulator)["function-error"] == ""
    assert "payload" not in absent(emulator)


def test_stream_complete_is_true_false_or_not_a_stream() -> None:
    assert check_values(replace(BASE, streamed=True))["stream-complete"] is True
    cut = replace(BASE, streamed=True, incomplete="ended early")
    assert check_values(cut)["stream-complete"] is False


def test_output_strings_are_text_and_result_is_the_whole_document() -> None:
    document = {"payload": "é", "status-code": 200, "logs": None, "assertions": [{"a": 1}],
                "logs-complete": False}  # fmt: skip
    outputs = output_strings(document)
    assert outputs["payload"] == "é" and outputs["status-code"] == "200"
    assert outputs["logs"] == "" and outputs["assertions"] == '[{"a": 1}]'
    assert outputs["logs-complete"] == "false"
    assert json.loads(outputs["result"]) == document and "é" in outputs["result"]


def test_structured_outputs_keep_their_text_and_show_what_json_cannot_hold() -> None:
    from decimal import Decimal

    outputs = output_strings({"assertions": [{"expected": "né"}], "repeat": Decimal("1.5")})
    assert outputs["assertions"] == '[{"expected": "né"}]'  # not \u00e9: as the payload came
    assert outputs["repeat"] == '"1.5"'


@pytest.mark.parametrize(
    ("payload", "details", "line"),
    [
        (b'{"errorType": "ValueError", "errorMessage": "bad\\n  input"}', None,
         "function error (Unhandled): ValueError: bad input"),
        (b'{"errorMessage": "only a message"}', None, "function error (Unhandled): only a message"),
        (b'{"errorType": "OnlyType"}', None, "function error (Unhandled): OnlyType"),
        (b"plain text", None, "function error (Unhandled): plain text"),
        (b"", None, "function error (Unhandled)"),
        (b"[1, 2]", None, "function error (Unhandled): [1, 2]"),
        (b"partial", '{"errorType": "E", "errorMessage": "streamed"}',
         "function error (Unhandled): E: streamed"),
    ],
)  # fmt: skip
def test_the_function_error_line(payload: bytes, details: str | None, line: str) -> None:
    result = replace(BASE, function_error="Unhandled", payload=payload, error_details=details)
    assert function_error_line(result) == line


def test_a_long_function_error_is_cut_and_an_inferred_one_says_so() -> None:
    long = replace(BASE, function_error="Unhandled", payload=b"x" * 400)
    assert function_error_line(long) == f"function error (Unhandled): {'x' * 297}..."
    exact = replace(BASE, function_error="Unhandled", payload=b"y" * 300)
    assert function_error_line(exact).endswith("y" * 300)
    one_over = replace(BASE, function_error="Unhandled", payload=b"z" * 301)
    assert function_error_line(one_over).endswith("z" * 297 + "...")
    inferred = replace(BASE, function_error="Unhandled", payload=b"", error_inferred=True)
    assert function_error_line(inferred) == (
        "function error (Unhandled) (read from the payload, a Lambda error document: the "
        "endpoint sent no X-Amz-Function-Error)"
    )


def test_checks_on_an_incomplete_answer_are_not_checked_and_say_why() -> None:
    from lambda_invoke.assertions import parse_checks
    from lambda_invoke.result import run_checks

    checks = parse_checks("$.ok: true\nstatus-code: 200")
    cut = replace(BASE, streamed=True, incomplete="the stream ended early")
    results = run_checks(checks, cut)
    assert [(r.passed, r.reason, r.actual) for r in results] == [
        (False, "not checked: the stream ended early", None)
    ] * 2
    assert [r.passed for r in run_checks(checks, BASE)] == [True, True]


def test_a_repeat_figure_without_repeat_says_it_needs_repeat() -> None:
    from lambda_invoke.assertions import parse_checks
    from lambda_invoke.result import run_checks

    [result] = run_checks(parse_checks("duration-ms-p95: {lt: 100}"), BASE)
    assert (result.passed, result.reason) == (
        False, "repeat figures come with repeat: N (more than 1)",
    )  # fmt: skip
    [counted] = run_checks(parse_checks("duration-ms-p95: {lt: 100}"), BASE,
                           {"duration-ms-p95": 50.0})  # fmt: skip
    assert counted.passed


@pytest.mark.parametrize(
    ("line", "duration", "malformed"),
    [
        ("Duration: 1.2.3 ms\tBilled Duration: 2 ms", None, ("duration-ms",)),
        (f"Duration: {'9' * 400} ms\tBilled Duration: 2 ms", None, ("duration-ms",)),
        ("Duration: NaN ms\tBilled Duration: 2 ms", None, ("duration-ms",)),
        ("Duration: -5 ms\tBilled Duration: 2 ms", None, ("duration-ms",)),
        ("Duration: 1e400 ms\tBilled Duration: 2 ms", None, ("duration-ms",)),
        ("Duration: 12.50 ms\tBilled Duration: 13 ms", "12.50", ()),
    ],
    ids=["two points", "400 digits", "NaN", "negative", "exponent", "as Lambda writes it"],
)
def test_report_figures_are_parsed_strictly(
    line: str, duration: str | None, malformed: tuple[str, ...]
) -> None:
    """A REPORT figure from an endpoint that is not a number Lambda writes is left out and
    named in a warning; outputs and the result document stay valid JSON."""
    import json

    from lambda_invoke.outcome import InvokeResult, parse_report
    from lambda_invoke.result import build_document, output_strings

    report = parse_report(f"REPORT RequestId: r\t{line}\n")
    assert (report.duration_ms, report.billed_duration_ms, report.malformed) == (
        duration,
        "2" if malformed else "13",
        malformed,
    )
    assert bool(report.warnings()) == bool(malformed)
    result = InvokeResult(200, "", b"{}", f"REPORT RequestId: r\t{line}\n", "1", "r", report)
    document = build_document(
        result, [], payload_file=None, payload_in_outputs=True, logs_file=None, extra={}
    )
    json.loads(output_strings(document)["result"], parse_constant=pytest.fail)
