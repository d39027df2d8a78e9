"""The first ten minutes, as a user meets them: the command in a `run:` step, a closed or
broken standard output, and the mistakes people coming from other tools make (a misspelt
`with:` key, gagoar/invoke-aws-lambda's input names). Real processes, a real endpoint."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support import (
    ROOT,
    ScriptedLambda,
    cli_command,
    entrypoint_command,
    function_answer,
    local_lambda,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
HANDLERS = ROOT / "tests" / "handlers" / "suite_functions.py"


def test_in_a_run_step_json_is_json_on_stdout(tmp_path: Path) -> None:
    """GITHUB_ACTIONS=true (every `run:` step) does not make the command the action:
    `lambda-invoke ... --json | jq` works there as on a laptop."""
    output = tmp_path / "output"
    output.touch()
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "echo", "--payload", '{"a": 1}', "--json",
             "--endpoint-url", endpoint.url],
            env=sandbox_env(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(output)),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(done.stdout)
    assert document["status-code"] == 200
    assert json.loads(document["payload"])["event"] == {"a": 1}
    assert output.read_text() == ""  # no step outputs: this was a command, not the action
    assert "::" not in done.stdout + done.stderr  # no workflow commands either


def test_the_action_entry_still_writes_outputs(tmp_path: Path) -> None:
    """The Docker action's entrypoint is the action: outputs in GITHUB_OUTPUT."""
    output = tmp_path / "output"
    output.touch()
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        done = run_command(
            entrypoint_command(),
            env=sandbox_env(
                GITHUB_ACTIONS="true",
                GITHUB_OUTPUT=str(output),
                **{"INPUT_FUNCTION-NAME": "echo", "INPUT_PAYLOAD": '{"a": 1}',
                   "INPUT_ENDPOINT-URL": endpoint.url},
            ),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert read_github_output(output)["status-code"] == "200"


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("INPUT_ASSERTS", "input 'asserts': not an input of this action (did you mean 'assert'?)"),
        ("INPUT_PAYLOAD-FILLE", "(did you mean 'payload-file'?)"),
        ("INPUT_FUNCTIONNAME", "gagoar/invoke-aws-lambda's functionname is function-name here"),
        ("INPUT_SUCCEED_ON_FUNCTION_FAILURE", "is fail-on-function-error: false here"),
    ],
)
def test_an_undeclared_action_input_is_refused_with_the_fix(key: str, says: str) -> None:
    """The runner passes an undeclared `with:` key on as INPUT_<KEY> with only a warning;
    the step must not go green without the check the user meant to write."""
    with ScriptedLambda(function_answer({})) as endpoint:
        done = run_command(
            entrypoint_command(),
            env=sandbox_env(
                GITHUB_ACTIONS="true",
                **{"INPUT_FUNCTION-NAME": "fn", "INPUT_ENDPOINT-URL": endpoint.url, key: "x"},
            ),
        )
        sent = endpoint.invocations
    assert done.returncode == 2, done.stdout
    assert says in done.stdout + done.stderr
    assert sent == 0
    assert "Traceback" not in done.stdout + done.stderr


def test_a_closed_stdout_is_one_line_and_nothing_invoked() -> None:
    with ScriptedLambda(function_answer({})) as endpoint:
        done = subprocess.run(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url],
            env=sandbox_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            pass_fds=(),
            preexec_fn=_close_stdout,
        )
        sent = endpoint.invocations
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "standard output or error is closed" in done.stderr
    assert sent == 0


