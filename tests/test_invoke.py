"""The boto3 call: request shape, results, AWS errors, and the no-second-Invoke rule."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support import (
    REPORT_LOGS,
    Answer,
    ScriptedLambda,
    Stubbed,
    function_answer,
    invoke_response,
)

from lambda_invoke.invoke import backoff, build_request
from lambda_invoke.outcome import Report, parse_report
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

    from lambda_invoke.readiness import NOT_READY

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


# -- what mutation testing found untested (issue 20) ----------------------------------


class FakeClock:
    """A clock that moves only when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def invoke_directly(stubbed: Stubbed, clock: FakeClock, *argv: str) -> Any:
    """invoke.invoke in this process, with the fake clock; the settings from inputs."""
    from lambda_invoke.commandline import build_parser, collect_inputs
    from lambda_invoke.invoke import invoke

    args = build_parser().parse_args(["-f", "fn", *argv])
    settings = load_settings(collect_inputs({}, args), environ={"AWS_REGION": "us-east-1"})
    said: list[str] = []
    result = invoke(
        settings, stubbed.client, say=said.append, sleep=clock.sleep, clock=clock,
        progress_interval=0,
    )  # fmt: skip
    return result, said


def not_ready(stubbed: Stubbed, code: str = "ResourceConflictException") -> None:
    stubbed.stubber.add_client_error("invoke", service_error_code=code, http_status_code=409)


def configuration(stubbed: Stubbed, expected: dict[str, str] | None = None, **fields: str) -> None:
    stubbed.stubber.add_response("get_function_configuration", fields, expected)


def test_a_failed_update_is_reported_with_its_reason_and_nothing_is_invoked(
    stubbed: Stubbed,
) -> None:
    not_ready(stubbed)
    configuration(
        stubbed,
        State="Active",
        LastUpdateStatus="Failed",
        LastUpdateStatusReason="the new image\ncannot be pulled",
    )
    run = stubbed.run(["-f", "fn"])
    assert run.code == 3
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .endswith("fn is in a failed state: the new image cannot be pulled")
    )
    stubbed.stubber.assert_no_pending_responses()  # one Invoke, one read: no second Invoke


def test_every_configuration_read_names_the_qualifier_being_invoked(stubbed: Stubbed) -> None:
    not_ready(stubbed)
    expected = {"FunctionName": "fn", "Qualifier": "live"}
    configuration(stubbed, expected, State="Pending", LastUpdateStatus="InProgress")
    configuration(stubbed, expected, State="Active", LastUpdateStatus="Successful")
    stubbed.stubber.add_response(
        "invoke", invoke_response(), {"FunctionName": "fn", "Qualifier": "live",
                                      "InvocationType": "RequestResponse", "LogType": "Tail"}
    )  # fmt: skip
    run = stubbed.run(["-f", "fn", "--qualifier", "live"])
    assert run.code == 0, run.stderr
    stubbed.stubber.assert_no_pending_responses()


def test_waiting_polls_every_interval_until_wait_timeout(stubbed: Stubbed) -> None:
    """wait-timeout 10: about 20 polls (poll = wait-timeout / 20, at least 0.2 s, at most
    5 s), the first one after a sleep; then one line naming the code and the timeout."""
    from lambda_invoke.errors import AwsError

    not_ready(stubbed)
    for _ in range(20):
        configuration(stubbed, State="Active", LastUpdateStatus="InProgress")
    clock = FakeClock()
    with pytest.raises(AwsError) as raised:
        invoke_directly(stubbed, clock, "--wait-timeout", "10")
    assert clock.slept == [0.5] * 20
    assert str(raised.value) == (
        "fn was still not ready (ResourceConflictException) after wait-timeout 10 s; "
        "the function did not run"
    )
    stubbed.stubber.assert_no_pending_responses()


@pytest.mark.parametrize(("timeout", "poll"), [("1", 0.2), ("300", 5.0)])
def test_the_poll_interval_is_bounded_both_ways(
    stubbed: Stubbed, timeout: str, poll: float
) -> None:
    not_ready(stubbed)
    configuration(stubbed, State="Active", LastUpdateStatus="Successful")
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    invoke_directly(stubbed, clock, "--wait-timeout", timeout)
    assert clock.slept == [poll]


def test_the_last_poll_sleeps_only_until_the_deadline(stubbed: Stubbed) -> None:
    """Each configuration read takes 0.125 s here: wait-timeout 5 with 0.25 s polls ends
    with a shorter sleep up to the deadline, then one line (binary-exact figures)."""
    not_ready(stubbed)
    for _ in range(14):
        configuration(stubbed, State="Active", LastUpdateStatus="InProgress")
    clock = FakeClock()

    def slow_read(**_: object) -> None:
        clock.now += 0.125

    stubbed.client.meta.events.register(
        "before-parameter-build.lambda.GetFunctionConfiguration", slow_read
    )
    with pytest.raises(Exception, match=r"after wait-timeout 5 s"):
        invoke_directly(stubbed, clock, "--wait-timeout", "5")
    assert clock.slept == [0.25] * 13 + [0.125]
    stubbed.stubber.assert_no_pending_responses()


