"""Stopped while waiting: SIGTERM (docker stop; the runner's second signal) and SIGINT (the
runner's first), as PID 1 in a fresh PID namespace (how the container runs us) and as a
plain process. One line, the function named, exit 143 / 130, within a second."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from support import (
    Answer,
    ScriptedLambda,
    cli_command,
    read_github_output,
    sandbox_env,
    skip_or_fail,
)

pytestmark = pytest.mark.integration
SIGNALS = [(signal.SIGTERM, 143), (signal.SIGINT, 130)]


def start(command: list[str], as_pid_1: bool) -> tuple[subprocess.Popen[str], int]:
    """The CLI, and the pid to signal (PID 1 of a new namespace, seen from here)."""
    if as_pid_1:
        if not shutil.which("unshare"):
            skip_or_fail("PID 1 NOT TESTED: no unshare here (util-linux)")
        command = ["unshare", "--fork", "--pid", "--mount-proc", *command]
    process = subprocess.Popen(
        command, env=sandbox_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if not as_pid_1:
        return process, process.pid
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        if children:
            return process, int(children[0])
        time.sleep(0.05)
    process.kill()
    pytest.fail("unshare started no child")


def wait_for_request(endpoint: ScriptedLambda, count: int = 1) -> None:
    deadline = time.monotonic() + 15
    while endpoint.invocations < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert endpoint.invocations >= count, "the request never arrived"


@pytest.mark.parametrize("as_pid_1", [True, False], ids=["PID 1", "process"])
@pytest.mark.parametrize(("stop", "code"), SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_stopped_during_a_slow_invoke(as_pid_1: bool, stop: signal.Signals, code: int) -> None:
    with ScriptedLambda(Answer(delay=30)) as endpoint:
        process, pid = start(
            [*cli_command(), "-f", "slow", "--endpoint-url", endpoint.url], as_pid_1
        )
        wait_for_request(endpoint)
        stopped = time.monotonic()
        subprocess.run(["kill", f"-{stop.name[3:]}", str(pid)], check=True)
        _, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
    assert process.returncode == code, stderr
    assert seconds < 1.0
    lines = stderr.strip().splitlines()
    assert lines[-1] == (
        f"lambda-invoke: error: stopped ({stop.name}) while waiting for slow to answer: the "
        "request was sent and the function may still be running (its request id comes with "
        "the answer, which will not be read)"
    )
    assert "Traceback" not in stderr
    assert endpoint.invocations == 1


def test_a_suite_stops_too(tmp_path: Path) -> None:
    suite = tmp_path / "suite.yml"
    suite.write_text(
        "cases:\n  - {name: a, function-name: one}\n  - {name: b, function-name: two}\n"
    )
    with ScriptedLambda(Answer(delay=30)) as endpoint:
        process, pid = start(
            [*cli_command(), "suite", str(suite), "--endpoint-url", endpoint.url], True
        )
        wait_for_request(endpoint, 2)
        stopped = time.monotonic()
        subprocess.run(["kill", "-TERM", str(pid)], check=True)
        _, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
    assert process.returncode == 143, stderr
    assert seconds < 1.0
    assert "stopped (SIGTERM) while waiting for one, two to answer" in stderr


def test_in_actions_the_outputs_say_the_status_is_unknown(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ScriptedLambda(Answer(delay=30)) as endpoint:
        process = subprocess.Popen(
            [*cli_command(), "-f", "slow", "--endpoint-url", endpoint.url],
            env=sandbox_env(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(output)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for_request(endpoint)
        process.send_signal(signal.SIGTERM)
        stdout, _ = process.communicate(timeout=10)
    assert process.returncode == 143
    assert "::error title=lambda-invoke::stopped (SIGTERM) while waiting for slow" in stdout
    outputs = read_github_output(output)
    assert outputs["status-code"] == ""
    result = json.loads(outputs["result"])
    assert result["status-code"] is None and result["stopped"] == "SIGTERM"
