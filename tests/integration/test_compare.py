"""compare-to against real answers: scripts/local_lambda.py serving two versions of one
function (orders:live and orders:candidate, tests/handlers/versions.py) whose answers carry
a fresh timestamp and id each time, the candidate renaming a status or sleeping on ask."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from support import (
    ROOT,
    LocalLambda,
    action_env,
    cli_command,
    read_github_output,
    run_command,
    sandbox_env,
)
from support import local_lambda as start_local_lambda

pytestmark = pytest.mark.integration
VERSIONS = ROOT / "tests" / "handlers" / "versions.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLambda]:
    functions = {"orders:live": f"{VERSIONS}:live", "orders:candidate": f"{VERSIONS}:candidate"}
    with start_local_lambda(tmp_path_factory.mktemp("versions"), functions) as running:
        yield running


@pytest.fixture
def endpoint(server: LocalLambda) -> str:
    return server.url


def invoke(url: str, *argv: str, **env: str):  # type: ignore[no-untyped-def]
    command = [*cli_command(), "--endpoint-url", url, "-f", "orders:candidate", *argv]
    return run_command(command, env=sandbox_env(**env))


def test_a_regression_is_reported_and_the_timestamp_is_noise(endpoint: str) -> None:
    done = invoke(endpoint, "--compare-to", "live", "-d", '{"rename": true}', "--json")
    assert done.returncode == 1, done.stderr
    assert '@@ /body/status\nlambda-invoke: -"ok"\nlambda-invoke: +"OK"' in done.stderr
    assert "1 differences in 1 events, 0 new function errors; noise (the baseline's own " \
        "answers differ): /body/at, /body/id" in done.stderr  # fmt: skip
    assert "assertion failed (1 of 1): differences equals 0: got 1" in done.stderr
    document = json.loads(done.stdout)
    assert document["differences"] == 1
    comparison = document["comparison"]
    assert comparison["against"] == "orders:live" and comparison["verdict"] == "different"
    assert comparison["noise"] == ["/body/at", "/body/id"]
    (event,) = comparison["events"]
    assert {"pointer": "/body/status", "noise": False, "baseline": "ok", "candidate": "OK"} in (
        event["differences"]
    )


def test_the_same_answers_pass_and_the_outputs_are_set(endpoint: str, tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.touch()
    done = invoke(
        endpoint, "--compare-to", "live", "-d", "{}", "--repeat", "6",
        GITHUB_OUTPUT=str(output), GITHUB_ACTIONS="true", LAMBDA_INVOKE_AS_ACTION="true",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = read_github_output(output)
    assert outputs["differences"] == "0" and outputs["new-function-errors"] == "0"
    comparison = json.loads(outputs["comparison"])
    assert comparison["compared"] == 6 and comparison["verdict"] == "same"
    assert comparison["latency"]["duration-ms"]["baseline"]["n"] == 12  # twice per event
    assert float(outputs["duration-ms-p95-ratio"]) > 0


def test_the_latency_gate_passes_and_fails_on_durations(endpoint: str) -> None:
    gate = "duration-ms-p95-ratio: {lt: 1.5}"
    alike = invoke(endpoint, "--compare-to", "live", "-d", '{"sleep-ms": 60}', "--assert", gate)
    assert alike.returncode == 0, alike.stderr
    slower = '{"sleep-ms": 60, "candidate-sleep-ms": 120}'
    slow = invoke(endpoint, "--compare-to", "live", "-d", slower, "--assert", gate)
    assert slow.returncode == 1
    assert "assertion failed (1 of 2): duration-ms-p95-ratio lt 1.5: got " in slow.stderr


def test_a_new_function_error_fails_the_gate(endpoint: str) -> None:
    done = invoke(
        endpoint, "--compare-to", "live", "-d", '{"crash": true}',
        "--fail-on-function-error", "false",
        "--assert", "new-function-errors: 0\ndifferences: {gte: 0}",
    )  # fmt: skip
    assert done.returncode == 1
    assert "new-function-errors equals 0: got 1" in done.stderr
    assert "@@ function-error\nlambda-invoke: -(none)\nlambda-invoke: +Unhandled" in done.stderr


def test_compare_ignore_leaves_a_path_out(endpoint: str) -> None:
    done = invoke(
        endpoint, "--compare-to", "live", "-d", '{"rename": true}',
        "--compare-ignore", "$.body.status", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["differences"] == 0


def test_a_missing_baseline_is_the_comparisons_problem(endpoint: str) -> None:
    done = invoke(endpoint, "--compare-to", "nope", "-d", "{}", "--json")
    assert done.returncode == 1
    assert "! the baseline orders:nope: function orders not found" in done.stderr
    assert json.loads(done.stdout)["comparison"]["events"][0]["problem"].startswith(
        "the baseline orders:nope: "
    )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (("--compare-to", "candidate"), "input 'compare-to': 'candidate' is what the step invokes"),
        (("--compare-to", "live", "--invocation-type", "Event"),
         "input 'compare-to': compares answers: invocation-type Event has none"),
        (("--compare-to", "bad name!"),
         "input 'compare-to': 'bad name!' is not a version or alias"),
        (("--compare-to", "a:b:c"), "input 'compare-to': "),
        (("--compare-ignore", "$.a"), "input 'compare-ignore': is read with compare-to"),
        (("--compare-to", "live", "--compare-ignore", "$[("),
         "input 'compare-ignore': invalid JSONPath '$[('"),
        (("--compare-to", "live", "--compare-ignore", "body"),
         "input 'compare-ignore': 'body' is not a JSONPath"),
        (("--assert", "duration-ms-p95-ratio: {lt: 1.2}"),
         "input 'assert': duration-ms-p95-ratio is an output of compare-to or snapshot: give "
         "one of them"),
    ],
)  # fmt: skip
def test_bad_comparison_inputs_exit_2_before_any_call(argv: tuple[str, ...], line: str) -> None:
    done = invoke("http://127.0.0.1:9", *argv)  # nothing listens there: no call is made
    assert done.returncode == 2, done.stderr
    assert line in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_suite_compares_each_case_and_a_case_may_opt_out(
    server: LocalLambda, tmp_path: Path
) -> None:
    """compare-to in the defaults; a case with side effects says compare-to: none and is
    sent once, to the candidate only (3 calls a compared case, 1 for it)."""
    suite = tmp_path / "smoke.yml"
    suite.write_text(  # (the gates of the defaults: an opted-out case does not inherit them)
        "defaults: {function-name: orders:candidate, compare-to: live,\n"
        "           assert: {new-function-errors: 0, elapsed-ms-p95-ratio: {lt: 100}}}\n"
        "cases:\n"
        "  - {name: same, payload: {}}\n"
        "  - {name: renamed, payload: {rename: true}}\n"
        "  - {name: writes, compare-to: none, payload: {rename: true}}\n"
    )
    before = server.stats()["invokes"]
    done = run_command(
        [
            *cli_command(),
            "suite",
            str(suite),
            "--endpoint-url",
            server.url,
            "--max-concurrency",
            "1",
        ],
        env=sandbox_env(),
    )
    assert done.returncode == 1, done.stderr
    assert server.stats()["invokes"] - before == 7
    assert "FAIL [2/3] renamed (orders:candidate): differences from orders:live: /body/status " \
        '"ok" -> "OK"' in done.stderr  # fmt: skip
    assert "renamed: @@ /body/status" in done.stderr
    assert (
        'case renamed: differences from orders:live: /body/status "ok" -> "OK"; assertion '
        "failed (1 of 3): differences equals 0: got 1" in done.stderr
    )  # (the first problem is the summary's cell and JUnit's message)
    assert "PASS [3/3] writes" in done.stderr and "PASS [1/3] same" in done.stderr
    assert "same: compar" not in done.stderr  # a passing case says nothing more


def test_a_streamed_baseline_is_compared_not_printed() -> None:
    """invoke-mode stream: stdout is the candidate's answer only; the baseline's stream is
    read and compared (it printed into the candidate's output before)."""
    from support import Answer, ScriptedLambda, invoke_complete, payload_chunk

    def streamed(text: bytes) -> Answer:
        return Answer(stream=((0.0, payload_chunk(text)), (0.0, invoke_complete())))

    candidate, live = streamed(b'{"v": "new"}'), streamed(b'{"v": "old"}')
    with ScriptedLambda(candidate, qualified={"live": live}) as scripted:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", scripted.url,
             "--invoke-mode", "stream", "--compare-to", "live"],
            env=sandbox_env(),
        )  # fmt: skip
        sent = scripted.invocations
    assert done.returncode == 1, done.stderr
    assert done.stdout == '{"v": "new"}\n' or done.stdout.strip() == '{"v": "new"}'
    assert '@@ /v\nlambda-invoke: -"old"\nlambda-invoke: +"new"' in done.stderr
    assert sent == 3


