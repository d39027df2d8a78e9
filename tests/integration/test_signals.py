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
    action_env,
    cli_command,
    read_github_output,
    sandbox_env,
    skip_or_fail,
    time_budget,
)

pytestmark = pytest.mark.integration
SIGNALS = [(signal.SIGTERM, 143), (signal.SIGINT, 130)]


def as_a_foreground_job() -> None:
    """A shell starts a background job with SIGINT ignored, and an ignored signal stays
    ignored across exec: the child gets SIGINT as a foreground job does, wherever pytest
    runs (the tool itself leaves an ignored SIGINT ignored, as Python does)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def terminated(process: subprocess.Popen[str]) -> tuple[str, float]:
    """SIGTERM to the CLI: its stderr, and the seconds from the signal to its end."""
    stopped = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=10)
    return stderr, time.monotonic() - stopped


def start(
    command: list[str], as_pid_1: bool, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """The CLI, and the pid to signal (PID 1 of a new namespace, seen from here)."""
    if as_pid_1:
        if not shutil.which("unshare"):
            skip_or_fail("PID 1 NOT TESTED: no unshare here (util-linux)")
        command = ["unshare", "--fork", "--pid", "--mount-proc", *command]
    process = subprocess.Popen(
        command,
        env=env or sandbox_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=as_a_foreground_job,
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
    assert seconds < time_budget(1.0)
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
    assert seconds < time_budget(1.0)
    assert "stopped (SIGTERM) while waiting for one, two to answer" in stderr


def test_in_actions_the_outputs_say_the_status_is_unknown(tmp_path: Path) -> None:
    output = tmp_path / "output"
    with ScriptedLambda(Answer(delay=30)) as endpoint:
        process = subprocess.Popen(
            [*cli_command(), "-f", "slow", "--endpoint-url", endpoint.url],
            env=action_env(GITHUB_OUTPUT=str(output)),
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


@pytest.mark.parametrize(("stop", "code"), SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_a_repeat_sends_nothing_after_the_signal(stop: signal.Signals, code: int) -> None:
    """repeat: 10, 2 at a time, against a 2 s function: the two in flight are named, the
    eight not sent yet are never sent, and the exit comes within a second."""
    with ScriptedLambda(Answer(delay=2)) as endpoint:
        process, _ = start(
            [
                *cli_command(), "-f", "slow", "--repeat", "10", "--repeat-concurrency", "2",
                "--endpoint-url", endpoint.url,
            ],
            as_pid_1=False,
        )  # fmt: skip
        wait_for_request(endpoint, 2)
        stopped = time.monotonic()
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=10)
        seconds = time.monotonic() - stopped
        time.sleep(2.5)  # anything still queued would have been sent by now
        sent = endpoint.invocations
    assert process.returncode == code, stderr
    assert seconds < time_budget(1.0)
    assert sent == 2
    assert stderr.strip().splitlines()[-1] == (
        f"lambda-invoke: error: stopped ({stop.name}) while waiting for slow (2 requests) to "
        "answer: 2 requests were sent and the functions may still be running (their request "
        "ids come with the answers, which will not be read)"
    )
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("argv", "answer", "line"),
    [
        (
            ("-t", "Event", "--wait-for-completion"),
            Answer(status=202, body=b""),
            "stopped (SIGTERM) while following the Event run of fn (request id req-1): Lambda "
            "accepted it and it may still be running",
        ),
        (
            ("--full-logs",),
            Answer(),
            "stopped (SIGTERM) while reading the log of request req-1 of fn (the invocation "
            "had answered)",
        ),
    ],
    ids=["Event run followed", "full log read"],
)
def test_a_stop_while_reading_the_log_names_the_request(
    argv: tuple[str, ...], answer: Answer, line: str
) -> None:
    """wait-for-completion: Lambda accepted the Event run (202) and its log is being read
    when SIGTERM comes: the line gives the run's request id, which is all a person has to
    find it. full-logs: the invocation answered; the line says so."""
    with ScriptedLambda(answer) as lam, ScriptedLambda(Answer(body=b'{"events": []}')) as logs:
        process, _ = start(
            [
                *cli_command(), "-f", "fn", *argv, "--full-logs-timeout", "60",
                "--endpoint-url", lam.url,
            ],
            as_pid_1=False,
            env=sandbox_env(AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=logs.url),
        )  # fmt: skip
        deadline = time.monotonic() + 15
        while not logs.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert logs.requests, "the log was never read"
        stderr, seconds = terminated(process)
    assert process.returncode == 143, stderr
    assert seconds < time_budget(1.0)
    assert stderr.strip().splitlines()[-1] == f"lambda-invoke: error: {line}"


def test_a_stop_between_the_candidate_and_the_baseline_calls() -> None:
    """compare-to: the candidate has answered, the baseline's two calls wait (a slow
    live alias): a stop names them, sends nothing more and ends within a second."""
    with ScriptedLambda(Answer(), qualified={"live": Answer(delay=30)}) as endpoint:
        process, _ = start(
            [*cli_command(), "-f", "slow", "--compare-to", "live", "--endpoint-url", endpoint.url],
            as_pid_1=False,
        )
        wait_for_request(endpoint, 3)
        stderr, seconds = terminated(process)
        sent = endpoint.invocations
    assert sent == 3
    assert_stopped_waiting_for_slow(process, stderr, seconds)


def assert_stopped_waiting_for_slow(
    process: subprocess.Popen[str], stderr: str, seconds: float
) -> None:
    """Ended by the SIGTERM within a second, its last line naming the call that waited."""
    assert process.returncode == 143, stderr
    assert seconds < time_budget(1.0)
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("lambda-invoke: error: stopped (SIGTERM) while waiting for slow"), stderr
    assert "Traceback" not in stderr


def test_a_stop_while_a_snapshot_is_recorded(tmp_path: Path) -> None:
    """update-snapshots: the event's two calls wait (a slow function): a stop names them,
    sends nothing more, ends within a second and writes no snapshot."""
    snapshot = tmp_path / "s.json"
    with ScriptedLambda(Answer(delay=30)) as endpoint:
        process, _ = start(
            [*cli_command(), "-f", "slow", "--snapshot", str(snapshot), "--update-snapshots",
             "--endpoint-url", endpoint.url],
            as_pid_1=False,
            env=sandbox_env(GITHUB_WORKSPACE=str(tmp_path)),
        )  # fmt: skip
        wait_for_request(endpoint, 2)
        stderr, seconds = terminated(process)
        sent = endpoint.invocations
    assert sent == 2 and not snapshot.exists()
    assert_stopped_waiting_for_slow(process, stderr, seconds)
