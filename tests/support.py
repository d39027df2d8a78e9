"""Helpers shared by the tests: a sandboxed environment, stubbed and real clients."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import boto3
from botocore.config import Config
from botocore.response import StreamingBody
from botocore.stub import Stubber

from lambda_invoke.cli import main

ROOT = Path(__file__).resolve().parent.parent
#: Port 9 (discard) on loopback: a client that forgets its endpoint-url fails here.
DEAD_ENDPOINT = "http://127.0.0.1:9"
FAKE_SECRET = "FAKEsecretKEYdoNotPrint0123456789abcdefgh"
REGION = "us-east-1"


def sandbox_env(**extra: str) -> dict[str, str]:
    """A clean environment for a subprocess: fake credentials, loopback only."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": DEAD_ENDPOINT,
        "AWS_REGION": REGION,
        "PYTHONPATH": str(ROOT / "src"),
        "LAMBDA_INVOKE_CACHE": str(ROOT / ".cache" / "lambda-invoke"),
    }
    if "MUTANT_UNDER_TEST" not in os.environ:  # (the mutated source compiles once: keep it)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if "MUTANT_UNDER_TEST" in os.environ:  # scripts/mutation.sh: the child runs the mutant
        env["MUTANT_UNDER_TEST"] = os.environ["MUTANT_UNDER_TEST"]
        env["LAMBDA_INVOKE_MUTATION_HITS"] = MUTATION_HITS
    env.update(extra)
    return env


def action_env(**extra: str) -> dict[str, str]:
    """sandbox_env as GitHub's runner starts the action (not a command in a run: step)."""
    return sandbox_env(GITHUB_ACTIONS="true", LAMBDA_INVOKE_AS_ACTION="true", **extra)


#: a fixed piece of work and how long it takes on an idle 2-core machine of ours (seconds)
_REFERENCE_WORK_SECONDS = 0.045


def _reference_work() -> float:
    started = time.perf_counter()
    total = 0
    for number in range(2_000_000):
        total += number % 7
    return time.perf_counter() - started


def machine_slowdown() -> float:
    """How much slower this machine is now than an idle one of ours (at least 1): a loaded
    2-core machine, a background job, mutmut. LAMBDA_INVOKE_TEST_SLOWDOWN sets it."""
    given = os.environ.get("LAMBDA_INVOKE_TEST_SLOWDOWN")
    if given:
        return max(1.0, float(given))
    measured = min(_reference_work() for _ in range(3))
    return max(1.0, measured / _REFERENCE_WORK_SECONDS)


_SLOWDOWN: list[float] = []


def time_budget(seconds: float) -> float:
    """A wall-clock bound of a test, scaled to the machine's measured speed (once a run)."""
    if not _SLOWDOWN:
        _SLOWDOWN.append(machine_slowdown())
    return seconds * _SLOWDOWN[0]


#: scripts/mutation.sh runs the tests on mutants (mutmut sets MUTANT_UNDER_TEST)
UNDER_MUTATION = "MUTANT_UNDER_TEST" in os.environ
#: where children started under mutmut write the functions they reached (mutation_child.py)
MUTATION_HITS = os.path.join(tempfile.gettempdir(), f"li-mutation-hits-{os.getpid()}.jsonl")


def collect_mutation_hits() -> None:
    """mutmut's "stats" pass: what the children reached counts for the running test."""
    if os.environ.get("MUTANT_UNDER_TEST") != "stats" or not os.path.exists(MUTATION_HITS):
        return
    from mutmut.state import state  # type: ignore[import-not-found]

    with open(MUTATION_HITS, encoding="utf-8") as handle:
        for line in handle:
            state()._stats.update(json.loads(line))
    os.unlink(MUTATION_HITS)


# -- in-process runs with botocore's Stubber -------------------------------------------


def lambda_client(endpoint_url: str = DEAD_ENDPOINT, **config: Any) -> Any:
    return boto3.session.Session().client(
        "lambda",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
        aws_secret_access_key=FAKE_SECRET,
        config=Config(retries={"total_max_attempts": 1}, **config),
    )