def test_wait_timeout_0_gives_up_at_once_without_reading_the_configuration(
    stubbed: Stubbed,
) -> None:
    not_ready(stubbed)
    run = stubbed.run(["-f", "fn", "--wait-timeout", "0"])
    assert run.code == 3
    assert "still not ready (ResourceConflictException) after wait-timeout 0 s" in run.stderr
    stubbed.stubber.assert_no_pending_responses()  # no GetFunctionConfiguration


def test_without_permission_to_read_the_configuration_it_waits_one_poll(stubbed: Stubbed) -> None:
    not_ready(stubbed)
    stubbed.stubber.add_client_error(
        "get_function_configuration", service_error_code="AccessDeniedException",
        http_status_code=403,
    )  # fmt: skip
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    _, said = invoke_directly(stubbed, clock, "--wait-timeout", "10")
    assert clock.slept == [0.5]
    assert said == ["fn is being updated (ResourceConflictException); waiting before invoking"]


def test_a_long_wait_says_so_every_progress_interval(stubbed: Stubbed) -> None:
    not_ready(stubbed)
    for _ in range(13):  # 5 s polls: 65 s of "InProgress", then ready
        configuration(stubbed, State="Pending", LastUpdateStatus="InProgress")
    configuration(stubbed, State="Active", LastUpdateStatus="Successful")
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    _, said = invoke_directly(stubbed, clock, "--wait-timeout", "300")
    progress = [line for line in said if line.startswith("still waiting")]
    assert progress == ["still waiting for fn (Pending, update InProgress)"] * 2  # at 30, 60 s


THROTTLE_CODES = ["TooManyRequestsException", "ThrottlingException", "Throttling",
                  "EC2ThrottledException"]  # fmt: skip
WAIT_CODES = {
    "ResourceConflictException": "is being updated",
    "ResourceNotReadyException": "is inactive (its VPC connection is being re-established)",
    "CodeArtifactUserPendingException": "is being initialised (its code is being provisioned)",
    "CodeArtifactUserDeletedException": "is being initialised (its code is being provisioned)",
    "SnapStartNotReadyException": "is being initialised (SnapStart)",
    "SnapStartRegenerationFailureException": "is regenerating its SnapStart snapshot",
    "ENINotReadyException": "is not ready (its VPC network interface is being created)",
}


@pytest.mark.parametrize("code", THROTTLE_CODES)
def test_every_throttling_code_is_sent_again_with_growing_backoff(
    stubbed: Stubbed, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("random.uniform", lambda low, high: high)  # the jitter's top
    for _ in range(3):
        stubbed.stubber.add_client_error("invoke", service_error_code=code, http_status_code=429)
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    result, said = invoke_directly(stubbed, clock, "--max-attempts", "4")
    assert clock.slept == [0.5, 1.0, 2.0]
    assert said == [
        f"throttled ({code}); attempt 2 in 0.5 s",
        f"throttled ({code}); attempt 3 in 1.0 s",
        f"throttled ({code}); attempt 4 in 2.0 s",
    ]
    assert result.throttles == 3 and result.attempts == 4


@pytest.mark.parametrize(("code", "says"), WAIT_CODES.items())
def test_every_not_ready_code_is_waited_for_then_invoked_once(
    stubbed: Stubbed, code: str, says: str
) -> None:
    not_ready(stubbed, code)
    configuration(stubbed, State="Active", LastUpdateStatus="Successful")
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    result, said = invoke_directly(stubbed, clock, "--wait-timeout", "10")
    assert said == [f"fn {says} ({code}); waiting before invoking"]
    assert result.throttles == 0
    stubbed.stubber.assert_no_pending_responses()


def test_max_attempts_1_sends_one_invoke(stubbed: Stubbed) -> None:
    stubbed.stubber.add_client_error(
        "invoke", service_error_code="TooManyRequestsException", http_status_code=429
    )
    run = stubbed.run(["-f", "fn", "--max-attempts", "1"])
    assert run.code == 3
    assert "on all 1 attempts (max-attempts 1); the function did not run" in run.stderr
    stubbed.stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("SomethingNew", 403, "access denied (SomethingNew) invoking fn: no"),
        ("KMSAccessDeniedException", 502, "access denied (KMSAccessDeniedException) invoking fn"),
        ("ExpiredTokenException", 400, "access denied (ExpiredTokenException) invoking fn"),
        ("NotImplemented", 400, "the endpoint does not implement this request (NotImplemented, "
         "HTTP 400): no. It refused before running anything: the function did not run"),
        ("Oops", 501, "(Oops, HTTP 501)"),
        ("ServiceException", 500, "Lambda answered ServiceException (HTTP 500) after receiving "
         "the request: no. Not retried: the function may have run"),
        ("InvalidParameterValueException", 400, "InvalidParameterValueException: no"),
    ],
)  # fmt: skip
def test_each_kind_of_aws_error_gets_its_own_line(
    stubbed: Stubbed, code: str, status: int, expected: str
) -> None:
    stubbed.stubber.add_client_error(
        "invoke", service_error_code=code, service_message="no", http_status_code=status
    )
    run = stubbed.run(["-f", "fn"])
    assert run.code == 3
    line = run.stderr.strip().splitlines()[-1]
    assert expected in line, line
    stubbed.stubber.assert_no_pending_responses()


