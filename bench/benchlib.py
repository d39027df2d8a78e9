"""What every benchmark needs: the tools side by side, and an environment that keeps
them on 127.0.0.1 with fake credentials."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "e2e")]  # support, harness


def bench_env() -> dict[str, str]:
    """This environment plus fake credentials, a region, and no metadata or config lookups."""
    return dict(
        os.environ,
        AWS_ACCESS_KEY_ID="AKIAFAKEFAKEFAKEFAKE",
        AWS_SECRET_ACCESS_KEY="fake-secret-for-local-use-only",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
    )


def tool(name: str) -> str:
    """A command installed next to this Python (the .venv), else on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"needs '{name}' installed: run bash scripts/test.sh first")
    return found


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``command``, which must succeed."""
    import subprocess
    import time

    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert child.stderr is not None
        raise SystemExit(f"{command[:3]} failed: {child.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one child."""
    with tempfile.TemporaryFile() as errors:  # (a pipe would fill with a suite's lines)
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{command[:4]} failed: {errors.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
