#!/usr/bin/env python3
"""A small Lambda-compatible endpoint that runs Python handlers on this machine.

For the demo, the action's own workflow test and local trials: it answers the Invoke
API (POST /2015-03-31/functions/NAME/invocations) like Lambda does, with the
payload, X-Amz-Function-Error, X-Amz-Log-Result (START/END/REPORT lines),
X-Amz-Executed-Version and x-amzn-RequestId, and 404 for an unknown function.
Standard library only.

    python scripts/local_lambda.py --function hello=examples/hello/handler.py:hello \
        [--host 127.0.0.1] [--port 0] [--url-file FILE] [--delay-ms 50]

``--delay-ms`` adds a fixed time to every Invoke (a stand-in for a real function's run
time, for benchmarks). GET /_local/stats answers {"invokes": N, "peak_in_flight": M}:
how many Invokes arrived and how many were being answered at the same time at most.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import importlib.util
import io
import json
import re
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/?]+)/invocations(?:\?(?P<query>.*))?$")
LOG_TAIL = 4096
#: what Lambda says when a function's reserved concurrency is in use
THROTTLE_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
_PRINT_LOCK = threading.Lock()


class Context:
    """The parts of the Lambda context object handlers use most."""

    def __init__(self, name: str, request_id: str, timeout: float = 30.0) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
        self.memory_limit_in_mb = "128"
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(spec: str) -> tuple[str, Callable[[Any, Context], Any]]:
    """``NAME=path/to/module.py:function`` -> (NAME, function)."""
    name, _, target = spec.partition("=")
    path, _, function = target.rpartition(":")
    module_spec = importlib.util.spec_from_file_location(f"handler_{name}", path)
    if not name or not function or module_spec is None or module_spec.loader is None:
        raise SystemExit(f"local_lambda: bad --function '{spec}' (NAME=path/module.py:function)")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return name, getattr(module, function)


def run_handler(name: str, handler: Callable[[Any, Context], Any], body: bytes) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    logs = io.StringIO()
    started = time.perf_counter()
    error = None
    try:
        event = json.loads(body) if body.strip() else {}
        with _PRINT_LOCK, contextlib.redirect_stdout(logs), contextlib.redirect_stderr(logs):
            started = time.perf_counter()  # (the handler's own time, as Lambda's Duration)
            result = handler(event, Context(name, request_id))
        payload = json.dumps(result).encode()
    except Exception as exc:  # the function's error, reported the way Lambda does
        error = "Unhandled"
        payload = json.dumps(
            {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": request_id,
                "stackTrace": traceback.format_tb(exc.__traceback__.tb_next),
            }
        ).encode()
        logs.write(f"[ERROR] {type(exc).__name__}: {exc}\n")
    duration = (time.perf_counter() - started) * 1000
    log_text = (
        f"START RequestId: {request_id} Version: $LATEST\n{logs.getvalue()}"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
        f"Billed Duration: {max(1, round(duration))} ms\tMemory Size: 128 MB\t"
        f"Max Memory Used: 42 MB\t\n"
    )
    return {
        "request_id": request_id,
        "payload": payload,
        "error": error,
        "logs": log_text.encode()[-LOG_TAIL:],
    }


class Stats:
    """Invokes received, and the most answered at once (concurrency seen by the server).

    With a reserved concurrency, an Invoke arriving while that many run is throttled as
    Lambda does (429, nothing run) and counted in ``throttled``, not in ``invokes``."""

    def __init__(self, reserved_concurrency: int = 0) -> None:
        self.lock = threading.Lock()
        self.reserved_concurrency = reserved_concurrency
        self.invokes = 0
        self.throttled = 0
        self.in_flight = 0
        self.peak_in_flight = 0

    @contextlib.contextmanager
    def invoke(self) -> Any:
        """Yields False when the Invoke is throttled."""
        with self.lock:
            if self.reserved_concurrency and self.in_flight >= self.reserved_concurrency:
                self.throttled += 1
                admitted = False
            else:
                admitted = True
                self.invokes += 1
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            yield admitted
        finally:
            if admitted:
                with self.lock:
                    self.in_flight -= 1

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps(
                {
                    "invokes": self.invokes,
                    "throttled": self.throttled,
                    "peak_in_flight": self.peak_in_flight,
                }
            ).encode()


def make_server(
    host: str,
    port: int,
    functions: dict[str, Callable[[Any, Context], Any]],
    delay: float = 0.0,
    reserved_concurrency: int = 0,
) -> ThreadingHTTPServer:
    stats = Stats(reserved_concurrency)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive as Lambda (every answer has a length)
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/_local/stats":
                self._answer(200, stats.as_json(), {})
            else:
                self._answer(404, b'{"message": "not found"}', {})

        def do_POST(self) -> None:
            with stats.invoke() as admitted:
                if not admitted:
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    message = {"message": "Rate Exceeded.", "Reason": THROTTLE_REASON}
                    error = {"X-Amzn-ErrorType": "TooManyRequestsException"}
                    self._answer(429, json.dumps(message).encode(), error)
                    return
                if delay:
                    time.sleep(delay)
                self._invoke()

        def _invoke(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            match = PATH.match(self.path)
            reference = urllib.parse.unquote(match["name"]) if match else ""
            if ":function:" in reference:  # an ARN: keep what follows, less a qualifier
                reference = reference.rpartition(":function:")[2]
            name, _, qualifier = reference.partition(":")
            query = urllib.parse.parse_qs(match["query"] or "") if match else {}
            qualifier = (query.get("Qualifier") or [qualifier])[0]
            if f"{name}:{qualifier}" in functions:  # NAME:QUALIFIER=...: a version or alias
                name = f"{name}:{qualifier}"
            if not match or name not in functions:
                message = json.dumps({"message": f"Function not found: {name or self.path}"})
                self._answer(
                    404, message.encode(), {"X-Amzn-ErrorType": "ResourceNotFoundException"}
                )
                return
            kind = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
            if kind == "DryRun":
                self._answer(204, b"", {"x-amzn-RequestId": str(uuid.uuid4())})
                return
            if kind == "Event":
                threading.Thread(target=run_handler, args=(name, functions[name], body)).start()
                self._answer(202, b"", {"x-amzn-RequestId": str(uuid.uuid4())})
                return
            outcome = run_handler(name, functions[name], body)
            headers = {
                "x-amzn-RequestId": outcome["request_id"],
                "X-Amz-Executed-Version": name.partition(":")[2] or "$LATEST",
            }
            if self.headers.get("X-Amz-Log-Type") == "Tail":
                headers["X-Amz-Log-Result"] = base64.b64encode(outcome["logs"]).decode()
            if outcome["error"]:
                headers["X-Amz-Function-Error"] = outcome["error"]
            self._answer(200, outcome["payload"], headers)

    return Server((host, port), Handler)


class Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a client opening more connections at once
    # (a suite runs 8 cases at a time) would see SYNs dropped and wait a second to retry
    request_queue_size = 128
    daemon_threads = True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--function",
        action="append",
        required=True,
        help="NAME[:QUALIFIER]=file.py:function (a qualifier: that version or alias only)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--url-file", help="write the endpoint URL here once listening")
    parser.add_argument(
        "--delay-ms", type=float, default=0.0, help="added to every Invoke (a function's run time)"
    )
    parser.add_argument(
        "--reserved-concurrency",
        type=int,
        default=0,
        help="throttle (429) an Invoke that arrives while this many run, as Lambda does",
    )
    args = parser.parse_args(argv)
    functions = dict(load_handler(spec) for spec in args.function)
    server = make_server(
        args.host, args.port, functions, args.delay_ms / 1000, args.reserved_concurrency
    )
    url = f"http://{args.host}:{server.server_address[1]}"
    if args.url_file:
        Path(args.url_file).write_text(url + "\n")
    print(f"local Lambda endpoint on {url}: {', '.join(functions)}", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
