"""invoke-mode stream (InvokeWithResponseStream) against a scripted endpoint that sends a
real event stream in timed pieces; and the newer Invoke parameters on the wire."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path

import pytest
from support import (
    REPORT_LOGS,
    Answer,
    ScriptedLambda,
    action_env,
    cli_command,
    function_answer,
    invoke_complete,
    payload_chunk,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
SLOW_PIECE = 1.5


def test_the_cli_prints_chunks_as_they_arrive() -> None:
    answer = Answer(
        stream=(
            (0.0, payload_chunk(b"first line\n")),
            (SLOW_PIECE, payload_chunk(b"second line\n")),
            (0.0, invoke_complete(logs=REPORT_LOGS)),
        )
    )
    with ScriptedLambda(answer) as endpoint:
        started = time.monotonic()
        process = subprocess.Popen(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream"],
            env=sandbox_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 10)
        assert ready, "no output at all"
        first = os.read(process.stdout.fileno(), 1024)
        first_at = time.monotonic() - started
        rest, errors = process.communicate(timeout=30)
        total = time.monotonic() - started
    assert process.returncode == 0, errors
    assert first == b"first line\n"  # printed while the function was still streaming
    assert first_at < total - SLOW_PIECE / 2, (first_at, total)
    assert rest == b"second line\n"
    assert b"Duration: 2.24 ms" in errors
    assert endpoint.invocations == 1
    assert endpoint.requests[0][1] == "/2021-11-15/functions/fn/response-streaming-invocations"


def test_with_json_stdout_holds_only_the_document() -> None:
    answer = Answer(
        stream=(
            (0.0, payload_chunk(b'{"a": ')),
            (0.0, payload_chunk(b"1}")),
            (0.0, invoke_complete()),
        )
    )
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream",
             "--json"],
            env=sandbox_env(),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(json.loads(done.stdout)["payload"]) == {"a": 1}


def test_in_actions_the_assembled_payload_and_logs_are_outputs(tmp_path: Path) -> None:
    answer = Answer(
        stream=(
            (0.0, payload_chunk(b'{"items": [1, ')),
            (0.1, payload_chunk(b"2, 3]}")),
            (0.0, invoke_complete(logs=REPORT_LOGS)),
        ),
        headers={"X-Amz-Executed-Version": "7"},
    )
    output = tmp_path / "output"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "STREAM",
             "--assert", "$.items: {length: 3}"],
            env=action_env(GITHUB_OUTPUT=str(output)),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = read_github_output(output)
    assert json.loads(outputs["payload"]) == {"items": [1, 2, 3]}
    assert outputs["status-code"] == "200"
    assert outputs["executed-version"] == "7"
    assert outputs["duration-ms"] == "2.24"
    assert "hello from the function" in outputs["logs"]
    assert json.loads(outputs["assertions"])[0]["passed"] is True


def test_a_function_error_in_the_stream_fails_the_step(tmp_path: Path) -> None:
    details = json.dumps({"errorType": "RuntimeError", "errorMessage": "stream broke"})
    answer = Answer(
        stream=((0.0, invoke_complete("Unhandled", details, logs=REPORT_LOGS)),),
    )
    output = tmp_path / "output"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream"],
            env=action_env(GITHUB_OUTPUT=str(output)),
        )
    assert done.returncode == 1
    outputs = read_github_output(output)
    assert outputs["function-error"] == "Unhandled"
    assert json.loads(outputs["payload"])["errorType"] == "RuntimeError"
    assert (
        "::error title=lambda-invoke::function error (Unhandled): RuntimeError: stream broke"
        in (done.stdout)
    )


def test_a_stream_cut_short_is_reported_once_and_not_retried(tmp_path: Path) -> None:
    answer = Answer(stream=((0.0, payload_chunk(b"partial")),), drop_stream=True)
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream"],
            env=sandbox_env(),
            cwd=tmp_path,
        )
    assert done.returncode == 3, done.stderr
    assert endpoint.invocations == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("lambda-invoke: error: ")
    assert "Not retried: a second Invoke could run it twice" in last
    assert "Traceback" not in done.stderr


def test_tenant_and_durable_execution_go_on_the_wire(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST/durable-execution/run-7/x"
    answer = function_answer({"ok": True})
    answer.headers["X-Amz-Durable-Execution-Arn"] = arn
    output = tmp_path / "output"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url,
             "--tenant-id", "tenant-42", "--durable-execution-name", "run-7",
             "--assert", f"durable-execution-arn: '{arn}'"],
            env=action_env(GITHUB_OUTPUT=str(output)),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    headers = endpoint.request_headers[0]
    assert headers["X-Amz-Tenant-Id"] == "tenant-42"
    assert headers["X-Amz-Durable-Execution-Name"] == "run-7"
    assert read_github_output(output)["durable-execution-arn"] == arn


def test_tenant_id_in_stream_mode() -> None:
    answer = Answer(stream=((0.0, payload_chunk(b"{}")), (0.0, invoke_complete())))
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream",
             "--tenant-id", "t 1"],
            env=sandbox_env(),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert endpoint.request_headers[0]["X-Amz-Tenant-Id"] == "t 1"


# -- streams that end without InvokeComplete: never a pass -------------------------------

FIRST = payload_chunk(b'{"greeting": ')
SECOND = payload_chunk(b'"hello"}')
STREAM_HEADERS = {"Content-Type": "application/vnd.amazon.eventstream"}
#: the three ways a stream can end before Lambda's InvokeComplete
CUT_STREAMS = {
    # 200 with a Content-Length for the whole body, one frame and 10 bytes of the next, closed
    "short body": Answer(
        body=FIRST + SECOND + invoke_complete(),
        headers=STREAM_HEADERS,
        cut_body_at=len(FIRST) + 10,
    ),
    # a properly terminated chunked body with one frame and no InvokeComplete
    "clean end": Answer(stream=((0.0, FIRST),)),
    # one frame and half of the next, then the connection is cut
    "partial frame": Answer(stream=((0.0, FIRST), (0.0, SECOND[:9])), drop_stream=True),
}
CHECK = "$.greeting: { exists: false }"  # would pass on the truncated payload


def test_the_frames_are_what_botocore_decodes() -> None:
    """Our test frames, read back by botocore's own event-stream decoder."""
    from botocore.eventstream import EventStreamBuffer

    decoder = EventStreamBuffer()
    decoder.add_data(FIRST + invoke_complete("Unhandled", '{"errorMessage": "x"}'))
    messages = list(decoder)
    assert [m.headers[":event-type"] for m in messages] == ["PayloadChunk", "InvokeComplete"]
    assert messages[0].payload == b'{"greeting": '
    assert json.loads(messages[1].payload)["ErrorCode"] == "Unhandled"


