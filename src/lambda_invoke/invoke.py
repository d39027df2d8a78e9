"""The boto3 call, with the reliability rules of the contract.

Invoke is sent again only when Lambda certainly did not run it: throttling, a function
still being updated, a failure to connect. botocore's own retries are switched off,
because botocore also retries read timeouts and 5xx answers, which can run a function
twice.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from lambda_invoke.errors import AwsError, ErrorAnswer
from lambda_invoke.outcome import InvokeResult, Report, Say, parse_report
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight

THROTTLING = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "EC2ThrottledException"}
)
#: "Not yet; nothing ran": the Invoke errors whose documentation in botocore's Lambda model
#: says to wait and try again (an update in progress, an idle function being re-provisioned,
#: a SnapStart snapshot or VPC interface being prepared). Waited for within wait-timeout.
_NOT_READY_SAYS = {
    "ResourceConflictException": "is being updated",
    "ResourceNotReadyException": "is inactive (its VPC connection is being re-established)",
    "CodeArtifactUserPendingException": "is being initialised (its code is being provisioned)",
    "CodeArtifactUserDeletedException": "is being initialised (its code is being provisioned)",
    "SnapStartNotReadyException": "is being initialised (SnapStart)",
    "SnapStartRegenerationFailureException": "is regenerating its SnapStart snapshot",
    "ENINotReadyException": "is not ready (its VPC network interface is being created)",
}
NOT_READY = frozenset(_NOT_READY_SAYS)
ACCESS = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "KMSAccessDeniedException",
    }
)
PROGRESS_INTERVAL = 30.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0
POLL_INTERVAL = 5.0

#: the payload of a runtime that timed out, as the Runtime Interface Emulator sends it
_TIMEOUT_TEXT = re.compile(r'"?(Task timed out after \d+(?:\.\d+)? seconds)"?')
#: the most of a streamed answer that is read (Lambda's default limit for a streamed
#: response is 20 MiB): past it the stream is closed and the answer is incomplete
MAX_STREAM_BYTES = 20 * 1024 * 1024
#: a Lambda error document larger than this is not looked at (real ones are a few KB)
ERROR_DOCUMENT_LIMIT = 256 * 1024


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


class EndpointState:
    """What one run learns about its endpoint, shared by all its invocations (a suite's
    cases too): whether it refused log-type Tail. Safe to use from several threads."""

    def __init__(self, warn: Say | None = None) -> None:
        self.warn = warn
        self.log_tail_refused = False
        self._lock = threading.Lock()

    def refused_log_tail(self, message: str) -> None:
        with self._lock:
            if self.log_tail_refused:
                return
            self.log_tail_refused = True
        if self.warn is not None:
            self.warn(
                f"the endpoint refused log-type Tail before running the function "
                f"({_one_line(message, 200)}); invoking with log-type None: no log tail, "
                "and checks on logs or REPORT timings fail"
            )


def build_request(settings: Settings, *, log_tail_refused: bool = False) -> dict[str, Any]:
    request: dict[str, Any] = {
        "FunctionName": settings.function_name,
        "InvocationType": settings.invocation_type,
    }
    if settings.invocation_type == "RequestResponse":
        # Lambda returns logs for synchronous calls only
        request["LogType"] = "None" if log_tail_refused else settings.log_type
    if settings.payload is not None:
        request["Payload"] = settings.payload
    if settings.qualifier:
        request["Qualifier"] = settings.qualifier
    if settings.client_context:
        request["ClientContext"] = settings.client_context
    if settings.tenant_id:
        request["TenantId"] = settings.tenant_id
    if settings.durable_execution_name:
        request["DurableExecutionName"] = settings.durable_execution_name
    return request


@dataclass(frozen=True)
class _Next:
    """What to do after a failed attempt that certainly did not run the function."""

    action: str = "retry"  # or "again" (at once, not counted), "wait" (until ready)
    code: str = ""
    reason: str = ""  # the progress line of a retry
    final: str = ""  # the error once max-attempts are spent


def invoke(
    settings: Settings,
    client: Any,
    *,
    say: Say,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    progress_interval: float = PROGRESS_INTERVAL,
    on_chunk: Callable[[bytes], None] | None = None,
    endpoint: EndpointState | None = None,
    flight: InFlight | None = None,
) -> InvokeResult:
    """Invoke once; send again only when Lambda certainly did not run the request.

    With ``invoke-mode: stream`` the call is InvokeWithResponseStream and ``on_chunk``
    gets each piece of the payload as it arrives. ``endpoint`` is shared by the run's
    invocations (what the endpoint refused once, it is not asked again); ``flight`` too
    (what is waiting for an answer, and whether the run was stopped: then nothing is sent).
    """
    endpoint = endpoint or EndpointState()
    flight = flight or InFlight()
    sleep = sleep or flight.pause  # a stop ends a backoff or a wait for readiness at once
    keep_error_bodies(client)
    wait_deadline = clock() + settings.wait_timeout
    target = settings.function_name
    attempt = 0
    throttles = 0
    while True:
        attempt += 1
        request = build_request(settings, log_tail_refused=endpoint.log_tail_refused)
        try:
            with flight.sent(target), _progress(say, progress_interval, f"{target} to answer"):
                result = _send(client, settings.invoke_mode, request, on_chunk, attempt)
            return replace(result, throttles=throttles)
        except Exception as error:  # _after_failure raises again what it does not know
            after = _after_failure(
                error,
                settings=settings,
                client=client,
                request=request,
                endpoint=endpoint,
                attempt=attempt,
            )
        if isinstance(after, InvokeResult):
            return after
        if after.action == "again":
            attempt -= 1
            continue
        if after.action == "wait":
            state = _NOT_READY_SAYS[after.code]
            say(f"{target} {state} ({after.code}); waiting before invoking")
            _wait_until_ready(
                settings,
                code=after.code,
                client=client,
                deadline=wait_deadline,
                say=say,
                sleep=sleep,
                clock=clock,
            )
            continue
        throttles += after.reason.startswith("throttled")
        if attempt >= settings.max_attempts:
            raise AwsError(after.final)
        delay = backoff(attempt)
        say(f"{after.reason}; attempt {attempt + 1} in {delay:.1f} s")
        sleep(delay)


def _send(
    client: Any,
    invoke_mode: str,
    request: dict[str, Any],
    on_chunk: Callable[[bytes], None] | None,
    attempt: int,
) -> InvokeResult:
    """One attempt; ``elapsed_ms`` is its round trip, the whole answer read."""
    started = time.perf_counter()
    if invoke_mode == "stream":
        result = _streamed(
            client.invoke_with_response_stream(**request), on_chunk, attempt, request
        )
    else:
        response = client.invoke(**request)
        payload = response["Payload"].read() if "Payload" in response else b""
        result = _result(response, payload, attempt, request)
    return replace(result, elapsed_ms=round((time.perf_counter() - started) * 1000, 1))


def _after_failure(
    error: Exception,
    *,
    settings: Settings,
    client: Any,
    request: Mapping[str, Any],
    endpoint: EndpointState,
    attempt: int,
) -> InvokeResult | _Next:
    """What a failed attempt means: a function error an emulator reported, or what to do
    next when the function certainly did not run; anything else raises one AwsError."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
        ResponseStreamingError,
    )

    not_retried = "Not retried: a second Invoke could run it twice"
    if isinstance(error, ClientError):
        answer = ErrorAnswer.of(error)
        code = answer.code
        if _refuses_log_tail(answer, request):
            # refused before running: the same request without the log tail, once
            endpoint.refused_log_tail(answer.message)
            return _Next("again")
        if code in NOT_READY:
            return _Next("wait", code=code)
        if code in THROTTLING:
            return _Next(
                reason=f"throttled ({code})",
                final=f"throttled by Lambda ({code}) on all {attempt} attempts "
                f"(max-attempts {settings.max_attempts}); the function did not run",
            )
        failure = _function_failure(answer, attempt, request)
        if failure is not None:
            return failure
        raise _client_error(answer, settings) from None
    if isinstance(error, ReadTimeoutError):
        raise AwsError(
            f"no answer from Lambda within read-timeout {settings.read_timeout:g} s; "
            f"the function may still be running. {not_retried}"
        ) from None
    if isinstance(error, ConnectionClosedError):
        raise AwsError(f"{_closed_why(error)}; the function may have run. {not_retried}") from None
    if isinstance(error, ResponseStreamingError):
        raise AwsError(
            f"the response stream broke after the function started ({_one_line(error)}). "
            f"{not_retried}"
        ) from None
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError)):
        reason = f"cannot connect to {_endpoint(client)}"
        return _Next(reason=reason, final=f"{reason} after {attempt} attempts: {_one_line(error)}")
    if isinstance(error, BotoCoreError):
        raise botocore_error(error, settings) from None
    raise error