class FakeClient:
    """A Lambda client whose every call answers or raises from a script, in this process
    (the stream and network paths the Stubber cannot shape)."""

    def __init__(self, *outcomes: object, endpoint_url: str | None = "http://127.0.0.1:1") -> None:
        self.outcomes = list(outcomes)
        self.requests: list[dict[str, object]] = []
        if endpoint_url is not None:
            self.meta = type("Meta", (), {"endpoint_url": endpoint_url, "events": None})()

    def _next(self, **request: object) -> object:
        self.requests.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    invoke = invoke_with_response_stream = _next


def fake_invoke(client: FakeClient, *argv: str) -> tuple[Any, list[str], list[bytes]]:
    from lambda_invoke.commandline import build_parser, collect_inputs
    from lambda_invoke.invoke import invoke

    args = build_parser().parse_args(["-f", "fn", *argv])
    settings = load_settings(collect_inputs({}, args), environ={"AWS_REGION": "us-east-1"})
    said: list[str] = []
    chunks: list[bytes] = []
    result = invoke(
        settings, client, say=said.append, sleep=lambda _: None, progress_interval=0,
        on_chunk=chunks.append,
    )  # fmt: skip
    return result, said, chunks


def stream(*events: dict[str, object], broken: Exception | None = None) -> dict[str, object]:
    def events_then_break() -> Any:
        yield from events
        if broken is not None:
            raise broken

    return {"StatusCode": 200, "ExecutedVersion": "1", "EventStream": events_then_break(),
            "ResponseMetadata": {"RequestId": "r-1"}}  # fmt: skip


def test_a_stream_in_process_chunks_logs_and_completion() -> None:
    import base64

    logs = base64.b64encode(REPORT_LOGS.encode()).decode()
    client = FakeClient(
        stream(
            {"PayloadChunk": {"Payload": b'{"a": '}},
            {"PayloadChunk": {"Payload": b""}},
            {"PayloadChunk": {"Payload": b"1}"}},
            {"InvokeComplete": {"LogResult": logs}},
        )
    )
    result, _, chunks = fake_invoke(client, "--invoke-mode", "stream")
    assert chunks == [b'{"a": ', b"1}"]  # an empty chunk is not passed on
    assert result.payload == b'{"a": 1}' and result.streamed and not result.incomplete
    assert result.logs == REPORT_LOGS and result.report.duration_ms == "2.24"
    assert result.request_id == "r-1" and result.error_details is None
    assert client.requests[0]["FunctionName"] == "fn"


def test_a_stream_that_ends_in_an_error_shows_its_details() -> None:
    client = FakeClient(
        stream({"InvokeComplete": {"ErrorCode": "Unhandled", "ErrorDetails": "boom"}})
    )
    result, _, _ = fake_invoke(client, "--invoke-mode", "stream")
    assert (result.function_error, result.payload, result.error_details) == (
        "Unhandled",
        b"boom",
        "boom",
    )
    partial = FakeClient(
        stream(
            {"PayloadChunk": {"Payload": b"partial"}},
            {"InvokeComplete": {"ErrorCode": "Unhandled", "ErrorDetails": "late"}},
        )
    )
    result, _, _ = fake_invoke(partial, "--invoke-mode", "stream")
    assert result.payload == b"partial" and result.error_details == "late"


def test_a_stream_cut_short_is_incomplete_and_says_how() -> None:
    from botocore.exceptions import ResponseStreamingError

    ended = FakeClient(stream({"PayloadChunk": {"Payload": b"abc"}}))
    result, _, _ = fake_invoke(ended, "--invoke-mode", "stream")
    assert result.incomplete == (
        "the response stream ended before Lambda said it was complete (no InvokeComplete "
        "event; 3 bytes arrived)"
    )
    broken = FakeClient(
        stream({"PayloadChunk": {"Payload": b"ab"}}, broken=ResponseStreamingError(error="reset"))
    )
    result, _, _ = fake_invoke(broken, "--invoke-mode", "stream")
    assert result.incomplete.endswith(
        "2 bytes arrived) (the connection broke: "
        "An error occurred while reading from response stream: reset)"
    )


def test_a_stream_that_breaks_before_its_first_event_is_not_sent_again() -> None:
    from botocore.exceptions import ResponseStreamingError

    from lambda_invoke.errors import AwsError

    client = FakeClient(ResponseStreamingError(error="reset by peer"))
    with pytest.raises(AwsError) as raised:
        fake_invoke(client, "--invoke-mode", "stream")
    assert str(raised.value) == (
        "the response stream broke after the function started (An error occurred while "
        "reading from response stream: reset by peer). Not retried: a second Invoke could "
        "run it twice"
    )
    assert len(client.requests) == 1


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:1", None])
def test_a_failure_to_connect_is_retried_and_names_the_endpoint(endpoint: str | None) -> None:
    from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError

    from lambda_invoke.errors import AwsError

    client = FakeClient(
        EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
        ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
        endpoint_url=endpoint,
    )
    shown = endpoint or "the Lambda endpoint"
    with pytest.raises(AwsError) as raised:
        fake_invoke(client, "--max-attempts", "2")
    assert str(raised.value) == (
        f"cannot connect to {shown} after 2 attempts: Connect timeout on endpoint URL: "
        '"http://127.0.0.1:1"'
    )
    assert len(client.requests) == 2


