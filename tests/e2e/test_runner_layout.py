"""The image started exactly as GitHub's runner starts a Docker action, and the next step run
on the host as the runner's user (uid 1001), as on hosted runners.

From actions/runner (src/Runner.Worker): Container/DockerCommandManager.cs builds
``docker run --name N --label L --workdir /github/workspace --rm -e NAME ... -e
GITHUB_ACTIONS=true -e CI=true -v ... IMAGE`` with the values in the docker CLI's
environment; Handlers/ContainerActionHandler.cs mounts docker.sock, _temp/_github_home,
_temp/_github_workflow, _temp/_runner_file_commands and the workspace (and, from v2.329,
_temp at /github/runner_temp) and rewrites every environment value that starts with a
mounted host folder to the container path (RUNNER_WORKSPACE keeps its host value). The one
difference here: ``--network host``, because this test engine has no bridge network.
Cancelling (ProcessInvoker.cs): SIGINT to ``docker run``, SIGTERM 7.5 s later, then kill.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import Engine
from support import (
    FAKE_SECRET,
    Answer,
    ScriptedLambda,
    function_answer,
    read_github_output,
    skip_or_fail,
)

RUNNER_UID = 1001
REPOSITORY = "octo/app"


@dataclass
class Runner:
    """A runner's folders on this host, and how it starts the action's container."""

    engine: Engine
    image: str
    root: Path  # the runner's _work folder
    mounts_temp: bool  # runner v2.329+ mounts _temp at /github/runner_temp

    @property
    def workspace(self) -> Path:
        return self.root / "app" / "app"

    @property
    def temp(self) -> Path:
        return self.root / "_temp"

    def mounts(self) -> list[tuple[Path, str]]:
        mounts = [
            (self.temp / "_github_home", "/github/home"),
            (self.temp / "_github_workflow", "/github/workflow"),
            (self.temp / "_runner_file_commands", "/github/file_commands"),
            (self.workspace, "/github/workspace"),
        ]
        if self.mounts_temp:
            mounts.append((self.temp, "/github/runner_temp"))
        return mounts

    def translate(self, value: str) -> str:
        """ContainerInfo.TranslateToContainerPath: the longest mounted host prefix wins."""
        for host, container in sorted(self.mounts(), key=lambda m: -len(str(m[0]))):
            prefix = str(host)
            if value == prefix or value.startswith(prefix + "/"):
                return container + value[len(prefix) :]
        return value

    def environment(self, inputs: dict[str, str], endpoint: str) -> dict[str, str]:
        step = uuid.uuid4().hex
        commands = self.temp / "_runner_file_commands"
        env = {
            "HOME": str(self.temp / "_github_home"),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_OUTPUT": str(commands / f"set_output_{step}"),
            "GITHUB_STEP_SUMMARY": str(commands / f"step_summary_{step}"),
            "GITHUB_ENV": str(commands / f"set_env_{step}"),
            "RUNNER_WORKSPACE": str(self.root / "app"),
            "RUNNER_TEMP": str(self.temp),
            "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
            "AWS_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "INPUT_FUNCTION-NAME": "fn",
            "INPUT_ENDPOINT-URL": endpoint,
            **inputs,
        }
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV"):
            Path(env[name]).touch()
        return {name: self.translate(value) for name, value in env.items()}

    def command(self, env: dict[str, str]) -> list[str]:
        command = ["docker", "run", "--name", f"runner-{uuid.uuid4().hex[:12]}"]
        command += ["--label", "a1b2c3", "--workdir", "/github/workspace", "--rm"]
        for name in env:
            command += ["-e", name]  # the value comes from the docker CLI's environment
        command += ["-e", "GITHUB_ACTIONS=true", "-e", "CI=true", "--network", "host"]
        socket = (self.engine.docker_host or "unix:///var/run/docker.sock").removeprefix("unix://")
        command += ["-v", f"{socket}:/var/run/docker.sock"]
        for host, container in self.mounts():
            command += ["-v", f"{host}:{container}"]
        return [*command, self.image]

    def start(self, inputs: dict[str, str], endpoint: str) -> tuple[subprocess.Popen[str], Path]:
        env = self.environment(inputs, endpoint)
        output = self.temp / "_runner_file_commands" / Path(env["GITHUB_OUTPUT"]).name
        process = subprocess.Popen(
            self.command(env),
            env=self.engine.env({**os.environ, **env}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return process, output

    def step(self, inputs: dict[str, str], endpoint: str) -> tuple[int, str, dict[str, str]]:
        process, output = self.start(inputs, endpoint)
        log, _ = process.communicate(timeout=120)
        return process.returncode, log, read_github_output(output)

    def host_step(self, script: str) -> subprocess.CompletedProcess[str]:
        """The next step: a shell on the host, as the runner's user, in the workspace."""
        return subprocess.run(
            ["setpriv", f"--reuid={RUNNER_UID}", f"--regid={RUNNER_UID}", "--clear-groups",
             "sh", "-ec", script],
            cwd=self.workspace,
            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "RUNNER_TEMP": str(self.temp)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )  # fmt: skip


