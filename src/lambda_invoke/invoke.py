"""The Invoke call and its attempts, with the reliability rules of the contract (reading
the answer: answers.py; wording an error: awserrors.py).

Invoke is sent again only when Lambda certainly did not run it: throttling, a function
still being updated, a failure to connect. botocore's own retries are switched off,
because botocore also retries read timeouts and 5xx answers, which can run a function
twice.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from lambda_invoke.answers import (
    function_failure,
    keep_error_bodies,
    lambda_error_document,
    read_answer,
    read_stream,
)
from lambda_invoke.awserrors import (
    ErrorAnswer,
    botocore_error,
    closed_why,
    invoke_error,
    one_line,
)
from lambda_invoke.deadline import PROGRESS_SECONDS
from lambda_invoke.errors import AwsError
from lambda_invoke.links import console_region
from lambda_invoke.outcome import InvokeResult, Say
from lambda_invoke.readiness import NOT_READY, not_ready_says, wait_until_ready
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight

THROTTLING = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "EC2ThrottledException"}
)
PROGRESS_INTERVAL = PROGRESS_SECONDS
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0


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
                f"({one_line(message, 200)}); invoking with log-type None: no log tail, "
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


class _Next(NamedTuple):
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
            waiting = flight.progress.waiting(say, f"{target} to answer", progress_interval)
            with flight.sent(target), waiting:
                result = _send(client, settings.invoke_mode, request, on_chunk, attempt)
            return replace(result, throttles=throttles) if throttles else result
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
            say(f"{target} {not_ready_says(after.code)} ({after.code}); waiting before invoking")
            wait_until_ready(
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
        result = read_stream(
            client.invoke_with_response_stream(**request), on_chunk, attempt, request
        )
        elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
        return replace(result, elapsed_ms=elapsed_ms, region=console_region(client))
    response = client.invoke(**request)
    payload = response["Payload"].read() if "Payload" in response else b""
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return read_answer(
        response, payload, attempt, request, elapsed_ms=elapsed_ms, region=console_region(client)
    )


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
        return _after_error_answer(ErrorAnswer.of(error), settings, request, endpoint, attempt)
    if isinstance(error, ReadTimeoutError):
        raise AwsError(
            f"no answer from Lambda within read-timeout {settings.read_timeout:g} s; "
            f"the function may still be running. {not_retried}"
        ) from None
    if isinstance(error, ConnectionClosedError):
        raise AwsError(f"{closed_why(error)}; the function may have run. {not_retried}") from None
    if isinstance(error, ResponseStreamingError):
        raise AwsError(
            f"the response stream broke after the function started ({one_line(error)}). "
            f"{not_retried}"
        ) from None
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError)):
        reason = f"cannot connect to {_endpoint(client)}"
        return _Next(reason=reason, final=f"{reason} after {attempt} attempts: {one_line(error)}")
    if isinstance(error, BotoCoreError):
        raise botocore_error(error, settings.profile) from None
    raise error


def _after_error_answer(
    answer: ErrorAnswer,
    settings: Settings,
    request: Mapping[str, Any],
    endpoint: EndpointState,
    attempt: int,
) -> InvokeResult | _Next:
    """An error answer: a log tail refused (again without), not ready (wait), throttled
    (next attempt), a function error an emulator reported; anything else raises."""
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
    failure = function_failure(answer, attempt, request)
    if failure is not None:
        return failure
    raise invoke_error(answer, settings.function_name, lambda_error_document(answer.body)) from None


def _refuses_log_tail(answer: ErrorAnswer, request: Mapping[str, Any]) -> bool:
    """An endpoint that does not do log tails and says so before running anything, as
    SAM's local Lambda service does (501 NotImplemented "log-type: Tail is not supported")."""
    if request.get("LogType") != "Tail":
        return False
    refused = answer.status == 501 or answer.code == "NotImplemented"
    return refused and "log-type" in answer.message.lower()


def backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter (half to full of the capped delay)."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
    return float(delay * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not secrecy)


def _endpoint(client: Any) -> str:
    return str(getattr(getattr(client, "meta", None), "endpoint_url", "the Lambda endpoint"))