def _close_stdout() -> None:
    import os

    os.close(1)


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    """`lambda-invoke ... | head -c 10`: exit 141 (as a writer killed by SIGPIPE), no line."""
    big = json.dumps({"text": "x" * 1_000_000})
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        command = " ".join(
            [*cli_command(), "-f", "echo", "--endpoint-url", endpoint.url, "-p", "event.json"]
        )
        (tmp_path / "event.json").write_text(big)
        done = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {command} 2>err | head -c 10 > /dev/null"],
            env=sandbox_env(),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    errors = (tmp_path / "err").read_text()
    assert done.returncode == 141, errors
    assert "unexpected" not in errors and "Traceback" not in errors
    assert "error" not in errors.split("----- logs -----")[0].lower(), errors


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--asert", "status-code: 200"], "unknown option --asert (did you mean '--assert'?)"),
        (["--assert", "status-code: {eq: 200}"], "unknown operator 'eq' (did you mean 'equals'?)"),
        (["--assert", "status-code: {equls: 200}"], "(did you mean 'equals'?)"),
        (["--assert", "status-cod: 200"], "nor an output (did you mean 'status-code'?)"),
        (["-d", "event.json"], "give payload-file (-p event.json)"),
    ],
)
def test_a_mistake_gets_the_fix_in_one_line(argv: list[str], says: str) -> None:
    with ScriptedLambda(function_answer({})) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, *argv], env=sandbox_env()
        )
        sent = endpoint.invocations
    assert done.returncode == 2
    assert says in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert sent == 0


def test_a_misspelt_suite_key_gets_the_fix(tmp_path: Path) -> None:
    (tmp_path / "smoke.yml").write_text(
        "cases:\n  - name: a\n    function-name: fn\n    asert: {}\n"
    )
    done = run_command([*cli_command(), "suite", "smoke.yml"], env=sandbox_env(), cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown field 'asert' (did you mean 'assert'?)" in done.stderr, done.stderr


def test_f_read_as_a_serverless_key_says_so_first(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: shop\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  echo: {handler: handler.echo}\n"
    )
    with local_lambda(tmp_path, {"shop-dev-echo": f"{HANDLERS}:echo"}) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "echo", "--endpoint-url", endpoint.url], env=sandbox_env(),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    first = done.stderr.splitlines()[0]
    assert "-f echo: the function 'echo' of serverless.yml, deployed as shop-dev-echo" in first


@pytest.mark.parametrize(
    "argv",
    [
        ["merge", "shard-1.json", "shard-2.json", "--junit-file", "smoke.xml"],
        ["merge", "--junit-file", "smoke.xml", "shard-1.json", "shard-2.json"],
        ["merge", "shard-*.json", "--junit-file", "smoke.xml"],  # quoted: the tool expands it
        ["--endpoint-url", "http://127.0.0.1:9", "merge", "shard-*.json", "--junit-file=smoke.xml"],
        ["--junit-file", "smoke.xml", "merge", "shard-1.json", "--", "shard-2.json"],
    ],
)
def test_merge_takes_options_anywhere_and_expands_globs(tmp_path: Path, argv: list[str]) -> None:
    """The example of `merge --help` works as written, in any order, with a quoted glob."""
    suite = "cases:\n" + "".join(f"  - {{name: c{n}, function-name: echo}}\n" for n in range(4))
    (tmp_path / "smoke.yml").write_text(suite)
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        for shard in (1, 2):
            ran = run_command(
                [*cli_command(), "suite", "smoke.yml", "--shard", f"{shard}/2",
                 "--results-file", f"shard-{shard}.json", "--endpoint-url", endpoint.url],
                env=sandbox_env(), cwd=tmp_path,
            )  # fmt: skip
            assert ran.returncode == 0, ran.stderr
    done = run_command([*cli_command(), *argv], env=sandbox_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "4 passed, 0 failed" in done.stdout
    assert 'tests="4"' in (tmp_path / "smoke.xml").read_text()


def test_a_percentile_check_without_report_lines_says_why(tmp_path: Path) -> None:
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "echo", "--endpoint-url", endpoint.url, "--repeat", "3",
             "--log-type", "None", "--assert", "duration-ms-p95: {lt: 1000}"],
            env=sandbox_env(),
        )  # fmt: skip
    assert done.returncode == 1
    assert (
        "no invocation of the repeat gave duration-ms: no REPORT line: no log tail came "
        "back: log-type is None"
    ) in done.stderr, done.stderr