def make_runner(engine: Engine, image: str, root: Path, mounts_temp: bool) -> Runner:
    if os.geteuid() != 0:
        skip_or_fail("RUNNER LAYOUT NOT TESTED: it needs root (the runner user is uid 1001)")
    runner = Runner(engine, image, root, mounts_temp)
    for folder in (runner.workspace, *(host for host, _ in runner.mounts())):
        folder.mkdir(parents=True, exist_ok=True)
    for folder in (root, root / "app", runner.workspace, runner.temp):
        os.chown(folder, RUNNER_UID, RUNNER_UID)  # the runner's user owns its folders
    subprocess.run(["git", "init", "-q", str(runner.workspace)], check=True)
    os.chown(runner.workspace / ".git", RUNNER_UID, RUNNER_UID)
    subprocess.run(["chown", "-R", f"{RUNNER_UID}:{RUNNER_UID}", str(runner.workspace)], check=True)
    return runner


@pytest.fixture
def runner_root() -> Iterator[Path]:
    """A folder the runner's user can reach (pytest's own tmp folders are root's alone)."""
    root = Path(tempfile.mkdtemp(prefix="lambda-invoke-runner-"))
    root.chmod(0o755)
    yield root / "_work"
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def runner(engine: Engine, action_image: str, runner_root: Path) -> Runner:
    return make_runner(engine, action_image, runner_root, mounts_temp=True)


@pytest.fixture
def old_runner(engine: Engine, action_image: str, runner_root: Path) -> Runner:
    return make_runner(engine, action_image, runner_root, mounts_temp=False)


OK = function_answer({"greeting": "hello"})


@pytest.mark.parametrize("where", ["relative", "host-absolute", "runner.temp"])
def test_output_file_comes_back_as_a_path_the_next_step_opens(runner: Runner, where: str) -> None:
    """In the workspace: relative to it (steps start there); in runner.temp (mounted at
    /github/runner_temp): the host path. The runner's user reads, overwrites, deletes it."""
    given, expected = {
        "relative": ("out.json", "out.json"),
        "host-absolute": (f"{runner.workspace}/out.json", "out.json"),
        "runner.temp": (f"{runner.temp}/out.json", f"{runner.temp}/out.json"),
    }[where]
    with ScriptedLambda(OK) as endpoint:
        code, log, outputs = runner.step({"INPUT_OUTPUT-FILE": given}, endpoint.url)
    assert code == 0, log
    assert outputs["payload-file"] == expected  # never a /github/... container path
    path = outputs["payload-file"]
    done = runner.host_step(f'cat "{path}"; echo edited > "{path}"; rm "{path}"')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"greeting": "hello"}


def test_runner_temp_on_a_runner_that_does_not_mount_it_is_refused(old_runner: Runner) -> None:
    with ScriptedLambda(OK) as endpoint:
        code, log, _ = old_runner.step(
            {"INPUT_OUTPUT-FILE": f"{old_runner.temp}/out.json"}, endpoint.url
        )
        assert endpoint.requests == []  # nothing invoked
    assert code == 2, log
    assert "input 'output-file'" in log
    assert "runner.temp" in log and "v2.329" in log and "github.workspace" in log


@pytest.mark.parametrize("where", ["relative", "host-absolute"])
def test_payload_file_input(runner: Runner, where: str) -> None:
    (runner.workspace / "event.json").write_text('{"name": "runner"}')
    path = "event.json" if where == "relative" else f"{runner.workspace}/event.json"
    with ScriptedLambda(OK) as endpoint:
        code, log, _ = runner.step({"INPUT_PAYLOAD-FILE": path}, endpoint.url)
        body = endpoint.requests[0][2]
    assert code == 0, log
    assert json.loads(body) == {"name": "runner"}


