"""shard: I/N and lambda-invoke merge: a deterministic, stable, complete partition of a
suite's cases, and shards merged into the report one run of the whole suite gives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from support import (
    REPORT_LOGS,
    ScriptedLambda,
    action_env,
    cli_command,
    function_answer,
    read_github_output,
    run_command,
    sandbox_env,
)

from lambda_invoke.suitefile import in_shard

pytestmark = pytest.mark.integration


def suite_text(count: int) -> str:
    cases = "".join(
        f"  - name: case {n}\n    function-name: fn\n"
        + ("    assert: {'$.ok': false}\n" if n % 4 == 0 else "")
        for n in range(count)
    )
    return f"cases:\n{cases}"


def test_the_partition_is_complete_disjoint_and_stable() -> None:
    names = [f"case {n}" for n in range(200)]
    shards = [{name for name in names if in_shard(name, i, 4)} for i in range(1, 5)]
    assert set().union(*shards) == set(names)
    assert sum(len(shard) for shard in shards) == len(names)
    assert all(20 <= len(shard) <= 80 for shard in shards)  # a hash spreads them
    more = [*names, *(f"new case {n}" for n in range(50))]
    for i, shard in enumerate(shards, start=1):  # adding cases moves none of the others
        assert {name for name in more if in_shard(name, i, 4)} >= shard


def run(tmp_path: Path, url: str, *argv: str):  # type: ignore[no-untyped-def]
    return run_command(
        [*cli_command(), *argv, "--endpoint-url", url], env=sandbox_env(), cwd=tmp_path
    )


def actions_env(tmp_path: Path, name: str, **inputs: str) -> dict[str, str]:
    return action_env(
        GITHUB_OUTPUT=str(tmp_path / f"{name}.output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / f"{name}.summary.md"),
        **inputs,
    )


def times_aside(text: str) -> str:
    """What differs between two runs of the same cases: measured times."""
    text = re.sub(r'(time|"seconds"|"elapsed-ms"|elapsed-ms)(=|": |: )"?[\d.]+"?', r"\1\2T", text)
    return re.sub(r" in [\d.]+ s", " in T s", text)


def test_merged_shards_render_what_one_run_renders(tmp_path: Path) -> None:
    """The golden file: one run of a 12-case suite (passes, failed assertions, a function
    error with its log and payload, a name with a control character) against three shards
    merged. Outputs, job summary, JUnit and exit code are the same, times aside."""
    stable = {"x-amzn-RequestId": "3f1c2d4e-0000-4000-8000-00000000000a"}
    ok = function_answer({"ok": True}, logs=REPORT_LOGS)
    ok.headers.update(stable)
    crash = function_answer({"errorType": "Boom", "errorMessage": "it broke"}, error="Unhandled",
                            logs="START\n[ERROR] Boom: it broke\nEND\n")  # fmt: skip
    crash.headers.update(stable)
    with ScriptedLambda(ok) as endpoint, ScriptedLambda(crash) as crashing:
        (tmp_path / "suite.yml").write_text(
            suite_text(10)
            + f"  - name: crashes\n    function-name: fn\n    endpoint-url: {crashing.url}\n"
            + '  - name: "bell \\a in the name"\n    function-name: fn\n'
        )
        whole = run_command(
            [*cli_command(), "suite", "suite.yml", "--junit-file", "whole.xml",
             "--endpoint-url", endpoint.url],
            env=actions_env(tmp_path, "whole"), cwd=tmp_path,
        )  # fmt: skip
        for i in (1, 2, 3):
            shard = run(tmp_path, endpoint.url, "suite", "suite.yml", "--shard", f"{i}/3",
                        "--results-file", f"shard{i}.json")  # fmt: skip
            assert shard.returncode in (0, 1), shard.stderr
    merged = run_command(
        cli_command(),
        env=actions_env(tmp_path, "merged", **{"INPUT_MERGE": "shard*.json",
                                                 "INPUT_JUNIT-FILE": "merged.xml"}),
        cwd=tmp_path,
    )  # fmt: skip
    assert whole.returncode == merged.returncode == 1, merged.stdout
    assert "8 passed, 4 failed in" in whole.stdout
    assert "8 passed, 4 failed in" in merged.stdout and "(merged 3 shards)" in merged.stdout
    for name in ("whole", "merged"):
        ElementTree.parse(tmp_path / f"{name}.xml")  # well-formed, the bell dropped
    assert times_aside((tmp_path / "merged.xml").read_text()) == times_aside(
        (tmp_path / "whole.xml").read_text()
    )
    assert (tmp_path / "merged.summary.md").read_text() == (
        tmp_path / "whole.summary.md"
    ).read_text()
    outputs = {
        name: read_github_output(tmp_path / f"{name}.output") for name in ("whole", "merged")
    }
    assert times_aside(outputs["merged"]["results"]) == times_aside(outputs["whole"]["results"])
    assert {key: outputs["merged"][key] for key in ("passed", "failed")} == {
        key: outputs["whole"][key] for key in ("passed", "failed")
    }
    failures = [line for line in merged.stdout.splitlines() if line.startswith("::error")]
    assert failures == [line for line in whole.stdout.splitlines() if line.startswith("::error")]


def test_merge_refuses_other_versions_and_missing_shards(tmp_path: Path) -> None:
    (tmp_path / "suite.yml").write_text(suite_text(4))
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        run(
            tmp_path,
            endpoint.url,
            "suite",
            "suite.yml",
            "--shard",
            "1/2",
            "--results-file",
            "a.json",
        )
        (tmp_path / "suite.yml").write_text(suite_text(5))  # the suite changed between jobs
        run(
            tmp_path,
            endpoint.url,
            "suite",
            "suite.yml",
            "--shard",
            "2/2",
            "--results-file",
            "b.json",
        )
    other = run_command(
        [*cli_command(), "merge", "a.json", "b.json"], env=sandbox_env(), cwd=tmp_path
    )
    assert other.returncode == 2
    assert "are shards of different suite versions" in other.stderr
    missing = run_command([*cli_command(), "merge", "a.json"], env=sandbox_env(), cwd=tmp_path)
    assert missing.returncode == 2
    assert "shard 2/2 is missing" in missing.stderr


def test_a_bad_shard_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "suite.yml").write_text(suite_text(2))
    done = run(tmp_path, "http://127.0.0.1:9", "suite", "suite.yml", "--shard", "3/2")
    assert done.returncode == 2
    assert "input 'shard': expected I/N with 1 <= I <= N <= 256, got '3/2'" in done.stderr


def test_results_file_rows_keep_the_suite_index(tmp_path: Path) -> None:
    (tmp_path / "suite.yml").write_text(suite_text(3))
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        run(tmp_path, endpoint.url, "suite", "suite.yml", "--results-file", "all.json")
    document = json.loads((tmp_path / "all.json").read_text())
    assert document["shard"] == "1/1" and len(document["suite"]) == 16
    assert [row["index"] for row in document["results"]] == [0, 1, 2]


def test_the_merge_input_is_the_actions_merge_job(tmp_path: Path) -> None:
    """As the action's merge job runs it: INPUT_MERGE with a glob, outputs and JUnit file."""
    (tmp_path / "suite.yml").write_text(suite_text(8))
    (tmp_path / "shards").mkdir()
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        for i in (1, 2):
            run(tmp_path, endpoint.url, "suite", "suite.yml", "--shard", f"{i}/2",
                "--results-file", f"shards/shard-{i}.json")  # fmt: skip
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    merged = run_command(
        cli_command(),
        env=action_env(**{"INPUT_MERGE": "shards/shard-*.json\n", "INPUT_JUNIT-FILE": "m.xml",
                          "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}),
        cwd=tmp_path,
    )  # fmt: skip
    assert merged.returncode == 1, merged.stderr
    assert re.search(r"^6 passed, 2 failed in [\d.]+ s \(merged 2 shards\)$", merged.stdout, re.M)
    outputs = read_github_output(output)
    assert (outputs["passed"], outputs["failed"]) == ("6", "2")
    assert len(json.loads(outputs["results"])) == 8
    assert "case 4" in summary.read_text() and (tmp_path / "m.xml").exists()


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"INPUT_MERGE": "nothing-*.json"}, "input 'merge': 'nothing-*.json' matches no file"),
        (
            {"INPUT_MERGE": "a.json", "INPUT_FUNCTION-NAME": "fn"},
            "input 'merge': merge replaces invoking: give it without function-name",
        ),
        ({"INPUT_MERGE": "missing.json"}, "input 'merge'"),
        ({"INPUT_MERGE": "a.json", "INPUT_SUMMARY": "maybe"}, "input 'summary'"),
    ],
)
def test_a_bad_merge_input_is_refused(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    done = run_command(cli_command(), env=sandbox_env(**inputs), cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_summary_false_holds_for_a_merge(tmp_path: Path) -> None:
    (tmp_path / "suite.yml").write_text(suite_text(2))
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        run(tmp_path, endpoint.url, "suite", "suite.yml", "--results-file", "all.json")
    summary = tmp_path / "summary.md"
    merged = run_command(
        cli_command(),
        env=action_env(INPUT_MERGE="all.json", INPUT_SUMMARY="false",
                       GITHUB_STEP_SUMMARY=str(summary)),
        cwd=tmp_path,
    )  # fmt: skip
    assert merged.returncode == 1, merged.stdout  # case 0 fails its assertion
    assert not summary.exists()
