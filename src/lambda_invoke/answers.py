"""Reading an answer: an Invoke's response or a response stream into an InvokeResult, the
function error an emulator writes in its payload instead of a header, and the start of an
error answer's body (which botocore would drop). What came from the endpoint is untrusted:
each part is checked, bounded and cut."""

from __future__ import annotations

import base64
import binascii
import json
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from lambda_invoke.awserrors import ErrorAnswer, one_line
from lambda_invoke.outcome import InvokeResult, Report, parse_report

#: the payload of a runtime that timed out, as the Runtime Interface Emulator sends it
_TIMEOUT_TEXT = re.compile(r'"?(Task timed out after \d+(?:\.\d+)? seconds)"?')

#: a Lambda error document larger than this is not looked at (real ones are a few KB)
ERROR_DOCUMENT_LIMIT = 256 * 1024

#: the most of a streamed answer that is read (Lambda's default limit for a streamed
#: response is 20 MiB): past it the stream is closed and the answer is incomplete
MAX_STREAM_BYTES = 20 * 1024 * 1024

#: how much of an error answer's body is kept for the message (unmodelled error documents)
ERROR_BODY_LIMIT = 64 * 1024


def lambda_error_document(body: bytes) -> tuple[str, str] | None:
    """(errorType, errorMessage) when ``body`` is what a Lambda runtime sends for a failed
    invocation: an ``errorType``/``errorMessage`` document, or a timeout's text."""
    if not body or len(body) > ERROR_DOCUMENT_LIMIT:
        return None
    text = body.decode(errors="replace").strip()
    timed_out = _TIMEOUT_TEXT.fullmatch(text)
    if timed_out:
        return "Sandbox.Timedout", timed_out[1]
    if not text.startswith("{"):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    kind, message = document.get("errorType"), document.get("errorMessage")
    if isinstance(kind, str) and isinstance(message, str):
        return kind, message
    return None


def _keep_error_body(http_response: Any = None, parsed: Any = None, **_: Any) -> None:
    """botocore parses an error answer into Code/Message only; an emulator's Lambda error
    document (errorType/errorMessage) would be lost. Keep the start of the body."""
    if not isinstance(parsed, dict):
        return
    try:
        if http_response.status_code < 300:
            return  # a success's body is the payload, read once by the caller
        content = http_response.content
    except Exception:  # a stubbed or broken answer: nothing to keep
        return
    if isinstance(content, bytes) and content:
        parsed["LambdaInvokeErrorBody"] = content[:ERROR_BODY_LIMIT]


#: the clients ``_keep_error_body`` is registered on (botocore inspects a handler's
#: signature on every register: once per client, not once per Invoke)
_REGISTERED: weakref.WeakSet[Any] = weakref.WeakSet()


