"""full-logs and wait-for-completion against moto's CloudWatch Logs server (FilterLogEvents,
pagination), with the Lambda side scripted (moto's Lambda writes no logs): log lines arrive
after the invoke (ingestion delay), in the Text and the JSON log format."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import (
    Answer,
    MotoEndpoint,
    ScriptedLambda,
    action_env,
    cli_command,
    function_answer,
    read_github_output,
    run_command,
    sandbox_env,
    start_moto,
    time_budget,
)

pytestmark = pytest.mark.integration
RID = "5a4c0e8e-1f2d-4c3b-9a7e-0123456789ab"


@pytest.fixture
def logs_server() -> Iterator[MotoEndpoint]:
    server, endpoint = start_moto()
    yield endpoint
    # moto keeps its state per process: the next test starts with no log groups (and the
    # session's moto_endpoint keeps its functions, whatever order the tests run in)
    logs = endpoint.client("logs")
    for group in logs.describe_log_groups()["logGroups"]:
        logs.delete_log_group(logGroupName=group["logGroupName"])
    server.stop()


def put_later(
    endpoint: MotoEndpoint, group: str, lines: list[str], delay: float
) -> threading.Thread:
    """Lambda writing the invocation's log, seen by CloudWatch Logs ``delay`` s later."""
    logs = endpoint.client("logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="2026/11/25/[$LATEST]abc")
    logs.create_log_stream(logGroupName=group, logStreamName="2026/11/25/[$LATEST]other")
    now = int(time.time() * 1000)
    logs.put_log_events(  # another environment's invocation: not ours
        logGroupName=group,
        logStreamName="2026/11/25/[$LATEST]other",
        logEvents=[{"timestamp": now, "message": "START RequestId: other Version: $LATEST"}],
    )

    def write() -> None:
        time.sleep(delay)
        for start in range(0, len(lines), 5000):  # PutLogEvents takes 10,000 at most
            chunk = lines[start : start + 5000]
            logs.put_log_events(
                logGroupName=group,
                logStreamName="2026/11/25/[$LATEST]abc",
                logEvents=[
                    {"timestamp": now + start + i, "message": m} for i, m in enumerate(chunk)
                ],
            )

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def text_log(*middle: str, report: bool = True) -> list[str]:
    lines = [f"START RequestId: {RID} Version: $LATEST", *middle, f"END RequestId: {RID}"]
    if report:
        lines.append(
            f"REPORT RequestId: {RID}\tDuration: 812.50 ms\tBilled Duration: 813 ms\t"
            "Memory Size: 128 MB\tMax Memory Used: 64 MB\t"
        )
    return lines


def invoke(
    lam: ScriptedLambda, logs: MotoEndpoint, tmp_path: Path, *argv: str
) -> tuple[int, dict[str, str], str]:
    output = tmp_path / "output"
    done = run_command(
        [*cli_command(), "-f", "fn", "--endpoint-url", lam.url, *argv],
        env=action_env(
            GITHUB_OUTPUT=str(output),
            AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs.url,
            LAMBDA_INVOKE_PROGRESS_SECONDS="0.5",
        ),
        cwd=tmp_path,
    )
    outputs = read_github_output(output) if output.exists() else {}
    return done.returncode, outputs, done.stdout + done.stderr


def sync_answer() -> Answer:
    answer = function_answer({"ok": True})
    answer.headers["x-amzn-RequestId"] = RID
    return answer


def test_the_whole_log_past_the_tail_with_ingestion_delay_and_pages(
    logs_server: MotoEndpoint, tmp_path: Path
) -> None:
    middle = [f"line {n} of a long stack trace" for n in range(2500)]  # 3 pages of 1000
    writer = put_later(logs_server, "/aws/lambda/fn", text_log(*middle), delay=1.5)
    with ScriptedLambda(sync_answer()) as lam:
        code, outputs, log = invoke(
            lam, logs_server, tmp_path, "--full-logs", "--full-logs-timeout", "20"
        )
    writer.join()
    assert code == 0, log
    assert outputs["logs-complete"] == "true"
    logs = outputs["logs"]
    assert logs.startswith(f"START RequestId: {RID}") and "line 2499 of" in logs
    assert "RequestId: other" not in logs
    assert outputs["duration-ms"] == "812.5"


def test_json_log_format_and_a_custom_group(logs_server: MotoEndpoint, tmp_path: Path) -> None:
    records = [
        {"type": "platform.start", "record": {"requestId": RID}},
        {"level": "INFO", "message": "hello", "requestId": RID},
        {"type": "platform.report", "record": {"requestId": RID, "status": "success",
                                               "metrics": {"durationMs": 5.5,
                                                           "billedDurationMs": 6}}},
    ]  # fmt: skip
    writer = put_later(logs_server, "/custom/group", [json.dumps(r) for r in records], 0.5)
    config = {"State": "Active", "LastUpdateStatus": "Successful",
              "LoggingConfig": {"LogGroup": "/custom/group", "LogFormat": "JSON"}}  # fmt: skip
    with ScriptedLambda(sync_answer(), configurations=(config,)) as lam:
        code, outputs, log = invoke(lam, logs_server, tmp_path, "--full-logs")
    writer.join()
    assert code == 0, log
    assert outputs["logs-complete"] == "true"
    assert '"message": "hello"' in outputs["logs"]
    assert (outputs["duration-ms"], outputs["billed-duration-ms"]) == ("5.5", "6")


def test_an_event_run_that_crashes_fails_the_step(
    logs_server: MotoEndpoint, tmp_path: Path
) -> None:
    lines = text_log("[ERROR] KeyError: 'order_id'", "Traceback (most recent call last):")
    writer = put_later(logs_server, "/aws/lambda/fn", lines, delay=1.0)
    accepted = Answer(status=202, body=b"", headers={"x-amzn-RequestId": RID})
    with ScriptedLambda(accepted) as lam:
        code, outputs, log = invoke(
            lam, logs_server, tmp_path, "-t", "Event", "--wait-for-completion",
            "--assert", "duration-ms: { lt: 2000 }",
        )  # fmt: skip
    writer.join()
    assert code == 1, log
    assert outputs["function-error"] == "Unhandled"
    assert outputs["status-code"] == "202"
    assert "function error (Unhandled): [ERROR] KeyError: 'order_id'" in log
    assert json.loads(outputs["assertions"])[0]["passed"] is True  # timings from REPORT


def test_an_event_run_not_seen_in_time_fails(logs_server: MotoEndpoint, tmp_path: Path) -> None:
    writer = put_later(logs_server, "/aws/lambda/fn", text_log("working", report=False), 0.2)
    accepted = Answer(status=202, body=b"", headers={"x-amzn-RequestId": RID})
    with ScriptedLambda(accepted) as lam:
        started = time.monotonic()
        code, outputs, log = invoke(
            lam, logs_server, tmp_path, "-t", "Event", "--wait-for-completion",
            "--full-logs-timeout", "2",
        )  # fmt: skip
        seconds = time.monotonic() - started
    writer.join()
    assert code == 3, log
    assert "was not seen to end in its log within full-logs-timeout 2 s" in log
    assert outputs["logs-complete"] == "false"
    assert seconds < time_budget(10)


def test_without_permission_the_invoke_result_is_kept(tmp_path: Path) -> None:
    denied = Answer(
        status=400,
        body=json.dumps({"__type": "AccessDeniedException", "message": "not authorized"}).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1"},
    )
    with ScriptedLambda(sync_answer()) as lam, ScriptedLambda(denied) as logs:
        code, outputs, log = invoke(lam, MotoEndpoint(logs.url), tmp_path, "--full-logs")
    assert code == 0, log
    assert "logs:FilterLogEvents on /aws/lambda/fn is not allowed" in log
    assert json.loads(outputs["payload"]) == {"ok": True}
    assert outputs["logs-complete"] == "false"


def test_suite_cases_follow_their_event_runs(logs_server: MotoEndpoint, tmp_path: Path) -> None:
    writer = put_later(logs_server, "/aws/lambda/fn", text_log("[ERROR] boom"), delay=0.5)
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "cases:\n"
        "  - name: queued and followed\n"
        "    function-name: fn\n"
        "    invocation-type: Event\n"
        "    wait-for-completion: true\n"
        "    expect-function-error: true\n"
    )
    accepted = Answer(status=202, body=b"", headers={"x-amzn-RequestId": RID})
    with ScriptedLambda(accepted) as lam:
        done = run_command(
            [*cli_command(), "suite", str(suite), "--endpoint-url", lam.url],
            env=sandbox_env(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs_server.url),
            cwd=tmp_path,
        )
    writer.join()
    assert done.returncode == 0, done.stderr
    assert "1 passed, 0 failed" in done.stdout