def invoke_response(
    payload: bytes = b'{"ok": true}',
    *,
    status: int = 200,
    function_error: str | None = None,
    logs: str | None = None,
    version: str = "$LATEST",
) -> dict[str, Any]:
    import base64

    response: dict[str, Any] = {
        "StatusCode": status,
        "Payload": StreamingBody(io.BytesIO(payload), len(payload)),
        "ExecutedVersion": version,
        "ResponseMetadata": {"RequestId": "req-1234", "HTTPStatusCode": status},
    }
    if function_error:
        response["FunctionError"] = function_error
    if logs is not None:
        response["LogResult"] = base64.b64encode(logs.encode()).decode()
    return response


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    client_created: bool


class Stubbed:
    """A real Lambda client whose answers are scripted with botocore's Stubber."""

    def __init__(self) -> None:
        self.client = lambda_client()
        self.stubber = Stubber(self.client)
        self.stubber.activate()
        self.created = False

    def factory(self, settings: Any) -> Any:
        self.created = True
        return self.client

    def run(self, argv: list[str], environ: Mapping[str, str] | None = None) -> Run:
        stdout, stderr = io.StringIO(), io.StringIO()
        code = main(
            dict(environ or {}),
            argv,
            client_factory=self.factory,
            stdout=stdout,
            stderr=stderr,
            invoke_options={"sleep": lambda _s: None, "progress_interval": 0},
        )
        return Run(code, stdout.getvalue(), stderr.getvalue(), self.created)


# -- a real moto server on 127.0.0.1 ------------------------------------------------


@dataclass
class MotoEndpoint:
    url: str

    def client(self, service: str = "lambda") -> Any:
        return boto3.session.Session().client(
            service,
            region_name=REGION,
            endpoint_url=self.url,
            aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
            aws_secret_access_key=FAKE_SECRET,
        )