def keep_error_bodies(client: Any) -> None:
    """Register ``_keep_error_body`` on the client, once."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None:
        return
    try:
        if client in _REGISTERED:
            return
        _REGISTERED.add(client)
    except TypeError:  # a client that cannot be weakly referenced: register (idempotent)
        pass
    for operation in ("Invoke", "InvokeWithResponseStream"):
        events.register(
            f"after-call.lambda.{operation}",
            _keep_error_body,
            unique_id=f"lambda-invoke-error-body-{operation}",
        )


def function_failure(
    answer: ErrorAnswer, attempts: int, request: Mapping[str, Any]
) -> InvokeResult | None:
    """A 5xx whose body is a Lambda error document of type ``Function.*`` (an emulator's
    way of saying what real Lambda answers as a function error, e.g. a response over
    the size limit): the function ran and failed. Reported as FunctionError Unhandled."""
    found = lambda_error_document(answer.body) if answer.status >= 500 else None
    if found is None or not found[0].startswith("Function."):
        return None
    return InvokeResult(
        status_code=answer.status,
        function_error="Unhandled",
        payload=answer.body,
        logs=None,
        executed_version=None,
        request_id=answer.request_id,
        report=Report(),
        attempts=attempts,
        invocation_type=request["InvocationType"],
        log_type=request.get("LogType", "None"),
        error_inferred=True,
    )


def read_answer(
    response: dict[str, Any],
    payload: bytes,
    attempts: int,
    request: Mapping[str, Any],
    **measured: Any,
) -> InvokeResult:
    """The answer as a result; ``measured``: fields known only to the caller (elapsed_ms,
    region), set here rather than copied in afterwards (a repeat makes thousands)."""
    logs = decode_logs(response.get("LogResult"))
    unreadable = logs is None and response.get("LogResult") is not None
    executed_version = response.get("ExecutedVersion") or None
    function_error, inferred = _function_error(response, payload, executed_version)
    metadata = response.get("ResponseMetadata") or {}
    return InvokeResult(
        status_code=int(response.get("StatusCode", 0)),
        function_error=function_error,
        payload=payload,
        logs=logs,
        executed_version=executed_version,
        request_id=metadata.get("RequestId") or None,
        report=parse_report(logs) if logs else Report(),
        attempts=attempts,
        durable_execution_arn=response.get("DurableExecutionArn") or "",
        invocation_type=request["InvocationType"],
        log_type=request.get("LogType", "None"),
        error_inferred=inferred,
        logs_unreadable=unreadable,
        trace_id=(metadata.get("HTTPHeaders") or {}).get("x-amzn-trace-id"),
        **measured,
    )


def _function_error(
    response: Mapping[str, Any], payload: bytes, executed_version: str | None
) -> tuple[str, bool]:
    """The function error, and whether it was inferred: real Lambda always sends
    X-Amz-Executed-Version; the emulators send neither it nor X-Amz-Function-Error, and
    answer a failed function with its error document."""
    function_error = response.get("FunctionError") or ""
    if not function_error and executed_version is None and lambda_error_document(payload):
        return "Unhandled", True
    return function_error, False


def decode_logs(value: Any) -> str | None:
    """The log tail (X-Amz-Log-Result, base64); None when none came back or it is not base64."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True).decode(errors="replace")
    except (binascii.Error, ValueError):
        return None


def read_stream(
    response: dict[str, Any],
    on_chunk: Callable[[bytes], None] | None,
    attempts: int,
    request: Mapping[str, Any],
) -> InvokeResult:
    """Read InvokeWithResponseStream's events: payload chunks, then InvokeComplete.

    Lambda always ends a stream with InvokeComplete. A stream without it (cut short, a
    partial frame, or ended cleanly too early) is incomplete, whatever arrived before.
    """

    chunks, complete, broke = _events(response["EventStream"], on_chunk)
    payload = b"".join(chunks)
    ended = complete or {}
    error_code = ended.get("ErrorCode") or ""
    details = ended.get("ErrorDetails")
    if error_code and not payload and details:
        payload = str(details).encode()
    result = read_answer(
        {**response, "FunctionError": error_code, "LogResult": ended.get("LogResult")},
        payload,
        attempts,
        request,
    )
    incomplete = ""
    if complete is None:
        incomplete = (
            f"the response stream ended before Lambda said it was complete (no InvokeComplete "
            f"event; {len(payload)} bytes arrived){broke}"
        )
    return replace(
        result,
        streamed=True,
        error_details=str(details) if details else None,
        incomplete=incomplete,
    )


def _events(
    stream: Any, on_chunk: Callable[[bytes], None] | None
) -> tuple[list[bytes], dict[str, Any] | None, str]:
    """The payload chunks, the InvokeComplete event (None: none came) and why the stream
    broke off ("" when it did not), reading at most MAX_STREAM_BYTES."""
    from botocore.exceptions import ResponseStreamingError
    from urllib3.exceptions import HTTPError

    chunks: list[bytes] = []
    complete: dict[str, Any] | None = None
    size = 0
    try:
        for event in stream:
            if "InvokeComplete" in event:
                complete = event["InvokeComplete"]
            if "PayloadChunk" not in event:
                continue
            chunk = event["PayloadChunk"].get("Payload") or b""
            size += len(chunk)
            if size > MAX_STREAM_BYTES:  # memory stays bounded: the rest is not read
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
                return (
                    chunks,
                    complete,
                    (
                        f" (it passed {MAX_STREAM_BYTES} bytes, the most read of a streamed "
                        "answer: the rest was not read)"
                    ),
                )
            chunks.append(chunk)
            if on_chunk is not None and chunk:
                on_chunk(chunk)
    except (HTTPError, ResponseStreamingError) as error:  # urllib3's own errors come through
        return chunks, complete, f" (the connection broke: {one_line(error, 200)})"
    return chunks, complete, ""
