"""No vacuous passes: a check on an output that did not come back fails and says why.

The CLI in-process against the scripted endpoint on 127.0.0.1 (real HTTP, real botocore)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from support import REPORT_LOGS, Answer, ScriptedLambda, action_env, function_answer, lambda_client

from lambda_invoke.cli import main

pytestmark = pytest.mark.integration
NO_LOG_CHECK = 'logs: { not-contains: "ERROR" }'


def run(endpoint: ScriptedLambda, *argv: str) -> tuple[int, dict[str, Any], str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        {},
        ["-f", "fn", "--endpoint-url", endpoint.url, "--json", *argv],
        client_factory=lambda settings: lambda_client(endpoint.url),
        stdout=stdout,
        stderr=stderr,
        invoke_options={"sleep": lambda _s: None, "progress_interval": 0},
    )
    return code, json.loads(stdout.getvalue()), stderr.getvalue()


@pytest.mark.parametrize(
    ("answer", "argv", "reason"),
    [
        (
            function_answer({"ok": 1}),
            ("--log-type", "None"),
            "no log tail came back: log-type is None",
        ),
        (
            Answer(status=202, body=b"", headers={"X-Amz-Executed-Version": "$LATEST"}),
            ("-t", "Event"),
            "Event invocations return no logs",
        ),
        (
            function_answer({"ok": 1}),
            (),
            "no log tail came back: the endpoint sent no X-Amz-Log-Result",
        ),
    ],
    ids=["log-type None", "Event", "endpoint sends none"],
)
def test_a_log_check_fails_when_no_log_tail_came_back(
    answer: Answer, argv: tuple[str, ...], reason: str
) -> None:
    with ScriptedLambda(answer) as endpoint:
        code, document, stderr = run(endpoint, "--assert", NO_LOG_CHECK, *argv)
    assert code == 1
    assert document["logs"] is None  # not returned: null, not ""
    [check] = document["assertions"]
    assert check["passed"] is False
    assert f'FAIL logs not-contains "ERROR": {reason}' in stderr


def test_the_same_check_passes_on_a_log_tail_without_the_text() -> None:
    with ScriptedLambda(function_answer({"ok": 1}, logs=REPORT_LOGS)) as endpoint:
        code, document, _ = run(endpoint, "--assert", NO_LOG_CHECK)
    assert code == 0
    assert document["assertions"][0]["passed"] is True


def test_timings_without_a_log_tail_fail_and_say_why() -> None:
    with ScriptedLambda(function_answer({"ok": 1})) as endpoint:
        code, document, stderr = run(
            endpoint, "--log-type", "None", "--assert", "duration-ms: { lt: 1000 }"
        )
    assert code == 1
    assert document["duration-ms"] is None
    assert "no REPORT line: no log tail came back: log-type is None" in stderr


def test_exists_false_passes_on_what_did_not_come_back() -> None:
    with ScriptedLambda(function_answer({"ok": 1})) as endpoint:
        code, _, stderr = run(endpoint, "--log-type", "None", "--assert", "logs: { exists: false }")
    assert code == 0, stderr


def test_a_request_id_check_fails_when_the_endpoint_sent_none() -> None:
    answer = Answer(body=b'{"ok": 1}', headers={"x-amzn-RequestId": None})
    with ScriptedLambda(answer) as endpoint:
        code, document, stderr = run(endpoint, "--assert", "request-id: { exists: true }")
    assert code == 1
    assert document["request-id"] is None
    assert document["executed-version"] is None
    assert "request-id exists true: the endpoint sent no request id" in stderr


def test_event_function_error_is_unknown_not_empty() -> None:
    answer = Answer(status=202, body=b"", headers={"X-Amz-Executed-Version": "$LATEST"})
    with ScriptedLambda(answer) as endpoint:
        code, document, stderr = run(
            endpoint, "-t", "Event", "--assert", 'function-error: ""\n$.ok: 1'
        )
    assert code == 1
    assert document["function-error"] is None
    assert "Event invocations return no function error" in stderr
    assert "$.ok equals 1: Event invocations return no payload" in stderr


def test_returned_values_stay_values() -> None:
    logs = REPORT_LOGS
    with ScriptedLambda(function_answer({"ok": 1}, logs=logs)) as endpoint:
        code, document, _ = run(endpoint)
    assert code == 0
    assert (document["logs"], document["executed-version"], document["request-id"]) == (
        logs,
        "$LATEST",
        "req-1",
    )
    assert document["function-error"] == ""  # a synchronous answer without an error


@pytest.mark.parametrize("argv", [(), ("-t", "Event"), ("--log-type", "None")])
def test_elapsed_ms_is_measured_for_every_invocation_type(argv: tuple[str, ...]) -> None:
    """Our own round trip: there even where Lambda's REPORT timings are not."""
    status = 202 if "Event" in argv else 200
    answer = Answer(status=status, body=b"" if status == 202 else b'{"ok": 1}', delay=0.3)
    with ScriptedLambda(answer) as endpoint:
        code, document, stderr = run(
            endpoint, *argv, "--assert", "elapsed-ms: { gte: 250, lt: 5000 }"
        )
    assert code == 0, stderr
    assert 250 <= document["elapsed-ms"] < 5000
    assert document["duration-ms"] is None  # no REPORT line here


#: AWS's endpoint by name, reached only through a loopback proxy (HTTP_PROXY): the request
#: goes to 127.0.0.1, and botocore's client believes it talks to AWS (the console links
#: are made only for AWS's endpoints)
AWS_NAMED = "http://lambda.eu-west-1.amazonaws.com"


def test_console_links_in_the_cli_and_the_summary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from support import cli_command, read_github_output, run_command, sandbox_env

    answer = function_answer({"ok": 1})
    answer.headers["X-Amzn-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    summary = tmp_path / "summary"
    with ScriptedLambda(answer) as endpoint:
        proxied = {"HTTP_PROXY": endpoint.url, "NO_PROXY": ""}
        command = [*cli_command(), "-f", "orders", "--endpoint-url", AWS_NAMED]
        console = run_command(command, env=sandbox_env(AWS_REGION="eu-west-1", **proxied))
        actions = run_command(
            command,
            env=action_env(GITHUB_OUTPUT=str(tmp_path / "out"), GITHUB_STEP_SUMMARY=str(summary),
                AWS_REGION="eu-west-1", **proxied,
            ),
        )  # fmt: skip
        paths = [path for _, path, _ in endpoint.requests]
    assert console.returncode == 0 and actions.returncode == 0, console.stderr
    assert all(path.startswith(f"{AWS_NAMED}/2015-03-31/functions/orders/") for path in paths)
    # the region from AWS_REGION, not an input: the link is there all the same
    assert (
        "lambda-invoke: logs in the console: https://eu-west-1.console.aws.amazon.com/"
        in console.stderr
    )
    assert "trace in the console: https://" in console.stderr
    assert "| Console | [logs](https://eu-west-1.console.aws.amazon.com/" in summary.read_text()
    assert read_github_output(tmp_path / "out")["status-code"] == "200"


def test_no_console_link_for_a_local_endpoint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from support import cli_command, run_command, sandbox_env

    answer = function_answer({"ok": 1})
    answer.headers["X-Amzn-Trace-Id"] = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "orders", "--endpoint-url", endpoint.url, "-r", "eu-west-1"],
            env=sandbox_env(),
        )
    assert done.returncode == 0
    assert "console" not in done.stderr
