"""Faults, limits and bad input, measured: the CLI as a subprocess against a scripted,
fault-injecting endpoint on 127.0.0.1 that counts every Invoke it receives."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import (
    FAKE_SECRET,
    Answer,
    ScriptedLambda,
    action_env,
    cli_command,
    function_answer,
    lambda_error,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
ROLE = "arn:aws:iam::123456789012:role/r"
OK = function_answer({"ok": True})
THROTTLED = lambda_error(429, "TooManyRequestsException", "Rate exceeded")
CONFLICT = lambda_error(409, "ResourceConflictException", "The operation cannot be performed")
UPDATING = {"State": "Active", "LastUpdateStatus": "InProgress"}
PENDING = {"State": "Pending", "LastUpdateStatus": "InProgress"}
#: what SAM's local Lambda service answers to X-Amz-Log-Type: Tail, before running anything
SAM_REFUSES_TAIL = Answer(
    status=501,
    body=json.dumps(
        {
            "Type": "LocalService",
            "Message": "log-type: Tail is not supported. None is only supported.",
        }
    ).encode(),
    headers={"x-amzn-errortype": "NotImplemented"},
)


@dataclass
class Fault:
    name: str
    answers: tuple[Answer, ...]
    argv: tuple[str, ...]
    invokes: int
    exit_code: int
    message: str
    configurations: tuple[dict[str, str], ...] = ()
    env: dict[str, str] = field(default_factory=dict)


FAULTS = [
    Fault(
        "read timeout while the function runs",
        (Answer(delay=3),),
        ("--read-timeout", "1"),
        1,
        3,
        "the function may still be running. Not retried",
    ),
    Fault(
        "connection dropped after the request was sent",
        (Answer(drop=True),),
        (),
        1,
        3,
        "the connection closed after the request was sent; the function may have run",
    ),
    Fault(
        "slow but in time (progress lines)",
        (Answer(delay=1.5, body=b'{"ok": true}'),),
        ("--read-timeout", "5"),
        1,
        0,
        "still waiting for fn to answer",
        env={"LAMBDA_INVOKE_PROGRESS_SECONDS": "0.4"},
    ),
    Fault("throttled 3 times, then ok", (THROTTLED,) * 3 + (OK,), (), 4, 0, "attempt 4 in"),
    Fault(
        "throttled past max-attempts",
        (THROTTLED,),
        ("--max-attempts", "3"),
        3,
        3,
        "throttled by Lambda (TooManyRequestsException) on all 3 attempts",
    ),
    Fault(
        "function being updated, then ready",
        (CONFLICT, OK),
        ("--wait-timeout", "4"),
        2,
        0,
        "is being updated (ResourceConflictException); waiting before invoking",
        configurations=(UPDATING, UPDATING, {"State": "Active", "LastUpdateStatus": "Successful"}),
    ),
    Fault(
        "function still updating past wait-timeout",
        (CONFLICT,),
        ("--wait-timeout", "1"),
        1,
        3,
        "was still not ready (ResourceConflictException) after wait-timeout 1 s; "
        "the function did not run",
        configurations=(UPDATING,),
    ),
    *(
        Fault(
            f"{code}: waited for, then invoked",
            (lambda_error(409 if "ENI" not in code else 502, code, "not yet"), OK),
            ("--wait-timeout", "4", "--max-attempts", "1"),
            2,
            0,
            f"({code}); waiting before invoking",
            configurations=(PENDING, {"State": "Active", "LastUpdateStatus": "Successful"}),
        )
        for code in (
            "CodeArtifactUserPendingException",
            "SnapStartNotReadyException",
            "ENINotReadyException",
        )
    ),
    Fault(
        "idle function still initialising past wait-timeout (not bounded by max-attempts)",
        (lambda_error(409, "CodeArtifactUserPendingException", "Lambda is initializing"),),
        ("--wait-timeout", "1", "--max-attempts", "1"),
        1,
        3,
        "still not ready (CodeArtifactUserPendingException) after wait-timeout 1 s; "
        "the function did not run",
        configurations=(PENDING,),
    ),
    Fault(
        "log-type Tail refused before running (SAM): once more with None, warned",
        (SAM_REFUSES_TAIL, Answer(body=b'{"ok": true}')),
        (),
        2,
        0,
        "warning: the endpoint refused log-type Tail before running the function",
    ),
    Fault(
        "501 for anything else: said that nothing ran",
        (SAM_REFUSES_TAIL,),
        ("--log-type", "None"),
        1,
        3,
        "It refused before running anything: the function did not run",
    ),
    Fault(
        "RIE's oversized answer (502 Function.ResponseSizeTooLarge) is a function error",
        (
            Answer(
                status=502,
                body=b'{"errorType":"Function.ResponseSizeTooLarge","errorMessage":'
                b'"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}',
            ),
        ),
        (),
        1,
        1,
        "function error (Unhandled) (read from the payload, a Lambda error document: the "
        "endpoint sent no X-Amz-Function-Error): Function.ResponseSizeTooLarge: Response "
        "payload size exceeded",
    ),
    Fault(
        "a 5xx with a Lambda error document shows it",
        (Answer(status=502, body=b'{"errorType":"Runtime.Crashed","errorMessage":"exit 1"}'),),
        (),
        1,
        3,
        "Lambda answered 502 (HTTP 502) after receiving the request: Runtime.Crashed: exit 1. "
        "Not retried: the function may have run",
    ),
    Fault(
        "an emulator's error document (no version, no X-Amz-Function-Error): a function error",
        (Answer(body=b'{"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}'),),
        (),
        1,
        1,
        "function error (Unhandled) (read from the payload",
    ),
    Fault(
        "an emulator's timeout text: a function error",
        (
            Answer(
                body=b"Task timed out after 2.00 seconds", headers={"Content-Type": "text/plain"}
            ),
        ),
        (),
        1,
        1,
        "X-Amz-Function-Error): Task timed out after 2.00 seconds",
    ),
    Fault(
        "an error document WITH X-Amz-Executed-Version is the function's answer: no inference",
        (function_answer({"errorMessage": "returned on purpose", "errorType": "Doc"}),),
        (),
        1,
        0,
        "status 200, version $LATEST",
    ),
    Fault(
        "5xx after the request was sent",
        (lambda_error(500, "ServiceException", "internal error"),),
        (),
        1,
        3,
        "ServiceException (HTTP 500) after receiving the request: internal error. Not retried",
    ),
    Fault(
        "unknown function (404)",
        (lambda_error(404, "ResourceNotFoundException", "Function not found: fn"),),
        (),
        1,
        3,
        "function fn not found: Function not found: fn",
    ),
    Fault(
        "access denied (403)",
        (lambda_error(403, "AccessDeniedException", "not authorized to perform invoke"),),
        (),
        1,
        3,
        "access denied (AccessDeniedException) invoking fn: not authorized to perform invoke",
    ),
    Fault(
        "no region anywhere",
        (OK,),
        (),
        0,
        3,
        "no AWS region: set the region input, AWS_REGION, or use a function ARN",
        env={"AWS_REGION": ""},
    ),
    Fault(
        "no credentials anywhere",
        (OK,),
        (),
        0,
        3,
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
    ),
]


def run_cli(endpoint: str, argv: tuple[str, ...], **env: str):  # type: ignore[no-untyped-def]
    environment = {key: value for key, value in sandbox_env(**env).items() if value}
    return run_command(
        [*cli_command(), "-f", "fn", "--endpoint-url", endpoint, *argv], env=environment
    )


@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
def test_fault(fault: Fault) -> None:
    with ScriptedLambda(*fault.answers, configurations=fault.configurations) as endpoint:
        done = run_cli(endpoint.url, fault.argv, **fault.env)
    assert endpoint.invocations == fault.invokes
    assert done.returncode == fault.exit_code, done.stderr
    assert fault.message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert FAKE_SECRET not in done.stderr + done.stdout
    if fault.exit_code == 3:
        assert len(done.stderr.strip().splitlines()[-1:]) == 1
        assert done.stderr.strip().splitlines()[-1].startswith("lambda-invoke: error: ")


def test_progress_lines_keep_coming_while_waiting() -> None:
    with ScriptedLambda(Answer(delay=2.1)) as endpoint:
        done = run_cli(endpoint.url, (), LAMBDA_INVOKE_PROGRESS_SECONDS="0.5")
    assert done.returncode == 0
    assert done.stderr.count("still waiting for fn to answer") >= 3


def test_connect_failure_is_retried_then_names_the_endpoint() -> None:
    with socket.socket() as sock:  # a free port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli(f"http://127.0.0.1:{port}", ("--max-attempts", "2"))
    assert done.returncode == 3
    assert done.stderr.count(f"cannot connect to http://127.0.0.1:{port}") == 2
    assert f"cannot connect to http://127.0.0.1:{port} after 2 attempts" in done.stderr


# -- limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "size"),
    [("RequestResponse", 6 * 1024 * 1024), ("Event", 1024 * 1024)],
)
def test_payload_over_the_limit_is_refused_before_sending(
    kind: str, size: int, tmp_path: Path
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"data": "x" * size}))
    with ScriptedLambda() as endpoint:
        done = run_cli(endpoint.url, ("-t", kind, "-p", str(event)))
    assert done.returncode == 2
    assert endpoint.requests == []
    assert f"byte limit for {kind}" in done.stderr


def test_payload_at_the_limit_is_sent(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"d": "x" * (1024 * 1024 - 20)}))
    with ScriptedLambda(OK) as endpoint:
        done = run_cli(endpoint.url, ("-t", "Event", "-p", str(event)))
    assert done.returncode == 0, done.stderr
    assert endpoint.invocations == 1


def test_five_megabyte_response_goes_to_payload_file(tmp_path: Path) -> None:
    big = json.dumps({"data": "y" * (5 * 1024 * 1024)}).encode()
    output, summary = tmp_path / "output", tmp_path / "summary"
    with ScriptedLambda(Answer(body=big)) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url],
            env=action_env(
                GITHUB_OUTPUT=str(output),
                GITHUB_STEP_SUMMARY=str(summary),
            ),
            cwd=tmp_path,
        )
    assert done.returncode == 0, done.stderr
    outputs = read_github_output(output)
    assert outputs["payload"] == ""
    assert (tmp_path / outputs["payload-file"]).read_bytes() == big  # nothing truncated
    assert "::warning title=lambda-invoke::the payload (5242892 bytes)" in done.stdout
    assert output.stat().st_size < 100 * 1024  # far below GitHub's 1 MB per output
    assert len(done.stdout) < 200 * 1024  # the log shows a cut copy, and says so


# -- bad input: exit 2, one line naming the input, nothing sent ------------------------

BAD_INPUT = [
    ("function-name", ()),
    ("function-name", ("-f", "f" * 65)),
    ("function-name", ("-f", "arn:aws:lambda:us-east-1:12:function:x")),
    ("payload", ("-d", '{"a": ')),
    ("payload-file", ("-d", "{}", "-p", "event.json")),
    ("payload-file", ("-p", "missing.json")),
    ("payload", ("-d", "file://missing.json")),
    ("invocation-type", ("-t", "Sync")),
    ("log-type", ("--log-type", "All")),
    ("client-context", ("--client-context", json.dumps({"k": "v" * 3000}))),
    ("client-context", ("--client-context", "%%% not base64")),
    ("qualifier", ("-f", "fn:live", "-q", "prod")),
    ("assert", ("--assert", "$.a[: 1")),
    ("assert", ("--assert", "$.a: {approximately: 1}")),
    ("assert", ("--assert", "[1, 2]")),
    ("read-timeout", ("--read-timeout", "abc")),
    ("fail-on-function-error", ("--fail-on-function-error", "maybe")),
    ("role-to-assume", ("--role-to-assume", "deploy")),
    ("role-session-name", ("--role-to-assume", ROLE, "--role-session-name", "x")),
    ("role-duration-seconds", ("--role-to-assume", ROLE, "--role-duration-seconds", "600")),
    ("role-duration-seconds", ("--role-to-assume", ROLE, "--role-duration-seconds", "50000")),
    ("audience", ("--role-to-assume", ROLE, "--audience", "")),
    ("stack-name", ("--stack-name", "1-starts-with-a-digit")),
    ("function-name", ("--stack-name", "app", "-f", "not-a-logical-id")),
    ("stack-name", ("--stack-name", "app", "--function", "hello", "--config", "sls.yml")),
    ("invoke-mode", ("--invoke-mode", "chunked")),
    ("invoke-mode", ("--invoke-mode", "stream", "-t", "Event")),
    ("tenant-id", ("--tenant-id", "bad!id")),
    ("tenant-id", ("--tenant-id", "t" * 257)),
    ("durable-execution-name", ("--durable-execution-name", "has space")),
    ("durable-execution-name", ("--invoke-mode", "stream", "--durable-execution-name", "run1")),
]


@pytest.mark.parametrize(("name", "argv"), BAD_INPUT, ids=[f"{n}:{a}" for n, a in BAD_INPUT])
def test_bad_input_sends_nothing(name: str, argv: tuple[str, ...], tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text("{}")
    (tmp_path / "sls.yml").write_text("service: s\nfunctions:\n  hello:\n    handler: h.h\n")
    with ScriptedLambda() as endpoint:
        function = () if name == "function-name" or "-f" in argv else ("-f", "fn")
        done = run_command(
            [*cli_command(), "--endpoint-url", endpoint.url, *function, *argv],
            env=sandbox_env(),
            cwd=tmp_path,
        )
    assert endpoint.requests == []
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"lambda-invoke: error: input '{name}'")
    assert done.stdout == ""
