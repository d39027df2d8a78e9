"""An invocation followed in CloudWatch Logs: its whole log (full-logs) and an Event run
to its end (wait-for-completion), as the log tells them; a stop while reading names the
request (an accepted Event run may still be running)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lambda_invoke.dispatch import ClientFactory
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.result import ran_later
from lambda_invoke.settings import Settings
from lambda_invoke.stopping import InFlight

if TYPE_CHECKING:
    from lambda_invoke.aws import Connections


def follow_log(
    settings: Settings,
    result: InvokeResult,
    client_factory: ClientFactory,
    connections: Connections,
    *,
    since_ms: int,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    flight: InFlight,
    sleep: Callable[[float], None] | None = None,
) -> InvokeResult:
    """The whole log from CloudWatch Logs (full-logs) and, for an Event run followed to its
    end (wait-for-completion), its function error and timings as the log tells them. A stop
    while reading names the request (an accepted Event run may still be running)."""

    from lambda_invoke.fulllogs import LogsRefused, log_group, read_full_log  # (start-up)

    if result.request_id is None:
        warn("the endpoint sent no request id: the invocation's log cannot be found")
        return replace(result, logs_complete=False)
    following = flight.following(
        settings.function_name, result.request_id, accepted=ran_later(result)
    )
    try:
        with following:
            group, log_format = log_group(
                client_factory(settings), settings.function_name, settings.qualifier
            )
            logs = connections.client("logs", settings, retries={"mode": "standard"})
            full = read_full_log(
                logs, group=group, log_format=log_format, request_id=result.request_id,
                since_ms=since_ms, timeout=settings.full_logs_timeout, say=say,
                sleep=sleep or flight.pause,
            )  # fmt: skip
    except LogsRefused as error:
        warn(str(error))
        return replace(result, logs_complete=False)
    if not full.complete:
        warn(
            f"the log of request {result.request_id} did not reach its REPORT line in {group} "
            f"within full-logs-timeout {settings.full_logs_timeout:g} s: logs-complete is false"
        )
    fields: dict[str, Any] = {"logs_complete": full.complete, "log_group": group}
    if full.text:
        fields.update(logs=full.text, report=full.report)
    if settings.wait_for_completion and full.complete:
        failed = full.status in ("error", "timeout")
        fields.update(
            followed=True,
            function_error="Unhandled" if failed else "",
            error_details=full.error if failed else None,
        )
    return replace(result, **fields)