@pytest.mark.parametrize(
    ("cause", "says"),
    [
        ("got more than 65536 bytes when reading header line",
         "the endpoint answered with a header line over 65536 bytes (the HTTP client's limit)"),
        ("got more than 100 headers",
         "the endpoint answered with more than 100 headers (the HTTP client's limit)"),
        ("Connection reset by peer", "the connection closed after the request was sent"),
        ("the headers were cut off", "the connection closed after the request was sent"),
        ("got more than we wanted", "the connection closed after the request was sent"),
    ],
)  # fmt: skip
def test_a_closed_connection_says_why_and_is_not_sent_again(cause: str, says: str) -> None:
    from botocore.exceptions import ConnectionClosedError

    from lambda_invoke.errors import AwsError

    error = ConnectionClosedError(endpoint_url="http://127.0.0.1:1", error=cause)
    client = FakeClient(error)
    with pytest.raises(AwsError) as raised:
        fake_invoke(client)
    assert str(raised.value) == (
        f"{says}; the function may have run. Not retried: a second Invoke could run it twice"
    )
    assert len(client.requests) == 1


def test_a_read_timeout_names_the_timeout_and_is_not_sent_again() -> None:
    from botocore.exceptions import ReadTimeoutError

    from lambda_invoke.errors import AwsError

    client = FakeClient(ReadTimeoutError(endpoint_url="http://127.0.0.1:1"))
    with pytest.raises(AwsError) as raised:
        fake_invoke(client, "--read-timeout", "2.5")
    assert str(raised.value) == (
        "no answer from Lambda within read-timeout 2.5 s; the function may still be running. "
        "Not retried: a second Invoke could run it twice"
    )


@pytest.mark.parametrize(
    ("error", "says"),
    [
        ("NoCredentialsError", "no AWS credentials found: set AWS_ACCESS_KEY_ID and "
         "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or use aws-actions/configure-aws-credentials "
         "before this step"),
        ("NoRegionError", "no AWS region: set the region input, AWS_REGION, or use a function ARN"),
        ("ProfileNotFound", "AWS profile 'None' not found"),
        ("ParamValidationError", "Parameter validation failed: bad"),
    ],
)  # fmt: skip
def test_botocores_own_errors_get_one_line(error: str, says: str) -> None:
    import botocore.exceptions

    from lambda_invoke.errors import AwsError

    kind = getattr(botocore.exceptions, error)
    client = FakeClient(kind(profile="p", report="bad"))
    with pytest.raises(AwsError) as raised:
        fake_invoke(client)
    assert str(raised.value) == says
    assert len(client.requests) == 1


@pytest.mark.parametrize(
    ("body", "found"),
    [
        (b'{"errorType": "ValueError", "errorMessage": "bad"}', ("ValueError", "bad")),
        (b'  {"errorType": "E", "errorMessage": ""}  ', ("E", "")),
        (b'"Task timed out after 3.00 seconds"', ("Sandbox.Timedout",
                                                  "Task timed out after 3.00 seconds")),
        (b"Task timed out after 15 seconds",
         ("Sandbox.Timedout", "Task timed out after 15 seconds")),
        (b"Task timed out after 15 seconds, twice", None),
        (b'{"errorType": "E"}', None),
        (b'{"errorType": 1, "errorMessage": "m"}', None),
        (b'{"errorType": "E", "errorMessage": 2}', None),
        (b'["errorType", "errorMessage"]', None),
        (b'{"errorType": ', None),
        (b"[" * 100_000, None),
        (b"", None),
        (b'{"errorType": "E", "errorMessage": "' + b"x" * (256 * 1024) + b'"}', None),
    ],
)  # fmt: skip
def test_what_counts_as_a_lambda_error_document(body: bytes, found: object) -> None:
    from lambda_invoke.answers import lambda_error_document

    assert lambda_error_document(body) == found


