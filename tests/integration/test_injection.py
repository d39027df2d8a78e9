"""No function-controlled workflow command outside a fence: our stdout in Actions mode,
read the way GitHub's runner reads it (actions/runner ActionCommand.cs): lines split on
\\n and \\r; ``::cmd`` at the start of a line (after leading spaces); ``##[cmd]`` anywhere in
a line; nothing acts between ``::stop-commands::TOKEN`` and ``::TOKEN::``."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from support import (
    Answer,
    ScriptedLambda,
    action_env,
    cli_command,
    lambda_error,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
EVIL = "##[add-mask]leak ::add-mask::leak2 ##[set-output name=x;]pwned"
HOSTILE_LINES = "\n".join(
    [
        "::add-mask::leak3",
        "  ::set-output name=y::pwned",
        "x ##[stop-commands]zzz",
        "ok\r::error::carriage return",
        EVIL,
    ]
)
OURS = {"error", "warning", "group", "endgroup", "stop-commands"}


def commands_outside_fences(stdout: str) -> list[str]:
    """Every command line the runner would act on, outside stop-commands fences."""
    acted = []
    token = None
    for line in re.split(r"\r\n|\n|\r", stdout):
        if token is not None:
            if line.strip() == f"::{token}::":
                token = None
            continue
        stripped = line.lstrip()
        v2 = re.match(r"::([A-Za-z-]+)[ :]", stripped)
        if v2:
            if v2.group(1) == "stop-commands":
                token = stripped.split("::")[2]
            acted.append(f"v2 {v2.group(1)}: {line[:80]}")
        if "##[" in line:
            acted.append(f"legacy: {line[:80]}")
    return acted


def test_function_text_never_acts_outside_a_fence(tmp_path: Path) -> None:
    payload = json.dumps({"v": HOSTILE_LINES, "note": EVIL})
    answer = Answer(
        body=payload.encode(),
        headers={
            "X-Amz-Executed-Version": "##[add-mask]version",
            "X-Amz-Function-Error": "##[set-output name=z;]pwned",
            "x-amzn-RequestId": "##[add-mask]requestid",
            "X-Amz-Log-Result": base64.b64encode(HOSTILE_LINES.encode()).decode(),
        },
    )
    output = tmp_path / "output"
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--fail-on-function-error",
             "false", "--assert", '$.v: { equals: "no" }\n$.note: { contains: "nothing" }'],
            env=action_env(GITHUB_OUTPUT=str(output)),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 1, done.stdout
    acted = commands_outside_fences(done.stdout)
    # the only masks are ours: the environment's credentials, first, before anything else
    env = sandbox_env()
    masks = [entry for entry in acted if entry.startswith("v2 add-mask:")]
    assert masks == [
        f"v2 add-mask: ::add-mask::{env[name]}"
        for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID")
        if env.get(name)
    ]
    assert acted[: len(masks)] == masks
    names = {entry.split(":")[0].removeprefix("v2 ") for entry in acted[len(masks) :]}
    assert not [entry for entry in acted if entry.startswith("legacy")], acted
    assert names <= OURS, acted
    # function text reaches our annotations only as their escaped, inert data
    assert all("##[" not in entry for entry in acted)
    assert "assertion failed" in done.stdout  # the failure is still said, inertly


@pytest.mark.parametrize("in_actions", [True, False], ids=["actions", "console"])
def test_an_endpoint_echoing_the_session_token_never_gets_it_printed(
    in_actions: bool, tmp_path: Path
) -> None:
    """The token is masked for the runner before anything is printed, and every line we
    print has it replaced by ***, endpoint text included."""
    token = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN0123456789"
    answer = lambda_error(
        400, "InvalidParameterValueException", f"bad header X-Amz-Security-Token: {token}"
    )
    env = sandbox_env(AWS_SESSION_TOKEN=token)
    if in_actions:
        env.update(
            GITHUB_ACTIONS="true",
            LAMBDA_INVOKE_AS_ACTION="true",
            GITHUB_OUTPUT=str(tmp_path / "output"),
        )
    with ScriptedLambda(answer) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url], env=env, cwd=tmp_path
        )
    assert done.returncode == 3
    printed = done.stdout + done.stderr
    if in_actions:
        assert printed.splitlines()[:2] == [
            f"::add-mask::{env['AWS_SECRET_ACCESS_KEY']}",
            f"::add-mask::{token}",
        ]
        printed = "\n".join(printed.splitlines()[2:])
    assert token not in printed
    assert "bad header X-Amz-Security-Token: ***" in printed
