"""shard: I/N and lambda-invoke merge: a deterministic, stable, complete partition of a
suite's cases, and shards merged into the report one run of the whole suite gives."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from support import (
    ScriptedLambda,
    cli_command,
    function_answer,
    read_github_output,
    run_command,
    sandbox_env,
)

from lambda_invoke.suite import in_shard

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


def test_merged_shards_equal_one_run(tmp_path: Path) -> None:
    (tmp_path / "suite.yml").write_text(suite_text(12))
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        whole = run(tmp_path, endpoint.url, "suite", "suite.yml", "--junit-file", "whole.xml")
        for i in (1, 2, 3):
            shard = run(tmp_path, endpoint.url, "suite", "suite.yml", "--shard", f"{i}/3",
                        "--results-file", f"shard{i}.json")  # fmt: skip
            assert shard.returncode in (0, 1), shard.stderr
    merged = run_command(
        [*cli_command(), "merge", "--junit-file", "merged.xml", "shard1.json", "shard2.json",
         "shard3.json"],
        env=sandbox_env(),
        cwd=tmp_path,
    )  # fmt: skip
    assert whole.returncode == merged.returncode == 1
    assert "9 passed, 3 failed" in whole.stdout
    assert "9 passed, 3 failed (merged 3 shards)" in merged.stdout
    names = lambda path: [c.get("name") for c in ElementTree.parse(path).iter("testcase")]  # noqa: E731
    assert names(tmp_path / "merged.xml") == names(tmp_path / "whole.xml")  # the suite's order
    failures = ElementTree.parse(tmp_path / "merged.xml").getroot().find("testsuite")
    assert failures is not None and failures.get("failures") == "3"


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
        env=sandbox_env(**{"INPUT_MERGE": "shards/shard-*.json\n", "INPUT_JUNIT-FILE": "m.xml",
                           "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(output),
                           "GITHUB_STEP_SUMMARY": str(summary)}),
        cwd=tmp_path,
    )  # fmt: skip
    assert merged.returncode == 1, merged.stderr
    assert "6 passed, 2 failed (merged 2 shards)" in merged.stdout
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
    ],
)
def test_a_bad_merge_input_is_refused(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    done = run_command(cli_command(), env=sandbox_env(**inputs), cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
