"""The command line: subcommands wherever they stand, refusals that name every input."""

from __future__ import annotations

import sys

import pytest
from support import (
    ROOT,
    ScriptedLambda,
    Stubbed,
    cli_command,
    function_answer,
    run_command,
    sandbox_env,
)

from lambda_invoke.commandline import build_parser
from lambda_invoke.commandline import subcommand as _subcommand


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


# -- help that teaches ---------------------------------------------------------------

HELPS = [
    (["--help"], ["function options:", "payload options:", "assertions options:", "examples:"]),
    (["-h"], ["usage: lambda-invoke"]),
    (["suite", "--help"], ["lambda-invoke suite FILE", "suite options:", "--junit-file PATH"]),
    (["suite", "smoke.yml", "-h"], ["run a smoke suite"]),
    (["local", "--help"], ["lambda-invoke local", "serverless invoke local", "--env KEY=VALUE"]),
    (["help"], ["usage: lambda-invoke", "More: lambda-invoke help"]),
    (["help", "suite"], ["suite options:"]),
    (["help", "local"], ["local (invoke local) options:"]),
    (["help", "assert"], ["matches (regex, 1 s limit)", "only exists: false passes"]),
    (["help", "exit-codes"], ["130  stopped by SIGINT"]),
    (["help", "merge"], ["lambda-invoke merge FILE...", "different suite versions", "--summary"]),
    (["merge", "--help"], ["lambda-invoke merge FILE...", "--junit-file PATH"]),
    (["--endpoint-url", "http://x", "suite", "s.yml", "--help"], ["suite options:"]),
]


@pytest.mark.parametrize(("argv", "expected"), HELPS, ids=[" ".join(a) for a, _ in HELPS])
def test_every_help_exits_0_and_teaches(
    stubbed: Stubbed, argv: list[str], expected: list[str]
) -> None:
    run = stubbed.run(argv)
    assert run.code == 0, run.stderr
    for text in expected:
        assert text in run.stdout
    assert not stubbed.created  # help invokes nothing


def test_the_subcommand_helps_put_their_own_options_first(stubbed: Stubbed) -> None:
    suite = stubbed.run(["suite", "--help"]).stdout
    local = stubbed.run(["local", "--help"]).stdout
    assert suite.index("suite options:") < suite.index("function options:")
    assert local.index("local (invoke local) options:") < local.index("function options:")


def test_an_unknown_help_topic_is_one_line_exit_2(stubbed: Stubbed) -> None:
    run = stubbed.run(["help", "everything"])
    assert run.code == 2
    topics = "(topics: suite, local, assert, compare, merge, exit-codes)"
    assert f"no help topic 'everything' {topics}" in run.stderr


def test_every_input_is_in_a_help_group_with_a_type_metavar() -> None:
    from lambda_invoke.interface import GROUPS, INPUTS

    assert {spec.group for spec in INPUTS} == set(GROUPS)  # no empty group
    for spec in INPUTS:
        assert (spec.metavar == "BOOL") == spec.boolean, spec.name
    help_text = build_parser().format_help()
    for group in GROUPS:
        assert f"{group} options:" in help_text


def test_every_numeric_input_is_a_yaml_number_in_a_suite_case() -> None:
    """An editor checking a suite file against schema/suite.schema.json takes repeat: 5 (it
    refused the numbers the tool runs), and the tool reads them as it reads the text."""
    import json

    import jsonschema
    import yaml

    from lambda_invoke.interface import INPUTS, SUITE_INPUTS
    from lambda_invoke.suitefile import load_suite

    numeric = {
        spec.name: (int if spec.kind == "int" else float)(spec.default)
        for spec in INPUTS
        if spec.kind in ("int", "number") and spec.name not in SUITE_INPUTS
    }
    assert {"repeat", "repeat-concurrency", "max-rate", "full-logs-timeout"} <= set(numeric)
    text = yaml.safe_dump({"cases": [{"name": "n", "function-name": "fn", **numeric}]})
    schema = json.loads((ROOT / "schema" / "suite.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(text), schema)
    (case,) = load_suite(text, environ={"AWS_REGION": "us-east-1"})
    as_text = load_suite(
        yaml.safe_dump({"cases": [{"name": "n", "function-name": "fn",
                                   **{k: str(v) for k, v in numeric.items()}}]}),
        environ={"AWS_REGION": "us-east-1"},
    )[0]  # fmt: skip
    assert case.settings == as_text.settings


@pytest.mark.parametrize("variable", ["GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"])
def test_a_runner_file_in_a_missing_folder_stops_before_invoking(
    stubbed: Stubbed,
    tmp_path,
    variable: str,  # type: ignore[no-untyped-def]
) -> None:
    """act's host executor hands a Docker action host paths it cannot see: the function
    must not run with its outputs bound to be lost (found running the sharded example)."""
    environ = {
        "GITHUB_ACTIONS": "true",
        "LAMBDA_INVOKE_AS_ACTION": "true",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        variable: "/root/.cache/act/x/act/workflow/outputcmd.txt",
        "AWS_REGION": "us-east-1",
    }
    run = stubbed.run(["-f", "fn"], environ)
    assert run.code == 2 and not stubbed.created
    assert run.stdout.count("::error") == 1
    assert f"environment variable '{variable}': the runner's file" in run.stdout
    assert "nothing was invoked" in run.stdout


def test_help_assert_names_every_operator() -> None:
    from lambda_invoke.assertions import OPERATORS
    from lambda_invoke.commandline import ASSERT_HELP

    missing = [name for name in OPERATORS if name not in ASSERT_HELP.replace(",", " ").split()]
    assert not missing


def test_the_compare_topic_names_the_gates(stubbed: Stubbed) -> None:
    run = stubbed.run(["help", "compare"])
    assert run.code == 0
    for gate in ("differences", "new-function-errors", "duration-ms-p95-ratio", "none"):
        assert gate in run.stdout


def test_a_process_of_its_own_keeps_its_exit_and_leaves_out_the_last_collections() -> None:
    """process_main (the console script, python -m, the entrypoint): main's exit code and
    lines as they are; the interpreter's exit without its last garbage collections (off,
    what is left frozen); atexit handlers still run (mutation_child.py needs them)."""
    code = (
        "import atexit, gc, sys\n"
        "from lambda_invoke.cli import process_main\n"
        "atexit.register(lambda: print('gc', gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "sys.exit(process_main({'AWS_EC2_METADATA_DISABLED': 'true'}))\n"
    )
    done = run_command(
        [sys.executable, "-c", code, "-f", "fn", "--max-attempts", "0"], env=sandbox_env()
    )
    assert done.returncode == 2, done.stderr
    assert "max-attempts" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.strip().splitlines()[-1] == "gc False True"