def test_spill_file_is_the_runner_users_and_git_status_stays_clean(runner: Runner) -> None:
    big = json.dumps({"data": "y" * (600 * 1024)}).encode()
    with ScriptedLambda(
        Answer(body=big, headers={"X-Amz-Executed-Version": "$LATEST"})
    ) as endpoint:
        code, log, outputs = runner.step({}, endpoint.url)
    assert code == 0, log
    spilled = outputs["payload-file"]
    assert spilled.startswith(".lambda-invoke/payload-")
    assert (runner.workspace / spilled).read_bytes() == big
    for made in (runner.workspace / ".lambda-invoke", runner.workspace / spilled):
        assert (made.stat().st_uid, made.stat().st_gid) == (RUNNER_UID, RUNNER_UID), made
    status = runner.host_step("git status --porcelain --untracked-files=all")
    assert status.returncode == 0, status.stderr
    assert status.stdout == ""  # the spill folder ignores itself
    done = runner.host_step(f"echo x > {spilled}; rm -r .lambda-invoke")
    assert done.returncode == 0, done.stderr
    assert not (runner.workspace / ".lambda-invoke").exists()


def test_a_snapshot_is_recorded_as_the_runners_user_and_compared(runner: Runner) -> None:
    """The Docker action runs as root: a snapshot recorded into a folder it makes belongs
    to the runner's user (the next step and the checkout can change it); the next run
    compares with it; in CI a missing one fails before anything is invoked."""
    with ScriptedLambda(OK) as endpoint:
        code, log, _ = runner.step(
            {"INPUT_SNAPSHOT": "snapshots/smoke/hello.json", "INPUT_UPDATE-SNAPSHOTS": "true"},
            endpoint.url,
        )
        recorded_with = len(endpoint.requests)
    assert code == 0, log
    assert recorded_with == 2  # the event twice: what differs would be noise
    for made in ("snapshots", "snapshots/smoke", "snapshots/smoke/hello.json"):
        stat = (runner.workspace / made).stat()
        assert (stat.st_uid, stat.st_gid) == (RUNNER_UID, RUNNER_UID), made
    with ScriptedLambda(OK) as endpoint:
        code, log, outputs = runner.step({"INPUT_SNAPSHOT": "snapshots/smoke/hello.json"},
                                         endpoint.url)  # fmt: skip
    assert code == 0, log
    assert outputs["differences"] == "0"
    with ScriptedLambda(OK) as endpoint:
        code, log, _ = runner.step({"INPUT_SNAPSHOT": "snapshots/other.json"}, endpoint.url)
        assert endpoint.requests == []
    assert code == 2 and "'snapshots/other.json' does not exist (in CI" in log, log
    done = runner.host_step("echo edited > snapshots/smoke/hello.json; rm -r snapshots")
    assert done.returncode == 0, done.stderr


CANCELLED = (
    "stopped ({signal}) while waiting for fn to answer: the request was sent and the "
    "function may still be running"
)


def test_cancelled_as_the_runner_cancels(runner: Runner) -> None:
    """SIGINT to `docker run` (forwarded to the container), SIGTERM 7.5 s later."""
    with ScriptedLambda(Answer(delay=60)) as endpoint:
        process, _ = runner.start({}, endpoint.url)
        deadline = time.monotonic() + 60
        while endpoint.invocations == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert endpoint.invocations == 1
        stopped = time.monotonic()
        process.send_signal(signal.SIGINT)
        try:
            log, _ = process.communicate(timeout=7.5)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGTERM)
            log, _ = process.communicate(timeout=2.5)
        seconds = time.monotonic() - stopped
    assert seconds < 3, log
    assert process.returncode == 130, log
    assert CANCELLED.format(signal="SIGINT") in log


def test_docker_stop(runner: Runner) -> None:
    """SIGTERM to PID 1 of the container."""
    with ScriptedLambda(Answer(delay=60)) as endpoint:
        env = runner.environment({}, endpoint.url)
        command = runner.command(env)
        name = command[command.index("--name") + 1]
        process = subprocess.Popen(
            command,
            env=runner.engine.env({**os.environ, **env}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while endpoint.invocations == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        stopped = time.monotonic()
        runner.engine.docker("stop", "--time", "10", name)
        log, _ = process.communicate(timeout=15)
        seconds = time.monotonic() - stopped
    assert seconds < 3, log
    assert process.returncode == 143, log
    assert CANCELLED.format(signal="SIGTERM") in log