def test_a_refused_log_tail_is_sent_again_without_it_and_warned_once(stubbed: Stubbed) -> None:
    """The endpoint refuses Tail before running anything: the same request with log-type
    None, at once and not counted as an attempt; later invocations of the run send None."""
    from lambda_invoke.invoke import EndpointState, invoke

    warnings: list[str] = []
    endpoint = EndpointState(warn=warnings.append)
    tail = {"FunctionName": "fn", "InvocationType": "RequestResponse", "LogType": "Tail"}
    plain = {**tail, "LogType": "None"}
    stubbed.stubber.add_client_error(
        "invoke", service_error_code="NotImplemented",
        service_message="log-type: Tail is not supported", http_status_code=501,
        expected_params=tail,
    )  # fmt: skip
    stubbed.stubber.add_response("invoke", invoke_response(), plain)
    stubbed.stubber.add_response("invoke", invoke_response(), plain)
    settings = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    first = invoke(settings, stubbed.client, say=lambda _: None, endpoint=endpoint)
    second = invoke(settings, stubbed.client, say=lambda _: None, endpoint=endpoint)
    assert (first.attempts, second.attempts) == (1, 1)
    assert (first.log_type, second.log_type) == ("None", "None")
    assert len(warnings) == 1 and "refused log-type Tail before running" in warnings[0]
    stubbed.stubber.assert_no_pending_responses()


def test_a_501_about_something_else_is_not_a_refused_log_tail(stubbed: Stubbed) -> None:
    stubbed.stubber.add_client_error(
        "invoke", service_error_code="NotImplemented", service_message="no such thing",
        http_status_code=501,
    )  # fmt: skip
    run = stubbed.run(["-f", "fn"])
    assert run.code == 3
    assert "does not implement this request (NotImplemented, HTTP 501): no such thing" in (
        run.stderr
    )
    stubbed.stubber.assert_no_pending_responses()


def test_the_newer_invoke_parameters_reach_the_request() -> None:
    settings = load_settings(
        {"function-name": "fn", "tenant-id": "t-1", "durable-execution-name": "run-1",
         "invocation-type": "Event"},
        environ={"AWS_REGION": "us-east-1"},
    )  # fmt: skip
    request = build_request(settings)
    assert request["TenantId"] == "t-1" and request["DurableExecutionName"] == "run-1"
    assert "LogType" not in request  # Lambda returns no log tail for an Event
    refused = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    assert build_request(refused, log_tail_refused=True)["LogType"] == "None"


def client_error(status: int, code: str, body: bytes) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": code, "Message": "from the header"},
         "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "rq-9"},
         "LambdaInvokeErrorBody": body},
        "Invoke",
    )  # fmt: skip


def test_an_emulators_function_error_document_on_a_5xx_is_a_function_error() -> None:
    body = b'{"errorType": "Function.ResponseSizeTooLarge", "errorMessage": "too big"}'
    client = FakeClient(client_error(502, "Function.ResponseSizeTooLarge", body))
    result, _, _ = fake_invoke(client)
    assert (result.status_code, result.function_error, result.payload) == (502, "Unhandled", body)
    assert result.error_inferred and result.request_id == "rq-9" and result.logs is None
    assert len(client.requests) == 1


def test_an_emulators_other_error_document_is_shown_and_not_sent_again() -> None:
    from lambda_invoke.errors import AwsError

    body = b'{"errorType": "Runtime.ExitError", "errorMessage": "exited"}'
    client = FakeClient(client_error(500, "ServiceException", body))
    with pytest.raises(AwsError) as raised:
        fake_invoke(client)
    assert str(raised.value) == (
        "Lambda answered ServiceException (HTTP 500) after receiving the request: "
        "Runtime.ExitError: exited. Not retried: the function may have run"
    )
    four = FakeClient(client_error(400, "Bad", body))  # a 4xx body is not a function's
    with pytest.raises(AwsError, match=r"^Bad: Runtime.ExitError: exited$"):
        fake_invoke(four)


def test_an_answer_without_lambdas_headers_holding_an_error_document_is_a_function_error() -> None:
    import io as _io

    document = b'{"errorType": "ValueError", "errorMessage": "bad"}'
    answer = {"StatusCode": 200, "Payload": _io.BytesIO(document), "LogResult": "not base64!"}
    result, _, _ = fake_invoke(FakeClient(answer))
    assert (result.function_error, result.error_inferred) == ("Unhandled", True)
    assert result.logs is None and result.logs_unreadable
    real = {"StatusCode": 200, "Payload": _io.BytesIO(document), "ExecutedVersion": "$LATEST"}
    result, _, _ = fake_invoke(FakeClient(real))  # real Lambda: its headers are the truth
    assert (result.function_error, result.error_inferred) == ("", False)


def test_an_unknown_failure_is_not_swallowed() -> None:
    client = FakeClient(RuntimeError("something new"))
    with pytest.raises(RuntimeError, match="something new"):
        fake_invoke(client)
    assert len(client.requests) == 1


def test_only_an_error_answers_body_is_kept_and_only_its_start() -> None:
    from lambda_invoke.answers import ERROR_BODY_LIMIT, _keep_error_body

    class Answer:
        def __init__(self, status: int, content: object) -> None:
            self.status_code = status
            self._content = content

        @property
        def content(self) -> object:
            if isinstance(self._content, Exception):
                raise self._content
            return self._content

    kept: dict[str, object] = {}
    _keep_error_body(Answer(500, b"x" * (ERROR_BODY_LIMIT + 5)), kept)
    assert kept == {"LambdaInvokeErrorBody": b"x" * ERROR_BODY_LIMIT}
    for answer in (Answer(200, b"ok"), Answer(500, b""), Answer(500, "text"),
                   Answer(500, OSError("gone"))):  # fmt: skip
        untouched: dict[str, object] = {}
        _keep_error_body(answer, untouched)
        assert untouched == {}
    _keep_error_body(Answer(500, b"x"), None)  # nothing parsed: nothing to add to


