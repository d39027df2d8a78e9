"""The image on linux/arm64 (GitHub's ubuntu-24.04-arm runners), as far as this machine
allows: every pinned run-time dependency has an arm64 wheel, and the real Dockerfile builds
on an arm64 base and runs, under QEMU user emulation (Debian's qemu-user-static)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from harness import (
    ROOT,
    Engine,
    EngineUnavailable,
    base_image,
    build_action_image,
    ensure_emulation,
)
from support import ScriptedLambda, function_answer, skip_or_fail

ARM64_IMAGE = "lambda-invoke-action:e2e-arm64"


def test_every_pinned_dependency_has_an_arm64_wheel(tmp_path: Path) -> None:
    """No source build on an arm64 runner: pip finds a wheel for every pin (the registry
    is the one the image build uses too)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--platform", "manylinux2014_aarch64", "--python-version", "3.12",
         "--implementation", "cp", "-r", str(ROOT / "requirements" / "runtime.txt"),
         "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    pins = [
        line.split("==")[0].lower().replace("-", "_")
        for line in (ROOT / "requirements" / "runtime.txt").read_text().splitlines()
        if "==" in line
    ]
    wheels = {path.name.split("-")[0].lower() for path in tmp_path.glob("*.whl")}
    assert wheels == set(pins), set(pins) ^ wheels


@pytest.fixture(scope="module")
def arm64_image(engine: Engine) -> str:
    try:
        ensure_emulation("arm64")
        base = base_image(engine, "arm64")
    except EngineUnavailable as error:
        skip_or_fail(f"ARM64 IMAGE NOT TESTED: {error}")
    return build_action_image(engine, base, ARM64_IMAGE, arch="arm64")


def test_the_arm64_image_builds_and_invokes(engine: Engine, arm64_image: str) -> None:
    architecture = engine.docker("image", "inspect", "--format", "{{.Architecture}}", arm64_image)
    assert architecture.stdout.strip() == "arm64"
    with ScriptedLambda(function_answer({"from": "arm64"})) as endpoint:
        done = engine.docker(
            "run", "--rm", "--platform", "linux/arm64", "--network", "host",
            "-e", "AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKEFAKE", "-e", "AWS_SECRET_ACCESS_KEY=x",
            "-e", "AWS_REGION=us-east-1", "-e", "AWS_EC2_METADATA_DISABLED=true",
            arm64_image, "--function-name", "fn", "--endpoint-url", endpoint.url, "--json",
            timeout=300,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(json.loads(done.stdout)["payload"]) == {"from": "arm64"}
    machine = engine.docker(
        "run", "--rm", "--platform", "linux/arm64", "--entrypoint", "/usr/local/bin/python",
        arm64_image, "-c", "import platform; print(platform.machine())",
    )  # fmt: skip
    assert machine.stdout.strip() == "aarch64", machine.stderr


def test_bad_input_on_arm64_is_exit_2(engine: Engine, arm64_image: str) -> None:
    done = engine.docker(
        "run", "--rm", "--platform", "linux/arm64", "-e", "INPUT_FUNCTION-NAME=fn",
        "-e", "INPUT_INVOCATION-TYPE=Sync", arm64_image,
    )  # fmt: skip
    assert done.returncode == 2
    assert "input 'invocation-type'" in done.stdout + done.stderr
