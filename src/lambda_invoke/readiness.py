"""Whether a function can be invoked now: the Invoke errors that mean "not yet; nothing
ran", and the wait (polling GetFunctionConfiguration) until it is ready, within
wait-timeout."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from lambda_invoke.awserrors import one_line
from lambda_invoke.deadline import PROGRESS_SECONDS
from lambda_invoke.errors import AwsError
from lambda_invoke.outcome import Say

if TYPE_CHECKING:
    from lambda_invoke.settings import Settings

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
POLL_INTERVAL = 5.0


def not_ready_says(code: str) -> str:
    """What a not-ready error code says about the function ("is being updated")."""
    return _NOT_READY_SAYS[code]


def wait_until_ready(
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
        state, update = _state(settings.function_name, config)
        if state == "Active" and update == "Successful":
            return
        if clock() - last_said >= PROGRESS_SECONDS:
            last_said = clock()
            say(f"still waiting for {settings.function_name} ({state}, update {update})")


def _state(function_name: str, config: Mapping[str, Any]) -> tuple[str, str]:
    """The function's state and last update's status; a failed one raises AwsError."""
    state = config.get("State") or "Active"
    update = config.get("LastUpdateStatus") or "Successful"
    if state == "Failed" or update == "Failed":
        reason = (
            config.get("StateReason") or config.get("LastUpdateStatusReason") or "no reason given"
        )
        raise AwsError(f"{function_name} is in a failed state: {one_line(reason)}")
    return state, update