# -- error answers as botocore gives them, and as anything else might (issue 20) ----------


def answer_error(
    code: str | None = None,
    message: str | None = None,
    status: int | None = None,
    body: bytes | None = None,
) -> Exception:
    """A ClientError with only the parts given (botocore fills them all; a wrapper or a
    stub may not)."""
    from botocore.exceptions import ClientError

    response: dict[str, Any] = {}
    if code is not None or message is not None:
        response["Error"] = {
            key: value for key, value in (("Code", code), ("Message", message)) if value is not None
        }
    if status is not None:
        response["ResponseMetadata"] = {"HTTPStatusCode": status, "RequestId": "r-9"}
    if body is not None:
        response["LambdaInvokeErrorBody"] = body
    return ClientError(response, "Invoke")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (answer_error(), "Unknown: "),
        (answer_error(code="Odd"), "Odd: "),
        (answer_error(message="strange"), "Unknown: strange"),
        (answer_error("Boom", "it broke", 500),
         "Lambda answered Boom (HTTP 500) after receiving the request: it broke. Not retried: "
         "the function may have run"),
        (answer_error("Boom", None, 503),
         "Lambda answered Boom (HTTP 503) after receiving the request: no message. Not "
         "retried: the function may have run"),
        (answer_error(None, "x" * 600, 400), f"Unknown: {'x' * 497}..."),
        (answer_error(None, "x" * 500, 400), f"Unknown: {'x' * 500}"),
        (answer_error("ServiceException", "x", 500,
                      b'{"errorType": "Runtime.Crash", "errorMessage": "it fell over"}'),
         "Lambda answered ServiceException (HTTP 500) after receiving the request: "
         "Runtime.Crash: it fell over. Not retried: the function may have run"),
    ],
)  # fmt: skip
def test_an_error_answer_is_one_line_whatever_it_holds(error: Exception, line: str) -> None:
    from lambda_invoke.errors import AwsError

    with pytest.raises(AwsError) as raised:
        fake_invoke(FakeClient(error))
    assert str(raised.value) == line


def test_a_function_error_document_on_a_5xx_keeps_the_request_id_and_invocation() -> None:
    body = b'{"errorType": "Function.ResponseSizeTooLarge", "errorMessage": "too big"}'
    for kind, log_type in (("RequestResponse", "Tail"), ("Event", "None")):
        result, _, _ = fake_invoke(
            FakeClient(answer_error("ServiceException", "x", 502, body)), "-t", kind
        )
        assert (result.status_code, result.function_error, result.payload) == (
            502, "Unhandled", body,
        )  # fmt: skip
        assert (result.request_id, result.invocation_type, result.log_type) == (
            "r-9", kind, log_type,
        )  # fmt: skip
    with pytest.raises(Exception, match="Lambda answered ServiceException"):
        fake_invoke(FakeClient(answer_error("ServiceException", "x", 500, b"")))


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (answer_error("NotImplemented", "Log-Type: Tail is not supported", 400), True),
        (answer_error("Other", "log-type Tail is not supported", 501), True),
        (answer_error("Other", "log-type Tail is not supported", 502), False),
        (answer_error("NotImplemented", "no log tails here", 501), False),
    ],
)
def test_which_answers_are_a_refused_log_tail(error: Exception, refused: bool) -> None:
    from lambda_invoke.invoke import EndpointState, invoke

    warnings: list[str] = []
    client = FakeClient(error, invoke_response())
    settings = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    endpoint = EndpointState(warn=warnings.append)
    if not refused:
        with pytest.raises(Exception, match=r"HTTP 50|NotImplemented"):
            invoke(settings, client, say=lambda _: None, endpoint=endpoint)
        assert warnings == [] and len(client.requests) == 1
        return
    result = invoke(settings, client, say=lambda _: None, endpoint=endpoint)
    assert [request.get("LogType") for request in client.requests] == ["Tail", "None"]
    assert result.log_type == "None"
    message = " ".join(str(error.response["Error"]["Message"]).split())  # type: ignore[attr-defined]
    assert warnings == [
        f"the endpoint refused log-type Tail before running the function ({message}); "
        "invoking with log-type None: no log tail, and checks on logs or REPORT timings fail"
    ]


def test_a_refused_log_tail_warning_quotes_at_most_200_characters() -> None:
    from lambda_invoke.invoke import EndpointState

    warnings: list[str] = []
    EndpointState(warn=warnings.append).refused_log_tail("log-type " + "y" * 300)
    assert warnings[0].startswith(
        "the endpoint refused log-type Tail before running the function (log-type "
        + "y" * 188
        + "...); invoking"
    )