def test_a_suites_differences_reach_its_summary_junit_and_a_merged_shard(
    server: LocalLambda, tmp_path: Path
) -> None:
    """Each differing case: a differences table in the job summary, its differences in its
    JUnit failure and in its row of results; a shard's results file carries them to merge."""
    suite = tmp_path / "smoke.yml"
    suite.write_text(
        "defaults: {function-name: orders:candidate, compare-to: live}\n"
        "cases:\n  - {name: same, payload: {}}\n  - {name: renamed, payload: {rename: true}}\n"
    )
    env = action_env(GITHUB_OUTPUT=str(tmp_path / "out"),
                     GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))  # fmt: skip
    done = run_command(
        [*cli_command(), "suite", str(suite), "--endpoint-url", server.url, "--junit-file",
         "junit.xml", "--shard", "1/1", "--results-file", "shard.json"],
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    summary = (tmp_path / "summary.md").read_text()
    assert "#### Compared with orders:live" in summary
    assert "**different**: 1 of 2 compared cases differ, 0 new function errors" in summary
    assert 'title "duration-ms: candidate and baseline"' in summary  # the cases' samples, pooled
    assert "#### renamed: 1 differences from orders:live" in summary
    assert '| the event | `/body/status` | "ok" | "OK" | regression |' in summary
    assert "#### same" not in summary
    failure = ElementTree.parse(tmp_path / "junit.xml").find(".//failure")
    assert failure is not None and '  /body/status: "ok" -> "OK"' in (failure.text or "")
    rows = {row["name"]: row for row in json.loads(read_github_output(tmp_path / "out")["results"])}
    assert rows["same"]["comparison"]["differences"] == 0
    assert len(rows["same"]["comparison"]["latency"]["elapsed-ms"]["baseline"]) == 2
    assert rows["renamed"]["comparison"]["differences"] == 1
    assert rows["renamed"]["comparison"]["events"][0]["differences"][0]["pointer"] == "/body/status"

    merged = run_command(
        [*cli_command(), "merge", "shard.json"],
        env=action_env(GITHUB_OUTPUT=str(tmp_path / "out2"),
                       GITHUB_STEP_SUMMARY=str(tmp_path / "merged.md")),
        cwd=tmp_path,
    )  # fmt: skip
    assert merged.returncode == 1, merged.stderr
    assert (
        '| the event | `/body/status` | "ok" | "OK" | regression |'
        in (tmp_path / "merged.md").read_text()
    )
