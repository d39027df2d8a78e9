"""The boto3 call, with the reliability rules of the contract.

Invoke is sent again only when Lambda certainly did not run it: throttling, a function
still being updated, a failure to connect. botocore's own retries are switched off,
because botocore also retries read timeouts and 5xx answers, which can run a function
twice.
"""

from __future__ import annotations

import base64
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from lambda_invoke.errors import AwsError
from lambda_invoke.settings import Settings

THROTTLING = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "EC2ThrottledException",
        "SnapStartNotReadyException",
    }
)
UPDATING = frozenset({"ResourceConflictException", "ResourceNotReadyException"})
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

_REPORT_FIELDS = {
    "duration_ms": r"\bDuration: ([\d.]+) ms",
    "billed_duration_ms": r"Billed Duration: ([\d.]+) ms",
    "max_memory_used_mb": r"Max Memory Used: ([\d.]+) MB",
    "init_duration_ms": r"Init Duration: ([\d.]+) ms",
}

Say = Callable[[str], None]


@dataclass(frozen=True)
class Report:
    """Figures from the REPORT line of the log tail, as text (None: not present)."""

    duration_ms: str | None = None
    billed_duration_ms: str | None = None
    max_memory_used_mb: str | None = None
    init_duration_ms: str | None = None


def parse_report(logs: str) -> Report:
    """Read the last ``REPORT RequestId: ...`` line of a log tail."""
    lines = [line for line in logs.splitlines() if line.startswith("REPORT ")]
    if not lines:
        return Report()
    line = lines[-1]
    values = {}
    for name, pattern in _REPORT_FIELDS.items():
        match = re.search(pattern, line)
        values[name] = match.group(1) if match else None
    return Report(**values)


@dataclass(frozen=True)
class InvokeResult:
    status_code: int
    function_error: str
    payload: bytes
    logs: str
    executed_version: str
    request_id: str
    report: Report
    attempts: int = 1
    durable_execution_arn: str = ""
    streamed: bool = False  # the payload came through InvokeWithResponseStream

    @property
    def payload_text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")


def build_request(settings: Settings) -> dict[str, Any]:
    request: dict[str, Any] = {
        "FunctionName": settings.function_name,
        "InvocationType": settings.invocation_type,
    }
    if settings.invocation_type == "RequestResponse":
        request["LogType"] = settings.log_type  # Lambda returns logs for synchronous calls only
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


def invoke(
    settings: Settings,
    client: Any,
    *,
    say: Say,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress_interval: float = PROGRESS_INTERVAL,
    on_chunk: Callable[[bytes], None] | None = None,
) -> InvokeResult:
    """Invoke once; send again only when Lambda certainly did not run the request.

    With ``invoke-mode: stream`` the call is InvokeWithResponseStream and ``on_chunk``
    gets each piece of the payload as it arrives.
    """
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
        ResponseStreamingError,
    )

    request = build_request(settings)
    wait_deadline = clock() + settings.wait_timeout
    target = settings.function_name
    attempt = 0
    while True:
        attempt += 1
        try:
            with _progress(say, progress_interval, f"{target} to answer"):
                if settings.invoke_mode == "stream":
                    return _streamed(
                        client.invoke_with_response_stream(**request), on_chunk, attempt
                    )
                response = client.invoke(**request)
                payload = response["Payload"].read() if "Payload" in response else b""
            return _result(response, payload, attempt)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in UPDATING:
                say(f"{target} is being updated ({code}); waiting before invoking")
                _wait_until_ready(
                    settings,
                    client=client,
                    deadline=wait_deadline,
                    say=say,
                    sleep=sleep,
                    clock=clock,
                )
                continue
            if code not in THROTTLING:
                raise _client_error(error, settings) from None
            retry_reason = f"throttled ({code})"
            final_error = (
                f"throttled by Lambda ({code}) on all {attempt} attempts "
                f"(max-attempts {settings.max_attempts}); the function did not run"
            )
        except ReadTimeoutError:
            raise AwsError(
                f"no answer from Lambda within read-timeout {settings.read_timeout:g} s; "
                "the function may still be running. Not retried: a second Invoke could run it twice"
            ) from None
        except ConnectionClosedError:
            raise AwsError(
                "the connection closed after the request was sent; the function may have run. "
                "Not retried: a second Invoke could run it twice"
            ) from None
        except ResponseStreamingError as error:
            raise AwsError(
                f"the response stream broke after the function started ({_one_line(error)}). "
                "Not retried: a second Invoke could run it twice"
            ) from None
        except (EndpointConnectionError, ConnectTimeoutError) as error:
            retry_reason = f"cannot connect to {_endpoint(client)}"
            final_error = f"{retry_reason} after {attempt} attempts: {_one_line(error)}"
        except BotoCoreError as error:
            raise botocore_error(error, settings) from None
        # Lambda certainly did not run this request: try again, within max-attempts.
        if attempt >= settings.max_attempts:
            raise AwsError(final_error)
        delay = backoff(attempt)
        say(f"{retry_reason}; attempt {attempt + 1} in {delay:.1f} s")
        sleep(delay)


def backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter (half to full of the capped delay)."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return float(delay * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not secrecy)


def _wait_until_ready(
    settings: Settings,
    *,
    client: Any,
    deadline: float,
    say: Say,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    """Poll GetFunctionConfiguration until the function is Active and its update done.

    Without permission to read the configuration, wait one poll interval instead.
    """
    from botocore.exceptions import ClientError

    poll = min(POLL_INTERVAL, max(0.2, settings.wait_timeout / 20))  # ~20 polls at most
    last_said = clock()
    while True:
        if clock() >= deadline:
            raise AwsError(
                f"{settings.function_name} was still being updated after wait-timeout "
                f"{settings.wait_timeout:g} s; not invoked"
            )
        request = {"FunctionName": settings.function_name}
        if settings.qualifier:
            request["Qualifier"] = settings.qualifier
        try:
            config = client.get_function_configuration(**request)
        except ClientError:
            sleep(min(poll, max(0.0, deadline - clock())))
            return
        state = config.get("State") or "Active"
        update = config.get("LastUpdateStatus") or "Successful"
        if state == "Failed" or update == "Failed":
            reason = config.get("StateReason") or config.get("LastUpdateStatusReason") or ""
            raise AwsError(f"{settings.function_name} is in a failed state: {_one_line(reason)}")
        if state == "Active" and update == "Successful":
            return
        if clock() - last_said >= PROGRESS_INTERVAL:
            last_said = clock()
            say(f"still waiting for {settings.function_name} ({state}, update {update})")
        sleep(min(poll, max(0.0, deadline - clock())))


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


def _result(response: dict[str, Any], payload: bytes, attempts: int) -> InvokeResult:
    logs = ""
    if response.get("LogResult"):
        logs = base64.b64decode(response["LogResult"]).decode("utf-8", errors="replace")
    return InvokeResult(
        status_code=int(response.get("StatusCode", 0)),
        function_error=response.get("FunctionError") or "",
        payload=payload,
        logs=logs,
        executed_version=response.get("ExecutedVersion") or "",
        request_id=response.get("ResponseMetadata", {}).get("RequestId", ""),
        report=parse_report(logs),
        attempts=attempts,
        durable_execution_arn=response.get("DurableExecutionArn") or "",
    )


def _streamed(
    response: dict[str, Any], on_chunk: Callable[[bytes], None] | None, attempts: int
) -> InvokeResult:
    """Read InvokeWithResponseStream's events: payload chunks, then InvokeComplete."""
    from urllib3.exceptions import HTTPError

    chunks: list[bytes] = []
    complete: dict[str, Any] = {}
    try:
        for event in response["EventStream"]:
            if "PayloadChunk" in event:
                chunk = event["PayloadChunk"].get("Payload") or b""
                chunks.append(chunk)
                if on_chunk is not None and chunk:
                    on_chunk(chunk)
            elif "InvokeComplete" in event:
                complete = event["InvokeComplete"]
    except HTTPError as error:  # botocore lets urllib3's own errors through the stream
        raise AwsError(
            f"the response stream broke after the function started ({_one_line(error)}). "
            "Not retried: a second Invoke could run it twice"
        ) from None
    payload = b"".join(chunks)
    error_code = complete.get("ErrorCode") or ""
    if error_code and not payload and complete.get("ErrorDetails"):
        payload = str(complete["ErrorDetails"]).encode()
    result = _result(
        {**response, "FunctionError": error_code, "LogResult": complete.get("LogResult")},
        payload,
        attempts,
    )
    return replace(result, streamed=True)


def _endpoint(client: Any) -> str:
    return str(getattr(getattr(client, "meta", None), "endpoint_url", "the Lambda endpoint"))


def _one_line(value: object, limit: int = 500) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _client_error(error: Any, settings: Settings) -> AwsError:
    details = error.response.get("Error", {})
    code = details.get("Code", "Unknown")
    message = _one_line(details.get("Message", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code == "ResourceNotFoundException":
        return AwsError(f"function {settings.function_name} not found: {message}")
    if code in ACCESS or status == 403:
        return AwsError(f"access denied ({code}) invoking {settings.function_name}: {message}")
    if status >= 500:
        return AwsError(
            f"Lambda answered {code} (HTTP {status}) after receiving the request: {message}. "
            "Not retried: the function may have run"
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
