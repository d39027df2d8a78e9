"""The boto3 call: request shape, results, AWS errors, and the no-second-Invoke rule."""

from __future__ import annotations

import json
import re

import pytest
from support import (
    REPORT_LOGS,
    Answer,
    ScriptedLambda,
    Stubbed,
    function_answer,
    invoke_response,
)

from lambda_invoke.invoke import Report, backoff, build_request, parse_report
from lambda_invoke.settings import load_settings


def test_parse_report_line() -> None:
    assert parse_report(REPORT_LOGS) == Report("2.24", "3", "39", "113.49")


def test_parse_report_without_init_or_report() -> None:
    warm = "REPORT RequestId: x Duration: 10.5 ms Billed Duration: 11 ms Max Memory Used: 70 MB"
    assert parse_report(warm) == Report("10.5", "11", "70", None)
    assert parse_report("no report here\n") == Report()


def test_build_request() -> None:
    settings = load_settings(
        {
            "function-name": "fn",
            "qualifier": "live",
            "payload": "{}",
            "client-context": "e30=",
        },
        environ={},
    )
    assert build_request(settings) == {
        "FunctionName": "fn",
        "InvocationType": "RequestResponse",
        "LogType": "Tail",
        "Payload": b"{}",
        "Qualifier": "live",
        "ClientContext": "e30=",
    }
    event = load_settings({"function-name": "fn", "invocation-type": "event"}, environ={})
    assert build_request(event) == {"FunctionName": "fn", "InvocationType": "Event"}


def test_backoff_is_capped_and_jittered() -> None:
    delays = [backoff(attempt) for attempt in range(1, 12)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(delay <= 20 for delay in delays)
    assert max(delays) >= 10


def test_success_with_logs_decoded(stubbed: Stubbed) -> None:
    stubbed.stubber.add_response(
        "invoke",
        invoke_response(b'{"answer": 42}', logs=REPORT_LOGS, version="7"),
        {"FunctionName": "fn", "InvocationType": "RequestResponse", "LogType": "Tail"},
    )
    run = stubbed.run(["-f", "fn", "--json"])
    assert run.code == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["logs"] == REPORT_LOGS
    assert document["executed-version"] == "7"
    assert document["duration-ms"] == 2.24
    assert document["billed-duration-ms"] == 3
    assert document["max-memory-used-mb"] == 39
    assert document["init-duration-ms"] == 113.49
    assert document["request-id"] == "req-1234"
    assert "hello from the function" in run.stderr
    stubbed.stubber.assert_no_pending_responses()


@pytest.mark.parametrize("kind", ["Unhandled", "Handled"])
def test_function_error_exits_1_and_is_in_outputs(stubbed: Stubbed, kind: str) -> None:
    error = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}
    stubbed.stubber.add_response(
        "invoke", invoke_response(json.dumps(error).encode(), function_error=kind)
    )
    run = stubbed.run(["-f", "fn", "--json"])
    assert run.code == 1
    assert json.loads(run.stdout)["function-error"] == kind
    assert f"error: function error ({kind}): ValueError: boom" in run.stderr


def test_function_error_not_failing_when_asked(stubbed: Stubbed) -> None:
    stubbed.stubber.add_response(
        "invoke", invoke_response(b'{"errorMessage": "boom"}', function_error="Unhandled")
    )
    run = stubbed.run(["-f", "fn", "--fail-on-function-error", "false"])
    assert run.code == 0
    assert "warning: function error (Unhandled): boom (fail-on-function-error is false)" in (
        run.stderr
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ResourceNotFoundException", 404, "function fn not found: Function not found: fn"),
        ("AccessDeniedException", 403, "access denied (AccessDeniedException) invoking fn"),
        ("UnrecognizedClientException", 403, "access denied (UnrecognizedClientException)"),
        ("InvalidRequestContentException", 400, "InvalidRequestContentException: "),
        ("ServiceException", 500, "Not retried: the function may have run"),
    ],
)
def test_aws_errors_exit_3_with_one_line(
    stubbed: Stubbed, code: str, status: int, expected: str
) -> None:
    stubbed.stubber.add_client_error(
        "invoke",
        service_error_code=code,
        service_message="Function not found: fn",
        http_status_code=status,
    )
    run = stubbed.run(["-f", "fn"])
    assert run.code == 3
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert expected in lines[0]
    stubbed.stubber.assert_no_pending_responses()  # exactly one Invoke: no retry