@pytest.mark.parametrize("shape", list(CUT_STREAMS))
def test_a_stream_without_invoke_complete_fails_in_the_cli(shape: str, tmp_path: Path) -> None:
    with ScriptedLambda(CUT_STREAMS[shape]) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream",
             "--assert", CHECK, "--json"],
            env=sandbox_env(),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert endpoint.invocations == 1  # not retried
    last = done.stderr.strip().splitlines()[-1]
    assert "the response stream ended before Lambda said it was complete" in last
    assert "the function may have run. Not retried" in last
    assert "no assertion was checked" in last
    document = json.loads(done.stdout)
    assert document["stream-complete"] is False
    assert [check["passed"] for check in document["assertions"]] == [False]
    received = (tmp_path / document["payload-file"]).read_bytes()
    assert received.startswith(b'{"greeting": ') or received == b""


@pytest.mark.parametrize("shape", list(CUT_STREAMS))
def test_a_stream_without_invoke_complete_fails_the_action_step(shape: str, tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ScriptedLambda(CUT_STREAMS[shape]) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url],
            env=action_env(
                GITHUB_OUTPUT=str(output),
                **{"INPUT_INVOKE-MODE": "stream", "INPUT_ASSERT": CHECK},
            ),
            cwd=tmp_path,
        )
    assert done.returncode == 3, done.stdout
    outputs = read_github_output(output)
    assert outputs["stream-complete"] == "false"
    assert json.loads(outputs["result"])["stream-complete"] is False
    assert (tmp_path / outputs["payload-file"]).exists()
    assert "::error title=lambda-invoke::the response stream ended before Lambda" in done.stdout


@pytest.mark.parametrize("shape", list(CUT_STREAMS))
def test_a_stream_without_invoke_complete_fails_a_suite_case(shape: str, tmp_path: Path) -> None:
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "cases:\n"
        "  - name: streamed\n"
        "    function-name: fn\n"
        "    invoke-mode: stream\n"
        "    assert: { '$.greeting': { exists: false } }\n"
    )
    with ScriptedLambda(CUT_STREAMS[shape]) as endpoint:
        done = run_command(
            [*cli_command(), "suite", str(suite), "--endpoint-url", endpoint.url],
            env=sandbox_env(),
            cwd=tmp_path,
        )
    assert done.returncode == 1, done.stderr
    assert "0 passed, 1 failed" in done.stdout
    assert "the response stream ended before Lambda said it was complete" in done.stderr


def test_an_error_after_chunks_keeps_its_details(tmp_path: Path) -> None:
    details = json.dumps({"errorType": "RuntimeError", "errorMessage": "stream boom"})
    answer = Answer(
        stream=((0.0, payload_chunk(b"partial")), (0.0, invoke_complete("Unhandled", details)))
    )
    output, summary = tmp_path / "output", tmp_path / "summary"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--invoke-mode", "stream"],
            env=action_env(
                GITHUB_OUTPUT=str(output),
                GITHUB_STEP_SUMMARY=str(summary),
            ),
            cwd=tmp_path,
        )
    assert done.returncode == 1
    assert "function error (Unhandled): RuntimeError: stream boom" in done.stdout
    outputs = read_github_output(output)
    assert outputs["payload"] == "partial"
    assert json.loads(outputs["error-details"])["errorMessage"] == "stream boom"
    assert json.loads(outputs["result"])["error-details"] == details
    assert outputs["stream-complete"] == "true"
    assert "stream boom" in summary.read_text()
