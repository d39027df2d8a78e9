"""`lambda-invoke local` against the real Serverless Framework v3 `invoke local`, on the
same service (parity/): each handler reports what it sees (event, environment, context),
and both tools must show it the same. The README's "Coming from serverless invoke" lists
what differs on purpose; those parts are not compared here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from endpoints import NODE_DIR, SERVERLESS_ENV, Unavailable, serverless_binary
from support import cli_command, run_command, sandbox_env, skip_or_fail

pytestmark = pytest.mark.compat
SERVICE = Path(__file__).parent / "parity"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        serverless_binary()
    except Unavailable as error:
        skip_or_fail(f"SERVERLESS PARITY NOT CHECKED: {error}")
    if not shutil.which("python3.11"):  # serverless runs python3.X handlers by that name
        skip_or_fail("SERVERLESS PARITY NOT CHECKED: python3.11 is not on PATH")
    folder = tmp_path_factory.mktemp("parity")
    shutil.copytree(SERVICE, folder, dirs_exist_ok=True)
    (folder / "node_modules").symlink_to(NODE_DIR / "node_modules")
    return folder


def serverless(service: Path, *argv: str) -> dict[str, object]:
    done = run_command(
        [str(serverless_binary()), "invoke", "local", *argv],
        env=sandbox_env(**SERVERLESS_ENV),
        cwd=service,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def ours(service: Path, *argv: str) -> dict[str, object]:
    done = run_command([*cli_command(), "local", *argv, "--json"], env=sandbox_env(), cwd=service)
    assert done.returncode == 0, done.stderr
    return json.loads(json.loads(done.stdout)["payload"])  # type: ignore[no-any-return]


def both(service: Path, *argv: str) -> tuple[dict[str, object], dict[str, object]]:
    return serverless(service, *argv), ours(service, *argv)


ENV_ARGS = ("-e", "EMPTY_E", "-e", "SET_E=v")


@pytest.mark.parametrize("function", ["py", "node", "cjs"])
def test_environment_and_event(service: Path, function: str) -> None:
    theirs, mine = both(service, "-f", function, "-d", '{"a": 1}', *ENV_ARGS)
    assert mine["event"] == theirs["event"] == {"a": 1}
    assert mine["env"] == theirs["env"]
    env = mine["env"]
    assert isinstance(env, dict)
    # a null value is not set; "-e KEY" sets it to ""; a function's null drops the provider's
    dropped = "provider" if function == "cjs" else "<unset>"  # cjs has no environment
    assert (env["NULL_VAR"], env["DROPPED_BY_FUNCTION"], env["EMPTY_E"], env["SET_E"]) == (
        "<unset>",
        dropped,
        "",
        "v",
    )


@pytest.mark.parametrize("function", ["node", "cjs"])
def test_node_client_context_is_undefined_without_a_context(service: Path, function: str) -> None:
    theirs, mine = both(service, "-f", function)
    assert mine["clientContext"] == theirs["clientContext"] == "<undefined>"


@pytest.mark.parametrize("function", ["py", "node"])
@pytest.mark.parametrize("context", [("--context", '{"custom": {"k": 1}}'), ("-x", "context.json")])
def test_context_keys_become_context_attributes(
    service: Path, function: str, context: tuple[str, str]
) -> None:
    theirs, mine = both(service, "-f", function, *context)
    assert mine["custom"] == theirs["custom"] != "<undefined>"


@pytest.mark.parametrize("function", ["py", "node"])
def test_event_from_a_file(service: Path, function: str) -> None:
    theirs, mine = both(service, "-f", function, "-p", "event.json")
    assert mine["event"] == theirs["event"] == {"from": "file"}


def test_data_and_path_together(service: Path) -> None:
    """serverless 3.40 lets --data win (its docs say --path); here it is an input error."""
    theirs = serverless(service, "-f", "py", "-d", '{"a": 1}', "-p", "event.json")
    assert theirs["event"] == {"a": 1}
    done = run_command(
        [*cli_command(), "local", "-f", "py", "-d", '{"a": 1}', "-p", "event.json"],
        env=sandbox_env(),
        cwd=service,
    )
    assert done.returncode == 2
    assert "input 'payload-file': give payload or payload-file, not both" in done.stderr


def test_python_names_and_memory(service: Path) -> None:
    theirs, mine = both(service, "-f", "py")
    assert (mine["function_name"], mine["memory"]) == (theirs["function_name"], theirs["memory"])
    assert os.path.basename(str(mine["function_name"])) == "parity-dev-py"