def test_the_console_link_names_the_group_the_log_was_read_from(
    logs_server: MotoEndpoint, tmp_path: Path
) -> None:
    """LoggingConfig names a custom group: the log is read from it, and the link points
    there, not at /aws/lambda/NAME. Lambda is AWS's endpoint by name, reached through a
    loopback proxy (links are made for AWS's endpoints only); the logs go to moto."""
    writer = put_later(logs_server, "/custom/group", text_log("hello"), 0.5)
    config = {"State": "Active", "LastUpdateStatus": "Successful",
              "LoggingConfig": {"LogGroup": "/custom/group", "LogFormat": "Text"}}  # fmt: skip
    with ScriptedLambda(sync_answer(), configurations=(config,)) as lam:
        done = run_command(
            [*cli_command(), "-f", "fn", "--full-logs", "--endpoint-url",
             "http://lambda.us-east-1.amazonaws.com"],
            env=sandbox_env(
                HTTP_PROXY=lam.url, NO_PROXY="127.0.0.1,localhost", AWS_REGION="us-east-1",
                AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs_server.url,
            ),
            cwd=tmp_path,
        )  # fmt: skip
    writer.join()
    assert done.returncode == 0, done.stderr
    assert "log-group/$252Fcustom$252Fgroup/log-events" in done.stderr, done.stderr
