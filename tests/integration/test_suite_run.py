"""Smoke suites end to end: the CLI and the entrypoint as subprocesses against
scripts/local_lambda.py (real handlers, a fixed delay per Invoke, and counters)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from support import (
    ROOT,
    LocalLambda,
    action_env,
    cli_command,
    entrypoint_command,
    local_lambda,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
HANDLERS = ROOT / "tests" / "handlers" / "suite_functions.py"
DELAY_MS = 100
CASES = 56


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[LocalLambda]:
    functions = {"echo": f"{HANDLERS}:echo", "fail": f"{HANDLERS}:fail"}
    with local_lambda(tmp_path, functions, delay_ms=DELAY_MS) as server:
        yield server


#: kind -> (case fields, status expected, a problem the report must name)
KINDS: list[tuple[dict[str, Any], str, str]] = [
    ({"function-name": "echo"}, "passed", ""),
    (
        {"function-name": "echo", "wrong": True},
        "failed",
        "assertion failed (1 of 3): $.event.i equals",
    ),
    ({"function-name": "fail"}, "failed", "function error (Unhandled): RuntimeError: boom"),
    (
        {
            "function-name": "fail",
            "expect-function-error": "Unhandled",
            "assert": {"$.errorType": "RuntimeError"},
        },
        "passed",
        "",
    ),
    (
        {"function-name": "echo", "invocation-type": "Event", "assert": {"status-code": 202}},
        "passed",
        "",
    ),
    (
        {"function-name": "echo", "expect-function-error": True},
        "failed",
        "a function error was expected",
    ),
    ({"function-name": "missing"}, "failed", "missing"),
]


def mixed_suite(count: int = CASES) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    cases, expected = [], []
    for index in range(count):
        fields, status, problem = KINDS[index % len(KINDS)]
        case = {key: value for key, value in fields.items() if key != "wrong"}
        case = {
            "name": f"case {index:02d} kind {index % len(KINDS)}",
            **case,
            "payload": {"i": index},
        }
        if "assert" not in case and case["function-name"] == "echo":
            offset = 1000 if fields.get("wrong") else 0
            case["assert"] = {"$.event.i": index + offset, "$.body.seen.i": index}
        cases.append(case)
        expected.append((case["name"], status, problem))
    return {
        "defaults": {"read-timeout": 30, "assert": {"status-code": {"lt": 300}}},
        "cases": cases,
    }, expected


def write_suite(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_mixed_suite_in_actions_keeps_order_runs_concurrently_and_reports(
    endpoint: LocalLambda, tmp_path: Path
) -> None:
    document, expected = mixed_suite()
    suite = write_suite(tmp_path / "smoke.yml", document)
    output, summary, junit = tmp_path / "output", tmp_path / "summary.md", tmp_path / "junit.xml"
    done = run_command(
        [
            *cli_command(),
            "suite",
            str(suite),
            "--endpoint-url",
            endpoint.url,
            "--junit-file",
            str(junit),
        ],
        env=action_env(
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
        ),
    )
    failed = [name for name, status, _ in expected if status == "failed"]
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr

    # the endpoint saw every case once, and several at the same time
    stats = endpoint.stats()
    assert stats["invokes"] == CASES
    assert stats["peak_in_flight"] >= 4, stats

    # outputs: counts and the results list in the file's order
    outputs = read_github_output(output)
    assert outputs["passed"] == str(CASES - len(failed))
    assert outputs["failed"] == str(len(failed))
    results = json.loads(outputs["results"])
    assert [(r["name"], r["status"]) for r in results] == [(n, s) for n, s, _ in expected]
    for result, (_, _, problem) in zip(results, expected, strict=True):
        if problem:
            assert any(problem in text for text in result["problems"]), result
    assert results[4]["status-code"] == 202
    assert results[3]["function-error"] == "Unhandled"

    # an annotation per failed case while GitHub shows them (10 a step: the tenth counts
    # the rest, which are log lines), then the final line
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert len(failed) > 10 and len(annotations) == 10
    assert annotations[0].startswith(f"::error title=smoke case%3A {failed[0]}::")
    assert annotations[-1].endswith(f"::{len(failed) - 9} more errors are in the log only "
                                    "(GitHub shows 10 a step)")  # fmt: skip
    assert f"error (smoke case: {failed[-1]}): " in done.stdout
    assert done.stdout.splitlines()[-1].startswith(
        f"{CASES - len(failed)} passed, {len(failed)} failed in "
    )

    # JUnit: parsed back, one testcase per case, failures carry the details
    root = ElementTree.parse(junit).getroot()
    testsuite = root.find("testsuite")
    assert testsuite is not None
    assert (testsuite.get("tests"), testsuite.get("failures")) == (str(CASES), str(len(failed)))
    testcases = testsuite.findall("testcase")
    assert [case.get("name") for case in testcases] == [name for name, _, _ in expected]
    by_name = {case.get("name"): case for case in testcases}
    for name, status, problem in expected:
        failure = by_name[name].find("failure")
        assert (failure is not None) == (status == "failed"), name
        if failure is not None:
            assert problem in (failure.text or ""), (name, failure.text)
    function_error = by_name[expected[2][0]].find("failure")
    assert function_error is not None and '"errorType": "RuntimeError"' in (
        function_error.text or ""
    )

    # the job summary: the verdict in the heading, a row per case, failures first, each
    # status in the file's order
    text = summary.read_text()
    assert text.startswith(f"### ❌ Lambda smoke suite: {CASES - len(failed)} passed, ")
    rows = [line for line in text.splitlines() if line.startswith("| case ")]
    passed = [name for name, status, _ in expected if status == "passed"]
    assert [row.split(" | ")[0][2:] for row in rows] == failed + passed


def test_concurrency_makes_it_faster_than_one_at_a_time(
    endpoint: LocalLambda, tmp_path: Path
) -> None:
    cases = [{"name": f"c{i}", "function-name": "echo", "payload": {"i": i}} for i in range(16)]
    suite = write_suite(tmp_path / "s.yml", {"cases": cases})
    seconds = {}
    for concurrency in ("1", "8"):
        done = run_command(
            [
                *cli_command(),
                "suite",
                str(suite),
                "--endpoint-url",
                endpoint.url,
                "--max-concurrency",
                concurrency,
            ],
            env=sandbox_env(),
        )
        assert done.returncode == 0, done.stderr
        match = re.fullmatch(r"16 passed, 0 failed in (\d+\.\d) s\n", done.stdout)
        assert match, done.stdout
        seconds[concurrency] = float(match[1])
    assert seconds["1"] >= 16 * DELAY_MS / 1000
    # 8 at a time saves most of the 16 delays (client start-up is the same in both runs)
    assert seconds["1"] - seconds["8"] >= 0.5 * 16 * DELAY_MS / 1000, seconds
    assert endpoint.stats()["invokes"] == 32


def test_max_rate_paces_the_whole_suite(endpoint: LocalLambda, tmp_path: Path) -> None:
    """max-rate is the suite's budget: 10 cases (one a repeat of 3), 8 at a time, at most
    5 invocations a second: the 12 starts take at least 11 intervals of 0.2 s."""
    cases = [{"name": f"c{i}", "function-name": "echo"} for i in range(9)]
    cases.append({"name": "r", "function-name": "echo", "repeat": 3, "repeat-concurrency": 3})
    suite = write_suite(tmp_path / "s.yml", {"cases": cases})
    done = run_command(
        [*cli_command(), "suite", str(suite), "--endpoint-url", endpoint.url,
         "--max-concurrency", "8", "--max-rate", "5"],
        env=sandbox_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "up to 8 at a time, at most 5 invocations a second" in done.stderr
    match = re.fullmatch(r"10 passed, 0 failed in (\d+\.\d) s\n", done.stdout)
    assert match, done.stdout
    assert float(match[1]) >= 11 * 0.2 - 0.05  # a lower bound: no machine makes it faster
    assert endpoint.stats()["invokes"] == 12


def test_fail_fast_starts_no_more_cases(endpoint: LocalLambda, tmp_path: Path) -> None:
    cases = [{"name": "first fails", "function-name": "fail"}]
    cases += [{"name": f"later {i}", "function-name": "echo"} for i in range(9)]
    suite = write_suite(tmp_path / "s.yml", {"cases": cases})
    done = run_command(
        [
            *cli_command(),
            "suite",
            str(suite),
            "--endpoint-url",
            endpoint.url,
            "--fail-fast",
            "--max-concurrency",
            "1",
            "--json",
        ],
        env=sandbox_env(),
    )
    assert done.returncode == 1
    assert endpoint.stats()["invokes"] == 1
    results = json.loads(done.stdout)
    assert [r["status"] for r in results] == ["failed"] + ["skipped"] * 9
    assert "0 passed, 1 failed, 9 not run (fail-fast)" in done.stderr


def test_a_bad_case_late_in_the_file_stops_everything_before_any_invoke(
    endpoint: LocalLambda, tmp_path: Path
) -> None:
    document, _ = mixed_suite(50)
    document["cases"][39]["invocation-type"] = "Sync"
    suite = write_suite(tmp_path / "s.yml", document)
    done = run_command(
        [*cli_command(), "suite", str(suite), "--endpoint-url", endpoint.url], env=sandbox_env()
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lambda-invoke: error: input 'suite': case 40 (case 39 kind 4): field 'invocation-type': "
        "expected one of RequestResponse, Event, DryRun, got 'Sync'"
    )
    assert endpoint.stats()["invokes"] == 0


def test_the_entrypoint_takes_the_suite_from_action_inputs(
    endpoint: LocalLambda, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    done = run_command(
        entrypoint_command(),
        env=sandbox_env(
            **{
                "GITHUB_ACTIONS": "true",
                "LAMBDA_INVOKE_AS_ACTION": "true",
                "GITHUB_OUTPUT": str(output),
                "INPUT_SUITE": "cases:\n  - {name: one, payload: {i: 1}}\n"
                "  - {name: two, payload: {i: 2}}\n",
                "INPUT_FUNCTION-NAME": "echo",  # a run input: the default of every case
                "INPUT_ENDPOINT-URL": endpoint.url,
                "INPUT_MAX-CONCURRENCY": "2",
                "INPUT_INVOCATION-TYPE": "RequestResponse",
                "INPUT_FAIL-FAST": "false",
            }
        ),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = read_github_output(output)
    assert (outputs["passed"], outputs["failed"]) == ("2", "0")
    assert [json.loads(r["payload"])["event"] for r in json.loads(outputs["results"])] == [
        {"i": 1},
        {"i": 2},
    ]