def _closed_why(error: Any) -> str:
    """What ended the answer: a header over http.client's limits, or a closed connection."""
    cause = str((getattr(error, "kwargs", None) or {}).get("error"))
    if "got more than" in cause and "header line" in cause:
        return "the endpoint answered with a header line over 65536 bytes (the HTTP client's limit)"
    if "got more than" in cause and "headers" in cause:
        return "the endpoint answered with more than 100 headers (the HTTP client's limit)"
    return "the connection closed after the request was sent"


def _refuses_log_tail(answer: ErrorAnswer, request: Mapping[str, Any]) -> bool:
    """An endpoint that does not do log tails and says so before running anything, as
    SAM's local Lambda service does (501 NotImplemented "log-type: Tail is not supported")."""
    if request.get("LogType") != "Tail":
        return False
    refused = answer.status == 501 or answer.code == "NotImplemented"
    return refused and "log-type" in answer.message.lower()


#: how much of an error answer's body is kept for the message (unmodelled error documents)
ERROR_BODY_LIMIT = 64 * 1024


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


def keep_error_bodies(client: Any) -> None:
    """Register ``_keep_error_body`` on the client, once (idempotent)."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None:
        return
    for operation in ("Invoke", "InvokeWithResponseStream"):
        events.register(
            f"after-call.lambda.{operation}",
            _keep_error_body,
            unique_id=f"lambda-invoke-error-body-{operation}",
        )


def _function_failure(
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


def backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter (half to full of the capped delay)."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return float(delay * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not secrecy)


def _wait_until_ready(
    settings: Settings,
    *,
    code: str,
    client: Any,
    deadline: float,
    say: Say,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    """Wait at least one poll interval, then poll GetFunctionConfiguration until the
    function is Active and its update done (at most until ``deadline``).

    Without permission to read the configuration, wait one poll interval only.
    """
    from botocore.exceptions import ClientError

    poll = min(POLL_INTERVAL, max(0.2, settings.wait_timeout / 20))  # ~20 polls at most
    last_said = clock()
    request = {"FunctionName": settings.function_name}
    if settings.qualifier:
        request["Qualifier"] = settings.qualifier
    while True:
        if clock() >= deadline:
            raise AwsError(
                f"{settings.function_name} was still not ready ({code}) after wait-timeout "
                f"{settings.wait_timeout:g} s; the function did not run"
            )
        sleep(min(poll, max(0.0, deadline - clock())))
        try:
            config = client.get_function_configuration(**request)
        except ClientError:
            return
        state = config.get("State") or "Active"
        update = config.get("LastUpdateStatus") or "Successful"
        if state == "Failed" or update == "Failed":
            reason = (
                config.get("StateReason")
                or config.get("LastUpdateStatusReason")
                or "no reason given"
            )
            raise AwsError(f"{settings.function_name} is in a failed state: {_one_line(reason)}")
        if state == "Active" and update == "Successful":
            return
        if clock() - last_said >= PROGRESS_INTERVAL:
            last_said = clock()
            say(f"still waiting for {settings.function_name} ({state}, update {update})")


@contextmanager
def _progress(say: Say, interval: float, what: str) -> Iterator[None]:
    """Say a line every ``interval`` seconds while the body runs."""
    if interval <= 0:
        yield
        return
    stop = threading.Event()
    start = time.monotonic()

    def report() -> None:
        while not stop.wait(interval):
            say(f"still waiting for {what} ({time.monotonic() - start:.0f} s)")

    thread = threading.Thread(target=report, name="progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _result(
    response: dict[str, Any], payload: bytes, attempts: int, request: Mapping[str, Any]
) -> InvokeResult:
    logs = _decode_logs(response.get("LogResult"))
    unreadable = logs is None and response.get("LogResult") is not None
    function_error = response.get("FunctionError") or ""
    executed_version = response.get("ExecutedVersion") or None
    inferred = False
    metadata = response.get("ResponseMetadata") or {}
    # Real Lambda always sends X-Amz-Executed-Version; the emulators send neither it nor
    # X-Amz-Function-Error, and answer a failed function with its error document.
    if not function_error and executed_version is None and lambda_error_document(payload):
        function_error, inferred = "Unhandled", True
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
    )


def _decode_logs(value: Any) -> str | None:
    """The log tail (X-Amz-Log-Result, base64); None when none came back or it is not base64."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True).decode(errors="replace")
    except (binascii.Error, ValueError):
        return None