def test_a_configuration_without_state_fields_is_ready(stubbed: Stubbed) -> None:
    """An emulator's GetFunctionConfiguration may leave out State and LastUpdateStatus."""
    not_ready(stubbed)
    configuration(stubbed)
    stubbed.stubber.add_response("invoke", invoke_response())
    clock = FakeClock()
    result, _ = invoke_directly(stubbed, clock, "--wait-timeout", "10")
    assert clock.slept == [0.5] and result.attempts == 2
    stubbed.stubber.assert_no_pending_responses()


def test_a_failed_state_without_a_reason_says_so(stubbed: Stubbed) -> None:
    from lambda_invoke.errors import AwsError

    not_ready(stubbed)
    configuration(stubbed, State="Failed")
    with pytest.raises(AwsError) as raised:
        invoke_directly(stubbed, FakeClock(), "--wait-timeout", "10")
    assert str(raised.value) == "fn is in a failed state: no reason given"


def test_a_closed_connection_without_a_cause_is_a_closed_connection() -> None:
    from lambda_invoke.awserrors import closed_why as _closed_why

    assert _closed_why(Exception("no kwargs")) == (
        "the connection closed after the request was sent"
    )


def test_an_answer_in_process_every_field_read_from_its_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64
    import io as _io

    ticks = iter([10.0, 10.12345])  # perf_counter before and after: 123.45 ms
    monkeypatch.setattr("time.perf_counter", lambda: next(ticks))
    logs = "START\nbad byte \xff\n" + REPORT_LOGS
    answer = {
        "StatusCode": 200, "ExecutedVersion": "7", "Payload": _io.BytesIO(b'{"ok": 1}'),
        "LogResult": base64.b64encode(logs.encode("latin-1")).decode(),
        "DurableExecutionArn": "arn:aws:lambda:us-east-1:123456789012:durable:x",
        "ResponseMetadata": {"RequestId": "r-1",
                             "HTTPHeaders": {"x-amzn-trace-id": "Root=1-abc"}},
    }  # fmt: skip
    result, _, _ = fake_invoke(FakeClient(answer))
    assert result.elapsed_ms == 123.5  # one decimal, in milliseconds
    assert (result.status_code, result.executed_version, result.payload) == (
        200, "7", b'{"ok": 1}',
    )  # fmt: skip
    assert result.logs is not None and "bad byte \ufffd" in result.logs  # not UTF-8: replaced
    assert result.report.duration_ms is not None
    assert result.durable_execution_arn == "arn:aws:lambda:us-east-1:123456789012:durable:x"
    assert (result.request_id, result.trace_id) == ("r-1", "Root=1-abc")
    assert (result.invocation_type, result.log_type, result.throttles) == (
        "RequestResponse", "Tail", 0,
    )  # fmt: skip


def test_a_bare_answer_has_empty_fields_not_a_crash() -> None:
    result, _, _ = fake_invoke(FakeClient({}), "-t", "Event")
    assert (result.status_code, result.payload, result.logs, result.request_id) == (
        0, b"", None, None,
    )  # fmt: skip
    assert (result.durable_execution_arn, result.trace_id, result.logs_unreadable) == (
        "", None, False,
    )  # fmt: skip
    assert (result.invocation_type, result.log_type) == ("Event", "None")
    assert result.report.duration_ms is None
    junk, _, _ = fake_invoke(FakeClient({"StatusCode": 200, "LogResult": "c3RhcnQ=!!"}))
    assert junk.logs is None and junk.logs_unreadable  # not base64: unreadable, not guessed


def test_a_stream_counts_its_attempt() -> None:
    result, _, _ = fake_invoke(
        FakeClient(stream({"InvokeComplete": {}})), "--invoke-mode", "stream"
    )
    assert result.attempts == 1 and result.streamed


def test_a_stop_while_waiting_for_the_answer_names_the_function() -> None:
    from lambda_invoke.invoke import invoke
    from lambda_invoke.stopping import InFlight

    flight = InFlight()
    settings = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    with pytest.raises(KeyboardInterrupt):
        invoke(settings, FakeClient(KeyboardInterrupt()), say=lambda _: None, flight=flight)
    assert flight.waiting_for() == ["fn"]


def test_nothing_is_sent_after_a_stop() -> None:
    from lambda_invoke.invoke import invoke
    from lambda_invoke.stopping import InFlight, StopRequested

    flight = InFlight()
    flight.request_stop("SIGTERM")
    client = FakeClient(AssertionError("sent after the stop"))
    settings = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    with pytest.raises(StopRequested):
        invoke(settings, client, say=lambda _: None, flight=flight)
    assert flight.requests_sent == 0


