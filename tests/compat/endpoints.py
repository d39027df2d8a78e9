"""Start Lambda endpoint software we did not write, on 127.0.0.1, for the matrix.

- the Runtime Interface Emulator (RIE, the binary inside the aws-sam-cli wheel) running
  functions/app.py through awslambdaric;
- SAM's local Lambda service (sam_service.py: SAM's own HTTP service class) in front of
  a second emulator;
- serverless-offline's Lambda endpoint (npm, with the Serverless Framework v3) running
  functions/handler.js;
- moto's server (its Lambda runs no code: it echoes the event).

The emulator and SAM come from .venv-compat (requirements/compat.txt), serverless from
tests/compat/node (package-lock.json); scripts/lib.sh's setup_compat installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
COMPAT_VENV = ROOT / ".venv-compat"
NODE_DIR = HERE / "node"
FUNCTIONS = HERE / "functions"
REQUIRED = os.environ.get("LAMBDA_INVOKE_REQUIRE_E2E") == "1"
FUNCTION_TIMEOUT = 2  # seconds: the timeout case's function sleeps for 30
START_TIMEOUT = 60.0


class Unavailable(Exception):
    """The endpoint software is not installed here (run scripts/test.sh, which installs it)."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    function: str
    max_concurrency: int  # what the endpoint can serve at once


def compat_python() -> Path:
    python = COMPAT_VENV / "bin" / "python"
    if not python.exists():
        raise Unavailable(f"{COMPAT_VENV.name} is missing (setup_compat in scripts/lib.sh)")
    return python


def emulator_binary() -> Path:
    """The RIE binary shipped in the aws-sam-cli wheel, for this machine's architecture."""
    python = compat_python()
    folder = subprocess.run(
        [str(python), "-c", "import samcli, os; print(os.path.dirname(samcli.__file__))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    arch = "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"
    binary = Path(folder) / "local" / "rapid" / f"aws-lambda-rie-{arch}"
    if not binary.exists():
        raise Unavailable(f"no emulator binary in the aws-sam-cli wheel: {binary}")
    binary.chmod(0o755)
    return binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"it exited ({process.returncode}): {log.read_text()[-2000:]}")
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(
        f"not listening on {port} after {START_TIMEOUT:g} s: {log.read_text()[-2000:]}"
    )


@contextmanager
def process(
    command: list[str], *, port: int, cwd: Path, env: dict[str, str], log: Path
) -> Iterator[None]:
    with log.open("wb") as sink:
        started = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_port(port, started, log)
        yield
    finally:
        started.terminate()
        try:
            started.wait(timeout=10)
        except subprocess.TimeoutExpired:
            started.kill()
            started.wait()


def base_env(**extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake-secret-for-local-use-only",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": "us-east-1",
    }
    env.update(extra)
    return env


@contextmanager
def emulator(logs: Path, name: str = "rie") -> Iterator[int]:
    """An RIE running functions/app.py; yields its port."""
    port, api_port = free_port(), free_port()
    command = [
        str(emulator_binary()),
        "--runtime-interface-emulator-address",
        f"127.0.0.1:{port}",
        "--runtime-api-address",
        f"127.0.0.1:{api_port}",
        str(compat_python()),
        "-m",
        "awslambdaric",
        "app.handler",
    ]
    env = base_env(AWS_LAMBDA_FUNCTION_TIMEOUT=str(FUNCTION_TIMEOUT), PYTHONPATH=str(FUNCTIONS))
    with process(command, port=port, cwd=FUNCTIONS, env=env, log=logs / f"{name}.log"):
        yield port


@contextmanager
def rie(logs: Path) -> Iterator[Endpoint]:
    with emulator(logs) as port:
        # the emulator's path names the function "function"; it serves one request at a time
        yield Endpoint("RIE", f"http://127.0.0.1:{port}", "function", 1)


@contextmanager
def sam(logs: Path) -> Iterator[Endpoint]:
    with emulator(logs, "sam-rie") as rie_port:
        url_file = logs / "sam-url"
        url_file.unlink(missing_ok=True)
        log = logs / "sam.log"
        with log.open("wb") as sink:
            started = subprocess.Popen(
                [
                    str(compat_python()),
                    str(HERE / "sam_service.py"),
                    "--rie-port",
                    str(rie_port),
                    "--url-file",
                    str(url_file),
                ],
                env=base_env(),
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not (url_file.exists() and url_file.read_text()) and time.monotonic() < deadline:
                if started.poll() is not None:
                    raise RuntimeError(f"SAM's service exited: {log.read_text()[-2000:]}")
                time.sleep(0.1)
            url = url_file.read_text()
            wait_for_port(int(url.rsplit(":", 1)[1]), started, log)
            yield Endpoint("SAM local", url, "HelloFunction", 8)
        finally:
            started.terminate()
            started.wait(timeout=10)


def serverless_binary() -> Path:
    binary = NODE_DIR / "node_modules" / ".bin" / "serverless"
    if not binary.exists() or not shutil.which("node"):
        raise Unavailable("serverless (npm) is not installed in tests/compat/node (setup_compat)")
    return binary


SERVERLESS_ENV = {
    "SLS_TELEMETRY_DISABLED": "1",
    "SLS_NOTIFICATIONS_MODE": "off",
    "SLS_DEPRECATION_DISABLE": "*",
    "SLS_INTERACTIVE_SETUP_DISABLE": "1",
}


@contextmanager
def serverless_offline(logs: Path) -> Iterator[Endpoint]:
    binary = serverless_binary()
    with tempfile.TemporaryDirectory(prefix="compat-offline-") as folder:
        service = Path(folder)
        for name in ("serverless.yml", "handler.js"):
            shutil.copy(FUNCTIONS / name, service / name)
        (service / "node_modules").symlink_to(NODE_DIR / "node_modules")
        port = free_port()
        env = base_env(
            **SERVERLESS_ENV,
            COMPAT_LAMBDA_PORT=str(port),
            COMPAT_HTTP_PORT=str(free_port()),
            COMPAT_WEBSOCKET_PORT=str(free_port()),
        )
        with process(
            [str(binary), "offline", "start"],
            port=port,
            cwd=service,
            env=env,
            log=logs / "offline.log",
        ):
            yield Endpoint("serverless-offline", f"http://127.0.0.1:{port}", "compat-dev-fn", 8)


@contextmanager
def moto(logs: Path) -> Iterator[Endpoint]:
    from support import make_zip, start_moto

    server, endpoint = start_moto()
    try:
        role = endpoint.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
        endpoint.client().create_function(
            FunctionName="compat",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="app.handler",
            Code={"ZipFile": make_zip((FUNCTIONS / "app.py").read_text())},
        )
        yield Endpoint("moto server", endpoint.url, "compat", 8)
    finally:
        server.stop()


STARTERS = {
    "RIE": rie,
    "SAM local": sam,
    "serverless-offline": serverless_offline,
    "moto server": moto,
}
