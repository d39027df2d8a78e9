"""The command line: subcommands wherever they stand, refusals that name every input."""

from __future__ import annotations

import pytest
from support import ScriptedLambda, Stubbed, cli_command, function_answer, run_command, sandbox_env

from lambda_invoke.cli import _subcommand, build_parser


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["suite", "s.yml"], ["--suite", "s.yml"]),
        (
            ["--endpoint-url", "http://x", "suite", "s.yml"],
            ["--endpoint-url", "http://x", "--suite", "s.yml"],
        ),
        (
            ["--raw", "true", "suite", "s.yml", "-r", "eu-west-1"],
            ["--raw", "true", "-r", "eu-west-1", "--suite", "s.yml"],
        ),
        (["--json", "local", "-f", "hello"], ["--json", "-f", "hello", "--local"]),
        (
            ["-f", "fn", "--endpoint-url=http://x", "local"],
            ["-f", "fn", "--endpoint-url=http://x", "--local"],
        ),
        (["-f", "fn", "out.json"], ["-f", "fn", "out.json"]),  # an output file, not a subcommand
        (["-f", "fn", "--", "suite"], ["-f", "fn", "--", "suite"]),
    ],
)
def test_subcommands_stand_before_or_after_options(argv: list[str], expected: list[str]) -> None:
    assert _subcommand(argv, build_parser()) == expected


@pytest.mark.integration
def test_an_option_before_suite_works(tmp_path) -> None:  # type: ignore[no-untyped-def]
    suite = tmp_path / "suite.yml"
    suite.write_text("cases:\n  - name: one\n    function-name: fn\n")
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        done = run_command(
            [*cli_command(), "--endpoint-url", endpoint.url, "suite", str(suite)],
            env=sandbox_env(),
        )
    assert done.returncode == 0, done.stderr
    assert "1 passed, 0 failed" in done.stdout


def test_stack_name_with_local_names_both(stubbed: Stubbed) -> None:
    run = stubbed.run(["--stack-name", "app", "--local"])
    assert run.code == 2
    assert "input 'stack-name'" in run.stderr
    assert "function" in run.stderr and "local" in run.stderr.split("input 'stack-name'")[1]
    assert not stubbed.created
