"""Invoke local: run a serverless.yml function's handler on this machine, as
``serverless invoke local`` does, and answer like Lambda would.

The handler runs in a fresh subprocess (Python, or Node.js when ``node`` is on PATH)
with the service's environment, a context object, and the function's timeout enforced.
Its output becomes the log (between START/END/REPORT lines); an exception becomes a
FunctionError ``Unhandled`` with Lambda's error payload.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from typing import Any

from lambda_invoke.outcome import InvokeResult, Say, parse_report
from lambda_invoke.serverless import ServerlessFunction
from lambda_invoke.settings import Settings

_SPEC_VARIABLE = "_LAMBDA_INVOKE_LOCAL"

PYTHON_BOOTSTRAP = r"""
import importlib, json, os, sys, time, traceback
spec = json.loads(os.environ.pop("_LAMBDA_INVOKE_LOCAL"))
sys.path.insert(0, spec["root"])


class LambdaContext:
    def __init__(self):
        for key, value in spec["context"].items():
            setattr(self, key, value)

    def get_remaining_time_in_millis(self):
        return max(0, int(spec["deadline_ms"] - time.time() * 1000))


def answer(document):
    with open(spec["result"], "w", encoding="utf-8") as handle:
        json.dump(document, handle)


try:
    event = json.loads(sys.stdin.read() or "{}")
    module_path, _, function = spec["handler"].rpartition(".")
    handler = getattr(importlib.import_module(module_path.replace("/", ".")), function)
    result = handler(event, LambdaContext())
    try:
        answer({"ok": result})
    except (TypeError, ValueError) as error:
        answer({"error": {"errorMessage": "Unable to marshal response: " + str(error),
                          "errorType": "Runtime.MarshalError", "requestId": spec["request_id"],
                          "stackTrace": []}})
except Exception as error:
    frames = traceback.extract_tb(error.__traceback__)[1:]
    print("[ERROR] " + type(error).__name__ + ": " + str(error), file=sys.stderr)
    traceback.print_exc()
    answer({"error": {"errorMessage": str(error), "errorType": type(error).__name__,
                      "requestId": spec["request_id"],
                      "stackTrace": traceback.format_list(frames)}})
"""

NODE_BOOTSTRAP = r"""
const fs = require("fs");
const path = require("path");
const url = require("url");
const spec = JSON.parse(process.env._LAMBDA_INVOKE_LOCAL);
delete process.env._LAMBDA_INVOKE_LOCAL;
const answer = (document) => fs.writeFileSync(spec.result, JSON.stringify(document));
const fail = (error) => {
  const err = error instanceof Error ? error : new Error(String(error));
  console.error(`ERROR\t${err.name}: ${err.message}`);
  answer({ error: { errorType: err.name, errorMessage: err.message,
                    trace: String(err.stack || "").split("\n") } });
};
let settled = false;
const callback = (error, result) => {
  if (settled) return;
  settled = true;
  if (error) fail(error); else answer({ ok: result === undefined ? null : result });
};
(async () => {
  try {
    const input = fs.readFileSync(0, "utf8");
    const event = JSON.parse(input || "{}");
    const dot = spec.handler.lastIndexOf(".");
    const file = path.resolve(spec.root, spec.handler.slice(0, dot));
    let module;
    try {
      // require() looks for .js, not .cjs: a CommonJS .cjs handler is named in full
      const cjs = fs.existsSync(file + ".cjs") && !fs.existsSync(file + ".js");
      module = require(cjs ? file + ".cjs" : file);
    } catch (error) {
      if (error.code !== "ERR_REQUIRE_ESM" && error.code !== "MODULE_NOT_FOUND") throw error;
      const candidates = [file + ".mjs", file + ".js"].filter((f) => fs.existsSync(f));
      if (!candidates.length) throw error;
      module = await import(url.pathToFileURL(candidates[0]).href);
    }
    const handler = module[spec.handler.slice(dot + 1)];
    if (typeof handler !== "function") throw new Error(`${spec.handler} is not a function`);
    const context = {
      ...spec.context,
      getRemainingTimeInMillis: () => Math.max(0, Math.floor(spec.deadline_ms - Date.now())),
      callbackWaitsForEmptyEventLoop: true,
      done: callback,
      succeed: (result) => callback(null, result),
      fail: (error) => callback(error),
    };
    const returned = handler(event, context, callback);
    if (returned && typeof returned.then === "function") callback(null, await returned);
  } catch (error) {
    settled = true;
    fail(error);
  }
})();
"""


def _interpreter(runtime: str) -> list[str]:
    if runtime.startswith("nodejs"):
        return ["node", "-e", NODE_BOOTSTRAP]
    # The Python that runs this tool (a runtime-named one, such as a pyenv shim for
    # python3.12, may be there without working); its version may differ from the runtime.
    return [sys.executable, "-c", PYTHON_BOOTSTRAP]


@dataclass(frozen=True)
class _Names:
    """Lambda's names for one local run."""

    function: str
    region: str
    request_id: str
    log_group: str
    log_stream: str


@dataclass(frozen=True)
class _Run:
    """What the handler's process left: its output, its answer, how it ended."""

    output: bytes
    answer: dict[str, Any] | None
    timed_out: bool
    returncode: int | None
    duration_ms: float