def reset_moto(endpoint: MotoEndpoint) -> None:
    """moto keeps its state per process, not per server: forget everything in it."""
    import urllib.request

    reset = urllib.request.Request(f"{endpoint.url}/moto-api/reset", data=b"", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()


def start_moto() -> tuple[Any, MotoEndpoint]:
    """moto's server on a free loopback port, its Lambda set to run no Docker (it echoes)."""
    import urllib.request

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    endpoint = MotoEndpoint(f"http://127.0.0.1:{port}")
    request = urllib.request.Request(
        f"{endpoint.url}/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    return server, endpoint


def skip_or_fail(message: str) -> NoReturn:
    """Real parts that cannot be had here: one loud line and a skip; with
    LAMBDA_INVOKE_REQUIRE_E2E=1 (set by .ci/run) a failure instead."""
    import pytest

    sys.stderr.write(f"\n!!! {message}\n")
    if os.environ.get("LAMBDA_INVOKE_REQUIRE_E2E") == "1":
        pytest.fail(f"{message}; LAMBDA_INVOKE_REQUIRE_E2E=1 requires it", pytrace=False)
    pytest.skip(message)


def make_zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


def run_command(
    command: list[str], *, env: Mapping[str, str], cwd: Path | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command,
            env=dict(env),
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        collect_mutation_hits()


MUTATION_CHILD = [sys.executable, str(ROOT / "tests" / "mutation_child.py")]


def cli_command() -> list[str]:
    """The installed console script when present, else the module (under mutmut: through
    mutation_child.py, which reports what the child reached)."""
    if "MUTANT_UNDER_TEST" in os.environ:
        return [*MUTATION_CHILD, "-m", "lambda_invoke"]
    script = Path(sys.executable).with_name("lambda-invoke")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lambda_invoke"]


def entrypoint_command() -> list[str]:
    if "MUTANT_UNDER_TEST" in os.environ:
        return [*MUTATION_CHILD, str(ROOT / "entrypoint.py")]
    return [sys.executable, str(ROOT / "entrypoint.py")]


def read_github_output(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file as the runner does (heredoc blocks)."""
    outputs: dict[str, str] = {}
    lines = path.read_bytes().decode("utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        name, marker, delimiter = line.partition("<<")
        assert marker, f"not a heredoc output line: {line!r}"
        value: list[str] = []
        while lines[index] != delimiter:
            value.append(lines[index])
            index += 1
        index += 1
        outputs[name] = "\n".join(value)
    return outputs


# -- a scripted Lambda-compatible endpoint on 127.0.0.1 ---------------------------


@dataclass
class Answer:
    """One scripted answer to an Invoke."""

    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str | None] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering
    #: a streamed body instead of ``body``: (seconds to wait, bytes) pieces, then the end
    stream: tuple[tuple[float, bytes], ...] = ()
    drop_stream: bool = False  # cut the connection after the pieces instead of ending well
    #: send a Content-Length for the whole body, then only this many bytes, and close
    cut_body_at: int | None = None


class ScriptedLambda:
    """An HTTP server that answers Invoke like Lambda does, from a script, and counts.

    Invoke answers are taken in order; the last one repeats. Lambda's own headers
    (X-Amz-Function-Error, X-Amz-Log-Result, X-Amz-Executed-Version) come from the script.
    GET .../configuration (GetFunctionConfiguration) takes ``configurations`` in order
    (the last repeats; an Active, Successful function when none are given).
    """

    def __init__(
        self,
        *answers: Answer,
        configurations: tuple[dict[str, str], ...] = (),
        qualified: Mapping[str, Answer] | None = None,
    ) -> None:
        """``qualified``: the answer to an Invoke of that qualifier (?Qualifier=live),
        every time (compare-to's baseline), instead of the next of ``answers``."""
        import http.server
        import threading
        import urllib.parse

        self.answers = list(answers) or [Answer()]
        self.qualified = dict(qualified or {})
        self.routed = 0  # Invokes answered from ``qualified``
        self.configurations = list(configurations) or [
            {"State": "Active", "LastUpdateStatus": "Successful"}
        ]
        self.requests: list[tuple[str, str, bytes]] = []
        self.request_headers: list[dict[str, str]] = []
        outer = self

        def pick(items: list[Any], method: str) -> Any:
            count = sum(1 for request in outer.requests if request[0] == method)
            count -= outer.routed if method == "POST" else 0
            return items[min(count, len(items)) - 1]

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, answer: Answer) -> None:
                # a client that gave up (a read timeout) is what a real endpoint sees too
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._write(answer)

            def _write(self, answer: Answer) -> None:
                if answer.stream:
                    self._write_stream(answer)
                    return
                self.send_response(answer.status)
                headers = {
                    "Content-Type": "application/json",
                    "x-amzn-RequestId": f"req-{len(outer.requests)}",
                    **answer.headers,
                }
                for key, value in headers.items():
                    if value is not None:  # None in the script: leave the header out
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if answer.cut_body_at is not None:
                    self.wfile.write(answer.body[: answer.cut_body_at])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    self.close_connection = True
                    return
                self.wfile.write(answer.body)

            def _write_stream(self, answer: Answer) -> None:
                """Chunked transfer, each piece flushed after its delay (as Lambda streams)."""
                self.protocol_version = "HTTP/1.1"
                self.send_response(answer.status)
                headers = {
                    "Content-Type": "application/vnd.amazon.eventstream",
                    "x-amzn-RequestId": f"req-{len(outer.requests)}",
                    "Transfer-Encoding": "chunked",
                    **answer.headers,
                }
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                for delay, piece in answer.stream:
                    time.sleep(delay)
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.flush()
                if answer.drop_stream:
                    self.connection.shutdown(2)
                    self.close_connection = True
                    return
                self.wfile.write(b"0\r\n\r\n")
                self.close_connection = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                qualifier = (query.get("Qualifier") or [""])[0]
                with outer.lock:
                    outer.request_headers.append(dict(self.headers.items()))
                    if qualifier in outer.qualified:
                        answer = outer.qualified[qualifier]
                        outer.routed += 1
                        outer.requests.append(("POST", self.path, body))
                    else:
                        outer.requests.append(("POST", self.path, body))
                        answer = pick(outer.answers, "POST")
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self._send(answer)

            def do_GET(self) -> None:
                with outer.lock:
                    outer.requests.append(("GET", self.path, b""))
                    configuration = pick(outer.configurations, "GET")
                self._send(Answer(body=json.dumps(configuration).encode()))

        self.lock = threading.Lock()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket.listen(128)  # socketserver's backlog of 5 drops parallel SYNs
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def invocations(self) -> int:
        """Invoke and InvokeWithResponseStream requests received."""
        return sum(1 for _, path, _ in self.requests if path.split("?")[0].endswith("invocations"))

    def __enter__(self) -> ScriptedLambda:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def lambda_error(status: int, code: str, message: str) -> Answer:
    """An error answer of the Lambda REST-JSON protocol."""
    return Answer(
        status=status,
        body=json.dumps({"Type": "User", "message": message}).encode(),
        headers={"X-Amzn-ErrorType": code},
    )


def function_answer(
    payload: Any, *, error: str | None = None, logs: str | None = None, version: str = "$LATEST"
) -> Answer:
    import base64

    headers = {"X-Amz-Executed-Version": version}
    if error:
        headers["X-Amz-Function-Error"] = error
    if logs is not None:
        headers["X-Amz-Log-Result"] = base64.b64encode(logs.encode()).decode()
    return Answer(body=json.dumps(payload).encode(), headers=headers)


REPORT_LOGS = (
    "START RequestId: 8f5 Version: $LATEST\n"
    "hello from the function\n"
    "END RequestId: 8f5\n"
    "REPORT RequestId: 8f5\tDuration: 2.24 ms\tBilled Duration: 3 ms\t"
    "Memory Size: 128 MB\tMax Memory Used: 39 MB\tInit Duration: 113.49 ms\t\n"
)


# -- scripts/local_lambda.py, run as users run it -------------------------------------


@dataclass
class LocalLambda:
    """scripts/local_lambda.py in a subprocess: its URL and its Invoke statistics."""

    url: str

    def stats(self) -> dict[str, int]:
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_local/stats", timeout=10) as answer:
            stats: dict[str, int] = json.load(answer)
        return stats


@contextlib.contextmanager
def local_lambda(
    directory: Path,
    functions: Mapping[str, str],
    *,
    delay_ms: float = 0,
    reserved_concurrency: int = 0,
) -> Iterator[LocalLambda]:
    """Serve ``{name: "path/module.py:function"}`` on a free loopback port."""
    url_file = directory / "local-lambda-url"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "local_lambda.py"),
        "--url-file",
        str(url_file),
    ]
    for name, target in functions.items():
        command += ["--function", f"{name}={target}"]
    if delay_ms:
        command += ["--delay-ms", str(delay_ms)]
    if reserved_concurrency:
        command += ["--reserved-concurrency", str(reserved_concurrency)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if url_file.exists() and url_file.read_text().strip():
                break
            if process.poll() is not None:
                raise RuntimeError(f"local_lambda.py exited with {process.returncode}")
            time.sleep(0.05)
        yield LocalLambda(url_file.read_text().strip())
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- Lambda's response stream (application/vnd.amazon.eventstream) ----------------------


def event_message(event_type: str, payload: bytes, content_type: str) -> bytes:
    """One event-stream message as InvokeWithResponseStream sends it (CRCs included)."""
    import struct
    import zlib

    headers = b""
    for name, value in (
        (":event-type", event_type),
        (":message-type", "event"),
        (":content-type", content_type),
    ):
        encoded = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07"
        headers += struct.pack(">H", len(encoded)) + encoded
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def payload_chunk(data: bytes) -> bytes:
    return event_message("PayloadChunk", data, "application/octet-stream")


def invoke_complete(error_code: str = "", details: str = "", logs: str = "") -> bytes:
    import base64

    body: dict[str, str] = {}
    if error_code:
        body["ErrorCode"] = error_code
        body["ErrorDetails"] = details
    if logs:
        body["LogResult"] = base64.b64encode(logs.encode()).decode()
    return event_message("InvokeComplete", json.dumps(body).encode(), "application/json")


# -- GitHub's OIDC token endpoint, as far as the action uses it --------------------------

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWYifQ.c2lnbmF0dXJl"


class TokenEndpoint:
    """GitHub's OIDC token endpoint, as far as the action uses it."""

    def __init__(self, status: int = 200) -> None:
        import http.server
        import threading

        self.requests: list[tuple[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append((self.path, self.headers.get("Authorization", "")))
                body = json.dumps({"value": JWT} if status == 200 else {"message": "no"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/token?api-version=2.0"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
