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
from typing import Any

from lambda_invoke.outcome import InvokeResult, Say, parse_report
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


def invoke_local(settings: Settings, say: Say) -> InvokeResult:
    """Run the handler once and answer like Lambda's Invoke."""
    function = settings.serverless
    assert function is not None and function.handler and function.runtime  # settings checked
    request_id = str(uuid.uuid4())
    if settings.invocation_type == "DryRun":
        return InvokeResult(204, "", b"", "", "$LATEST", request_id, parse_report(""))
    name = settings.function.name
    region = settings.region or "us-east-1"
    log_stream = time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex
    log_group = f"/aws/lambda/{name}"
    context: dict[str, Any] = {
        "function_name": name,
        "function_version": "$LATEST",
        "invoked_function_arn": f"arn:aws:lambda:{region}:000000000000:function:{name}",
        "memory_limit_in_mb": str(function.memory),
        "aws_request_id": request_id,
        "log_group_name": log_group,
        "log_stream_name": log_stream,
        "identity": None,
        "client_context": settings.context,
    }
    if function.runtime.startswith("nodejs"):
        context = {
            "functionName": name,
            "functionVersion": "$LATEST",
            "invokedFunctionArn": context["invoked_function_arn"],
            "memoryLimitInMB": str(function.memory),
            "awsRequestId": request_id,
            "logGroupName": log_group,
            "logStreamName": log_stream,
        }
        if settings.context is not None:  # else undefined, as in Lambda and serverless
            context["clientContext"] = settings.context
    context.update(settings.context or {})  # as serverless: context keys become attributes
    with tempfile.TemporaryDirectory(prefix="lambda-invoke-local-") as scratch:
        result_path = os.path.join(scratch, "result.json")
        started = time.monotonic()
        spec = {
            "root": str(function.service_dir),
            "handler": function.handler,
            "result": result_path,
            "context": context,
            "request_id": request_id,
            "deadline_ms": time.time() * 1000 + function.timeout * 1000,
        }
        env = {
            **os.environ,
            **dict(function.environment),
            **dict(settings.env),
            "IS_LOCAL": "true",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
            "AWS_LAMBDA_LOG_GROUP_NAME": log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "PYTHONUNBUFFERED": "1",
            _SPEC_VARIABLE: json.dumps(spec, default=str),
        }
        say(f"running {function.key} ({function.handler}, {function.runtime}) locally")
        timed_out = False
        try:
            done = subprocess.run(
                _interpreter(function.runtime),
                input=settings.payload or b"",
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=function.service_dir,
                env=env,
                timeout=function.timeout,
                check=False,
            )
            output = done.stdout
        except subprocess.TimeoutExpired as expired:
            timed_out = True
            output = expired.output or b""
        duration = (time.monotonic() - started) * 1000
        outcome = _read_result(result_path)
    logs = output.decode("utf-8", errors="replace")
    error = ""
    if timed_out:
        error = "Unhandled"
        payload: Any = {
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"Task timed out after {function.timeout:.2f} seconds",
        }
        logs += f"Task timed out after {function.timeout:.2f} seconds\n"
    elif outcome is None:
        error = "Unhandled"
        payload = {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"the handler process exited ({done.returncode}) without an answer",
        }
    elif "error" in outcome:
        error = "Unhandled"
        payload = outcome["error"]
    else:
        payload = outcome["ok"]
    memory = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    log_text = (
        f"START RequestId: {request_id} Version: $LATEST\n{logs}"
        f"{'' if not logs or logs.endswith(chr(10)) else chr(10)}"
        f"END RequestId: {request_id}\n"
        f"REPORT RequestId: {request_id}\tDuration: {duration:.2f} ms\t"
        f"Billed Duration: {math.ceil(duration)} ms\tMemory Size: {function.memory} MB\t"
        f"Max Memory Used: {memory} MB\t\n"
    )
    if settings.invocation_type == "Event":  # Lambda answers an Event before it runs
        return InvokeResult(202, "", b"", log_text, "$LATEST", request_id, parse_report(log_text))
    return InvokeResult(
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