def invoke_local(settings: Settings, say: Say) -> InvokeResult:
    """Run the handler once and answer like Lambda's Invoke."""
    function = settings.serverless
    assert function is not None and function.handler and function.runtime  # settings checked
    name = settings.function.name
    names = _Names(
        function=name,
        region=settings.region or "us-east-1",
        request_id=str(uuid.uuid4()),
        log_group=f"/aws/lambda/{name}",
        log_stream=time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex,
    )
    if settings.invocation_type == "DryRun":
        return InvokeResult(
            204, "", b"", "", "$LATEST", names.request_id, parse_report(""), elapsed_ms=0.0
        )
    say(f"running {function.key} ({function.handler}, {function.runtime}) locally")
    run = _run_handler(settings, function, names)
    return _answer(settings, function, names, run)


def _context(settings: Settings, function: ServerlessFunction, names: _Names) -> dict[str, Any]:
    """The context object's fields (Node's camel-case names for Node handlers); the
    client context's keys become attributes, as in serverless."""
    arn = f"arn:aws:lambda:{names.region}:000000000000:function:{names.function}"
    context: dict[str, Any] = {
        "function_name": names.function,
        "function_version": "$LATEST",
        "invoked_function_arn": arn,
        "memory_limit_in_mb": str(function.memory),
        "aws_request_id": names.request_id,
        "log_group_name": names.log_group,
        "log_stream_name": names.log_stream,
        "identity": None,
        "client_context": settings.context,
    }
    if (function.runtime or "").startswith("nodejs"):
        context = {
            "functionName": names.function,
            "functionVersion": "$LATEST",
            "invokedFunctionArn": arn,
            "memoryLimitInMB": str(function.memory),
            "awsRequestId": names.request_id,
            "logGroupName": names.log_group,
            "logStreamName": names.log_stream,
        }
        if settings.context is not None:  # else undefined, as in Lambda and serverless
            context["clientContext"] = settings.context
    context.update(settings.context or {})
    return context


def _environment(
    settings: Settings, function: ServerlessFunction, names: _Names, spec: dict[str, Any]
) -> dict[str, str]:
    return {
        **os.environ,
        **dict(function.environment),
        **dict(settings.env),
        "IS_LOCAL": "true",
        "AWS_LAMBDA_FUNCTION_NAME": names.function,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": names.log_group,
        "AWS_LAMBDA_LOG_STREAM_NAME": names.log_stream,
        "AWS_REGION": names.region,
        "AWS_DEFAULT_REGION": names.region,
        "PYTHONUNBUFFERED": "1",
        # Lambda's runtimes run in a UTF-8 locale (LANG=en_US.UTF-8); Python's UTF-8 mode
        # gives the handler the same whatever the locale here
        "PYTHONUTF8": "1",
        _SPEC_VARIABLE: json.dumps(spec, default=str),
    }


def _run_handler(settings: Settings, function: ServerlessFunction, names: _Names) -> _Run:
    """The handler in a fresh process, in the service's folder, within its timeout."""
    with tempfile.TemporaryDirectory(prefix="lambda-invoke-local-") as scratch:
        result_path = os.path.join(scratch, "result.json")
        spec = {
            "root": str(function.service_dir),
            "handler": function.handler,
            "result": result_path,
            "context": _context(settings, function, names),
            "request_id": names.request_id,
            "deadline_ms": time.time() * 1000 + function.timeout * 1000,
        }
        started = time.monotonic()
        try:
            done = subprocess.run(
                _interpreter(function.runtime or ""),
                input=settings.payload or b"",
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=function.service_dir,
                env=_environment(settings, function, names, spec),
                timeout=function.timeout,
                check=False,
            )
            output, timed_out, code = done.stdout, False, done.returncode
        except subprocess.TimeoutExpired as expired:
            output, timed_out, code = expired.output or b"", True, None
        duration = (time.monotonic() - started) * 1000
        return _Run(output, _read_result(result_path), timed_out, code, duration)


def _answer(
    settings: Settings, function: ServerlessFunction, names: _Names, run: _Run
) -> InvokeResult:
    """The run as Lambda's Invoke answers it: payload, function error, START/END/REPORT."""
    logs = run.output.decode("utf-8", errors="replace")
    error = "Unhandled"
    payload: Any
    if run.timed_out:
        message = f"Task timed out after {function.timeout:.2f} seconds"
        payload = {"errorType": "Sandbox.Timedout", "errorMessage": message}
        logs += message + "\n"
    elif run.answer is None:
        payload = {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"the handler process exited ({run.returncode}) without an answer",
        }
    elif "error" in run.answer:
        payload = run.answer["error"]
    else:
        error, payload = "", run.answer["ok"]
    memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    request_id = names.request_id
    log_text = (
        f"START RequestId: {request_id} Version: $LATEST\n{logs}"
        f"{'' if not logs or logs.endswith(chr(10)) else chr(10)}"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: {run.duration_ms:.2f} ms\t"
        f"Billed Duration: {math.ceil(run.duration_ms)} ms\tMemory Size: {function.memory} MB\t"
        f"Max Memory Used: {memory} MB\t\n"
    )
    if settings.invocation_type == "Event":  # Lambda answers an Event before it runs
        return InvokeResult(
            202,
            "",
            b"",
            log_text,
            "$LATEST",
            request_id,
            parse_report(log_text),
            elapsed_ms=round(run.duration_ms, 1),
        )
    return InvokeResult(
        elapsed_ms=round(run.duration_ms, 1),
        status_code=200,
        function_error=error,
        payload=json.dumps(payload).encode(),
        logs=log_text,
        executed_version="$LATEST",
        request_id=request_id,
        report=parse_report(log_text),
    )


def _read_result(path: str) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None