def test_throttling_is_retried_then_succeeds(stubbed: Stubbed) -> None:
    for _ in range(2):
        stubbed.stubber.add_client_error(
            "invoke", service_error_code="TooManyRequestsException", http_status_code=429
        )
    stubbed.stubber.add_response("invoke", invoke_response())
    run = stubbed.run(["-f", "fn"])
    assert run.code == 0, run.stderr
    assert run.stderr.count("throttled (TooManyRequestsException); attempt") == 2
    stubbed.stubber.assert_no_pending_responses()


def test_throttling_past_max_attempts_exits_3(stubbed: Stubbed) -> None:
    for _ in range(3):
        stubbed.stubber.add_client_error(
            "invoke", service_error_code="TooManyRequestsException", http_status_code=429
        )
    run = stubbed.run(["-f", "fn", "--max-attempts", "3"])
    assert run.code == 3
    assert "throttled by Lambda (TooManyRequestsException) on all 3 attempts" in run.stderr
    stubbed.stubber.assert_no_pending_responses()


def test_function_being_updated_waits_then_invokes_once(stubbed: Stubbed) -> None:
    stubbed.stubber.add_client_error(
        "invoke", service_error_code="ResourceConflictException", http_status_code=409
    )
    stubbed.stubber.add_response(
        "get_function_configuration",
        {"State": "Active", "LastUpdateStatus": "InProgress"},
        {"FunctionName": "fn"},
    )
    stubbed.stubber.add_response(
        "get_function_configuration", {"State": "Active", "LastUpdateStatus": "Successful"}
    )
    stubbed.stubber.add_response("invoke", invoke_response())
    run = stubbed.run(["-f", "fn"])
    assert run.code == 0, run.stderr
    assert "is being updated (ResourceConflictException)" in run.stderr
    stubbed.stubber.assert_no_pending_responses()


def test_function_update_failed_exits_3(stubbed: Stubbed) -> None:
    stubbed.stubber.add_client_error(
        "invoke", service_error_code="ResourceNotReadyException", http_status_code=502
    )
    stubbed.stubber.add_response(
        "get_function_configuration",
        {"State": "Failed", "StateReason": "image\nmissing"},
    )
    run = stubbed.run(["-f", "fn"])
    assert run.code == 3
    assert run.stderr.strip().endswith("fn is in a failed state: image missing")


# -- over real HTTP on 127.0.0.1 ---------------------------------------------------


def http_run(endpoint: str, *argv: str) -> tuple[int, str, str]:
    import io

    from lambda_invoke.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(
        {"AWS_REGION": "us-east-1"},
        ["-f", "fn", "--endpoint-url", endpoint, *argv],
        stdout=out,
        stderr=err,
        invoke_options={"sleep": lambda _s: None},
    )
    return code, out.getvalue(), err.getvalue()


def test_function_error_and_logs_from_lambda_headers() -> None:
    answer = function_answer(
        {"errorMessage": "boom", "errorType": "Error"}, error="Unhandled", logs=REPORT_LOGS
    )
    with ScriptedLambda(answer) as endpoint:
        code, out, _ = http_run(endpoint.url, "--json")
    assert code == 1
    document = json.loads(out)
    assert document["function-error"] == "Unhandled"
    assert document["logs"] == REPORT_LOGS
    assert document["duration-ms"] == 2.24
    assert endpoint.invocations == 1


def test_progress_line_while_waiting() -> None:
    import io

    from lambda_invoke.cli import main

    with ScriptedLambda(Answer(delay=0.5)) as endpoint:
        err = io.StringIO()
        code = main(
            {"AWS_REGION": "us-east-1"},
            ["-f", "fn", "--endpoint-url", endpoint.url],
            stdout=io.StringIO(),
            stderr=err,
            invoke_options={"progress_interval": 0.1},
        )
    assert code == 0
    assert "still waiting for fn to answer" in err.getvalue()


def test_every_invoke_error_botocore_says_to_wait_for_is_waited_for() -> None:
    """Drift check against the installed botocore's Lambda model: an Invoke error whose
    documentation says to wait (and try again) means nothing ran yet."""
    import botocore.session

    from lambda_invoke.invoke import NOT_READY

    model = botocore.session.get_session().get_service_model("lambda")
    errors = {
        shape.name: shape.documentation or ""
        for shape in model.operation_model("Invoke").error_shapes
    }
    says_wait = {
        name for name, doc in errors.items() if re.search(r"\bwait\b|try again", doc, re.I)
    }
    assert says_wait <= NOT_READY, says_wait - NOT_READY
    assert set(NOT_READY) <= set(errors), set(NOT_READY) - set(errors)
