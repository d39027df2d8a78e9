"""How to invoke, as the inputs say: the invocation type, buffered or streamed, the log
type, and the newer Invoke parameters (TenantId, DurableExecutionName) checked against the
installed botocore's own model. Each refusal is an InputError naming the input."""

from __future__ import annotations

import re
from typing import NamedTuple

from lambda_invoke.errors import InputError
from lambda_invoke.inputparse import Get, choice

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")

INVOKE_MODES = ("buffered", "stream")

LOG_TYPES = ("Tail", "None")


class Invocation(NamedTuple):
    """How the function is invoked: type, mode, log tail, tenant, durable name."""

    invocation_type: str
    invoke_mode: str
    log_type: str
    tenant_id: str | None
    durable_execution_name: str | None


def invocation_of(get: Get, local: bool) -> Invocation:
    """How to invoke: type, buffered or streamed, log type, the newer Invoke parameters."""
    invocation_type = choice("invocation-type", get("invocation-type"), INVOCATION_TYPES)
    invoke_mode = choice("invoke-mode", get("invoke-mode"), INVOKE_MODES)
    tenant_id = get("tenant-id") or None
    durable_name = get("durable-execution-name") or None
    check_streaming(invoke_mode, invocation_type, local, durable_name)
    operation = "InvokeWithResponseStream" if invoke_mode == "stream" else "Invoke"
    if tenant_id is not None:
        check_invoke_parameter("tenant-id", "TenantId", tenant_id, operation)
    if durable_name is not None:
        check_invoke_parameter(
            "durable-execution-name", "DurableExecutionName", durable_name, operation
        )
    log_type = choice("log-type", get("log-type"), LOG_TYPES)
    return Invocation(invocation_type, invoke_mode, log_type, tenant_id, durable_name)


def check_streaming(
    invoke_mode: str, invocation_type: str, local: bool, durable_name: str | None
) -> None:
    if invoke_mode != "stream":
        return
    if invocation_type == "Event":
        raise InputError("invoke-mode", "stream needs invocation-type RequestResponse or DryRun")
    if local:
        raise InputError("invoke-mode", "invoke local does not stream; use invoke-mode buffered")
    if durable_name is not None:
        raise InputError(
            "durable-execution-name",
            "InvokeWithResponseStream (invoke-mode stream) has no such parameter",
        )


def check_invoke_parameter(input_name: str, member: str, value: str, operation: str) -> None:
    """Check a newer Invoke parameter against the installed botocore's own model: that the
    parameter exists there, and its length and pattern."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("lambda")
    members = model.operation_model(operation).input_shape.members
    if member not in members:
        import botocore

        raise InputError(
            input_name,
            f"the installed botocore ({botocore.__version__}) does not know {operation}'s "
            f"{member}; install a newer botocore (pip install -U botocore)",
        )
    rules = members[member].metadata
    if not rules.get("min", 0) <= len(value) <= rules.get("max", len(value)):
        raise InputError(
            input_name, f"must be {rules.get('min', 0)} to {rules.get('max')} characters long"
        )
    pattern = rules.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        raise InputError(input_name, f"'{value}' does not match {pattern}")
