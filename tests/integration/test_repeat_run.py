"""repeat against a scripted latency distribution with known quantiles: 100 answers with
REPORT durations 1..100 ms, three of them cold starts, one throttle; 4 at a time."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from support import (
    Answer,
    ScriptedLambda,
    action_env,
    cli_command,
    lambda_error,
    local_lambda,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration


def answer(duration: int, cold: bool) -> Answer:
    init = "\tInit Duration: 120.00 ms" if cold else ""
    logs = (
        f"START RequestId: r{duration} Version: $LATEST\nEND RequestId: r{duration}\n"
        f"REPORT RequestId: r{duration}\tDuration: {duration}.00 ms\tBilled Duration: "
        f"{duration} ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB{init}\t\n"
    )
    return Answer(
        body=b'{"ok": true}',
        headers={
            "X-Amz-Executed-Version": "$LATEST",
            "X-Amz-Log-Result": base64.b64encode(logs.encode()).decode(),
        },
    )


def test_percentiles_cold_starts_and_throttles(tmp_path: Path) -> None:
    answers = [lambda_error(429, "TooManyRequestsException", "slow down")]
    answers += [answer(n, cold=n <= 3) for n in range(1, 101)]
    output = tmp_path / "output"
    with ScriptedLambda(*answers) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--repeat", "100",
             "--repeat-concurrency", "4", "--assert",
             "duration-ms-p95: { lte: 95 }\ncold-starts: 3\nfunction-errors: 0\ninvocations: 100"],
            env=action_env(GITHUB_OUTPUT=str(output)),
            cwd=tmp_path,
        )  # fmt: skip
        invokes = endpoint.invocations
    assert done.returncode == 0, done.stdout[-3000:]
    assert invokes == 101  # the throttled attempt was retried, nothing ran twice
    outputs = read_github_output(output)
    assert (outputs["duration-ms-p50"], outputs["duration-ms-p95"], outputs["duration-ms-max"]) == (
        "50.0",
        "95.0",
        "100.0",
    )
    assert outputs["billed-duration-ms-p99"] == "99.0"
    assert (outputs["cold-starts"], outputs["throttles"], outputs["invocations"]) == (
        "3",
        "1",
        "100",
    )
    rows = json.loads((tmp_path / outputs["repeat-file"]).read_text())
    assert len(rows) == 100 and sorted(row["duration-ms"] for row in rows) == [
        float(n) for n in range(1, 101)
    ]
    # written as each finished (memory stays flat), each with its start number
    assert sorted(row["invocation"] for row in rows) == list(range(1, 101))
    assert "duration-ms" in done.stdout and "p95" in done.stdout  # the compact table


def test_a_later_function_error_fails_the_step(tmp_path: Path) -> None:
    ok = answer(5, cold=False)
    failing = Answer(
        body=b'{"errorMessage": "x", "errorType": "E"}',
        headers={"X-Amz-Executed-Version": "1", "X-Amz-Function-Error": "Unhandled"},
    )
    with ScriptedLambda(ok, ok, failing) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--repeat", "3"],
            env=sandbox_env(),
            cwd=tmp_path,
        )
    assert done.returncode == 1, done.stderr
    assert "1 of 3 invocations returned a function error" in done.stderr


def test_a_suite_case_repeats_and_checks_its_percentiles(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "cases:\n"
        "  - name: fast enough\n"
        "    function-name: fn\n"
        "    repeat: 20\n"
        "    repeat-concurrency: 4\n"
        "    assert: {duration-ms-p95: {lte: 19}, invocations: 20}\n"
        "  - name: too slow\n"
        "    function-name: fn\n"
        "    repeat: 20\n"
        "    assert: {duration-ms-max: {lt: 5}}\n"
    )
    with ScriptedLambda(*[answer(n, cold=False) for n in range(1, 21)]) as endpoint:
        done = run_command(
            [*cli_command(), "suite", str(suite), "--endpoint-url", endpoint.url, "--json",
             "--max-concurrency", "1"],
            env=sandbox_env(),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)
    assert results[0]["status"] == "passed", results[0]["problems"]
    assert results[0]["repeat"]["duration-ms-p95"] == 19.0
    assert results[1]["status"] == "failed"
    assert "duration-ms-max lt 5: got 20" in results[1]["problems"][0]


def test_throttling_slows_the_whole_pool_and_runs_nothing_twice(tmp_path: Path) -> None:
    """A function with a reserved concurrency of 4 (20 ms a call), invoked 300 times 16 at
    a time: without slowing down, 13-17 % of the calls came back throttled (measured with
    botocore's standard mode); botocore's adaptive limiter on the shared client keeps it to
    a few. Every throttled call is sent again and each invocation runs exactly once."""
    handler = tmp_path / "fn.py"
    handler.write_text("def handler(event, context):\n    return {'ok': True}\n")
    output = tmp_path / "output"
    with local_lambda(
        tmp_path, {"fn": f"{handler}:handler"}, delay_ms=20, reserved_concurrency=4
    ) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--repeat", "300",
             "--repeat-concurrency", "16", "--max-attempts", "10",
             "--assert", "invocations: 300\nfunction-errors: 0"],
            env=action_env(GITHUB_OUTPUT=str(output)),
            cwd=tmp_path,
        )  # fmt: skip
        stats = endpoint.stats()
    assert done.returncode == 0, done.stderr[-3000:]
    assert stats["invokes"] == 300 and stats["peak_in_flight"] <= 4, stats
    outputs = read_github_output(output)
    assert int(outputs["throttles"]) == stats["throttled"]
    assert stats["throttled"] <= 15, f"{stats['throttled']} throttled calls of 300 (5 % allowed)"
