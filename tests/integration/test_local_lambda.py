"""scripts/local_lambda.py (the demo's and the workflow test's endpoint) answers like Lambda."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT, cli_command, run_command, sandbox_env
from support import local_lambda as start_local_lambda

pytestmark = pytest.mark.integration
HANDLERS = ROOT / "examples" / "hello" / "handler.py"


@pytest.fixture(scope="module")
def local_lambda(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    functions = {"hello": f"{HANDLERS}:hello", "fail": f"{HANDLERS}:fail"}
    with start_local_lambda(tmp_path_factory.mktemp("local"), functions) as server:
        yield server.url


def invoke(url: str, *argv: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return run_command([*cli_command(), "--endpoint-url", url, *argv], env=sandbox_env(), cwd=cwd)


def test_example_function_with_assertions(local_lambda: str) -> None:
    done = invoke(
        local_lambda,
        "-f",
        "hello",
        "-d",
        '{"name": "test"}',
        "--json",
        "--assert",
        "$.body.message: hello test\n$.body.items[?price > 10].name: cake\nlogs: {contains: test}",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert all(check["passed"] for check in document["assertions"])
    assert document["duration-ms"] is not None
    assert document["executed-version"] == "$LATEST"


def test_example_failure_is_a_function_error(local_lambda: str) -> None:
    done = invoke(local_lambda, "-f", "arn:aws:lambda:us-east-1:123456789012:function:fail")
    assert done.returncode == 1
    assert json.loads(done.stdout)["errorType"] == "ValueError"
    assert "error: function error (Unhandled): ValueError: the database is not reachable" in (
        done.stderr
    )


def test_unknown_function_exit_3(local_lambda: str) -> None:
    done = invoke(local_lambda, "-f", "nope")
    assert done.returncode == 3
    assert done.stderr.strip() == (
        "lambda-invoke: error: function nope not found: Function not found: nope"
    )


def test_event_and_dry_run(local_lambda: str) -> None:
    for kind, status in (("Event", 202), ("DryRun", 204)):
        done = invoke(local_lambda, "-f", "hello", "-t", kind, "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["status-code"] == status
        assert json.loads(done.stdout)["payload"] == ""