def _streamed(
    response: dict[str, Any],
    on_chunk: Callable[[bytes], None] | None,
    attempts: int,
    request: Mapping[str, Any],
) -> InvokeResult:
    """Read InvokeWithResponseStream's events: payload chunks, then InvokeComplete.

    Lambda always ends a stream with InvokeComplete. A stream without it (cut short, a
    partial frame, or ended cleanly too early) is incomplete, whatever arrived before.
    """
    from botocore.exceptions import ResponseStreamingError
    from urllib3.exceptions import HTTPError

    chunks: list[bytes] = []
    complete: dict[str, Any] | None = None
    broke = ""
    size = 0
    stream = response["EventStream"]
    try:
        for event in stream:
            if "PayloadChunk" in event:
                chunk = event["PayloadChunk"].get("Payload") or b""
                size += len(chunk)
                if size > MAX_STREAM_BYTES:  # memory stays bounded: the rest is not read
                    broke = (
                        f" (it passed {MAX_STREAM_BYTES} bytes, the most read of a streamed "
                        "answer: the rest was not read)"
                    )
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()
                    break
                chunks.append(chunk)
                if on_chunk is not None and chunk:
                    on_chunk(chunk)
            elif "InvokeComplete" in event:
                complete = event["InvokeComplete"]
    except (HTTPError, ResponseStreamingError) as error:  # urllib3's own errors come through
        broke = f" (the connection broke: {_one_line(error, 200)})"
    payload = b"".join(chunks)
    ended = complete or {}
    error_code = ended.get("ErrorCode") or ""
    details = ended.get("ErrorDetails")
    if error_code and not payload and details:
        payload = str(details).encode()
    result = _result(
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


def _endpoint(client: Any) -> str:
    return str(getattr(getattr(client, "meta", None), "endpoint_url", "the Lambda endpoint"))


def _one_line(value: object, limit: int = 500) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _client_error(answer: ErrorAnswer, settings: Settings) -> AwsError:
    code, status = answer.code or "Unknown", answer.status
    message = _one_line(answer.message)
    found = lambda_error_document(answer.body)
    if found is not None:  # an emulator's error document: say what it says
        message = _one_line(": ".join(part for part in found if part))
    if code == "ResourceNotFoundException":
        return AwsError(f"function {settings.function_name} not found: {message}")
    if code in ACCESS or status == 403:
        return AwsError(f"access denied ({code}) invoking {settings.function_name}: {message}")
    if status == 501 or code == "NotImplemented":
        return AwsError(
            f"the endpoint does not implement this request ({code}, HTTP {status}): {message}. "
            "It refused before running anything: the function did not run"
        )
    if status >= 500:
        return AwsError(
            f"Lambda answered {code} (HTTP {status}) after receiving the request: "
            f"{message or 'no message'}. Not retried: the function may have run"
        )
    return AwsError(f"{code}: {message}")


def botocore_error(error: Exception, settings: Settings) -> AwsError:
    """One line for botocore's own errors (no credentials, no region, ...)."""
    from botocore.exceptions import NoCredentialsError, NoRegionError, ProfileNotFound

    if isinstance(error, NoCredentialsError):
        return AwsError(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "AWS_PROFILE, or use aws-actions/configure-aws-credentials before this step"
        )
    if isinstance(error, NoRegionError):
        return AwsError("no AWS region: set the region input, AWS_REGION, or use a function ARN")
    if isinstance(error, ProfileNotFound):
        return AwsError(f"AWS profile '{settings.profile}' not found")
    return AwsError(_one_line(error))