def test_an_error_answers_body_is_kept_through_botocores_events(stubbed: Stubbed) -> None:
    """keep_error_bodies hooks the client's after-call events: an error answer's body (at
    least HTTP 300) is kept for the message, a success's body is never read."""
    from types import SimpleNamespace

    from lambda_invoke.answers import ERROR_BODY_LIMIT, keep_error_bodies

    class Answer:
        def __init__(self, status: int, content: bytes) -> None:
            self.status_code, self._content, self.reads = status, content, 0

        @property
        def content(self) -> bytes:
            self.reads += 1
            return self._content

    keep_error_bodies(stubbed.client)
    keep_error_bodies(stubbed.client)  # once only
    for operation in ("Invoke", "InvokeWithResponseStream"):
        for status, kept in ((500, True), (300, True), (299, False)):
            parsed: dict[str, Any] = {}
            answer = Answer(status, b"x" * (ERROR_BODY_LIMIT + 1))
            stubbed.client.meta.events.emit(
                f"after-call.lambda.{operation}", http_response=answer, parsed=parsed,
                model=SimpleNamespace(), context={},
            )  # fmt: skip
            assert parsed.get("LambdaInvokeErrorBody") == (
                b"x" * ERROR_BODY_LIMIT if kept else None
            )
            assert answer.reads == (1 if kept else 0)  # registered once, however often


@pytest.mark.parametrize(
    ("body", "document"),
    [
        (b'"Task timed out after 3.00 seconds"',
         ("Sandbox.Timedout", "Task timed out after 3.00 seconds")),
        (b'{"errorType": "E", "errorMessage": "caf\xe9"}', ("E", "caf\ufffd")),
        (b'{"errorType": "E", "errorMessage": "' + b"m" * (256 * 1024 - 38) + b'"}',
         ("E", "m" * (256 * 1024 - 38))),
        (b'{"errorType": "E", "errorMessage": "' + b"m" * (256 * 1024 - 37) + b'"}', None),
    ],
)  # fmt: skip
def test_an_error_document_at_its_edges(body: bytes, document: tuple[str, str] | None) -> None:
    from lambda_invoke.answers import lambda_error_document

    assert lambda_error_document(body) == document


def test_a_streams_fields_whole_complete_or_broken() -> None:
    from botocore.exceptions import ResponseStreamingError

    whole, _, _ = fake_invoke(
        FakeClient(stream({"PayloadChunk": {"Payload": b"ok"}}, {"InvokeComplete": {}})),
        "--invoke-mode", "stream",
    )  # fmt: skip
    assert (whole.function_error, whole.error_details, whole.incomplete, whole.payload) == (
        "", None, "", b"ok",
    )  # fmt: skip
    long = ResponseStreamingError(error="r" * 300)
    broken, _, _ = fake_invoke(
        FakeClient(stream({"PayloadChunk": {"Payload": b"ab"}}, broken=long)),
        "--invoke-mode", "stream",
    )  # fmt: skip
    said = "An error occurred while reading from response stream: " + "r" * 300
    assert broken.incomplete == (
        "the response stream ended before Lambda said it was complete (no InvokeComplete "
        f"event; 2 bytes arrived) (the connection broke: {said[:197]}...)"
    )


def test_invoking_hooks_the_clients_events_to_keep_error_bodies(stubbed: Stubbed) -> None:
    from types import SimpleNamespace

    from lambda_invoke.invoke import EndpointState, invoke

    stubbed.stubber.add_response("invoke", invoke_response())
    settings = load_settings({"function-name": "fn"}, environ={"AWS_REGION": "us-east-1"})
    invoke(settings, stubbed.client, say=lambda _: None)
    parsed: dict[str, Any] = {}
    answer = SimpleNamespace(status_code=502, content=b"the body")
    stubbed.client.meta.events.emit(
        "after-call.lambda.Invoke", http_response=answer, parsed=parsed,
        model=SimpleNamespace(), context={},
    )  # fmt: skip
    assert parsed["LambdaInvokeErrorBody"] == b"the body"
    assert EndpointState().log_tail_refused is False


def test_an_error_answer_is_read_from_whatever_raised_it() -> None:
    from lambda_invoke.awserrors import ErrorAnswer

    assert ErrorAnswer.of(Exception("no response")) == ErrorAnswer("", "", 0, None, b"")
    assert ErrorAnswer.of(answer_error()) == ErrorAnswer("", "", 0, None, b"")
    whole = answer_error("Code", "text", 502, b"body")
    assert ErrorAnswer.of(whole) == ErrorAnswer("Code", "text", 502, "r-9", b"body")
    whole.response["LambdaInvokeErrorBody"] = "not bytes"  # type: ignore[attr-defined]
    assert ErrorAnswer.of(whole).body == b""


@pytest.mark.parametrize(("status", "failed"), [(500, True), (599, True), (499, False)])
def test_a_function_error_document_counts_only_on_a_5xx(status: int, failed: bool) -> None:
    """It comes on the second attempt here (after a throttle): the result says so."""
    from lambda_invoke.errors import AwsError

    body = b'{"errorType": "Function.ResponseSizeTooLarge", "errorMessage": "too big"}'
    client = FakeClient(
        answer_error("TooManyRequestsException", "slow down", 429),
        answer_error("Boom", "x", status, body),
    )
    if not failed:
        with pytest.raises(AwsError, match=r"^Boom: Function\.ResponseSizeTooLarge: too big$"):
            fake_invoke(client)
        return
    result, _, _ = fake_invoke(client)
    assert (result.status_code, result.function_error, result.attempts) == (
        status, "Unhandled", 2,
    )  # fmt: skip
    assert result.report.duration_ms is None and result.logs is None
