"""Inputs -> one frozen, validated ``Settings``. Every check happens here, before any AWS call."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from lambda_invoke.errors import InputError
from lambda_invoke.inputparse import (
    Get,
    check_reachable,
    environment_lines,
    output_path,
    parse_bool,
    parse_endpoint_url,
    parse_number,
)
from lambda_invoke.interface import DEFAULTS
from lambda_invoke.invocation import invocation_of
from lambda_invoke.outputs import COMPARISON_OUTPUTS
from lambda_invoke.payloads import client_context_of, payload_of
from lambda_invoke.references import (
    FunctionRef,
    RoleSettings,
    StackRef,
    check_qualifier,
    check_region,
    parse_function_name,
    role_of,
    stack_of,
    stack_region,
)
from lambda_invoke.repeat import MAX_RATE
from lambda_invoke.runner import detect

if TYPE_CHECKING:
    from lambda_invoke.assertions import Check
    from lambda_invoke.runner import RunnerLayout
    from lambda_invoke.serverless import ServerlessFunction
    from lambda_invoke.snapshots import Snapshot

#: upper bounds of the number inputs: Lambda runs a function 900 s at most, so an hour is
#: more than any wait needs; attempts are for throttling and connect failures only
MAX_SECONDS = 3600.0
MAX_CONNECT_SECONDS = 300.0
MAX_ATTEMPTS = 20
MAX_REPEAT = 10_000


@dataclass(frozen=True, slots=True)
class Settings:
    """Every input of one run (or one suite case), validated."""

    function: FunctionRef
    qualifier: str | None  # the qualifier input (separate from one inside function-name)
    payload: bytes | None
    invocation_type: str
    log_type: str
    client_context: str | None  # base64
    region: str | None
    endpoint_url: str | None
    read_timeout: float
    connect_timeout: float
    max_attempts: int
    wait_timeout: float
    checks: tuple[Check, ...]
    fail_on_function_error: bool
    output_file: str | None
    summary: bool
    profile: str | None = None  # CLI only
    serverless: ServerlessFunction | None = None  # the serverless.yml function, if named
    local: bool = False
    env: tuple[tuple[str, str], ...] = ()  # extra environment for invoke local
    context: dict[str, Any] | None = None  # the client context as a mapping, when it is one
    warnings: tuple[str, ...] = ()
    stack: StackRef | None = None  # function.value is "" until the stack is looked up
    role: RoleSettings | None = None
    invoke_mode: str = "buffered"
    tenant_id: str | None = None
    durable_execution_name: str | None = None
    #: GitHub's runner started us as a Docker action: its folders on both sides
    runner: RunnerLayout | None = None
    full_logs: bool = False
    full_logs_timeout: float = 30.0
    wait_for_completion: bool = False
    test_event: str | None = None  # loaded as the payload before invoking
    repeat: int = 1
    repeat_concurrency: int = 1
    max_rate: float = 0.0
    #: compare-to: a qualifier of the same function (text), or another function; None: none
    compare_to: FunctionRef | str | None = None
    compare_ignore: tuple[Any, ...] = ()  # compiled JSONPaths
    snapshot: Snapshot | None = None  # snapshot: its file, read (or to be recorded)

    @property
    def function_name(self) -> str:
        return self.function.value or self.function.name


class _Target(NamedTuple):
    """What to invoke: the function (and where it came from) and its region."""

    function: FunctionRef
    qualifier: str | None
    serverless: ServerlessFunction | None
    stack: StackRef | None
    region: str | None  # the region input
    local: bool


_STRIPPED_DEFAULTS = {name: value.strip() for name, value in DEFAULTS.items()}


def _getter(values: Mapping[str, str]) -> Get:
    """An input's value by name: as given, stripped, else its default. (A dict's own
    lookup: a suite of 10,000 cases asks 370,000 times.)"""
    return {**_STRIPPED_DEFAULTS, **{n: v.strip() for n, v in values.items()}}.__getitem__


def load_settings(
    values: Mapping[str, str],
    *,
    environ: Mapping[str, str] | None = None,
    profile: str | None = None,
) -> Settings:
    """Validate raw input strings (by input name; missing -> default) into ``Settings``.

    The region is the input, else the function ARN's, else AWS_REGION; when all are
    missing botocore looks further (AWS_DEFAULT_REGION, the profile).
    """

    get = _getter(values)
    environ = environ or {}

    runner = detect(environ)
    warnings: list[str] = []
    target = _target(get, environ, warnings)
    invocation = invocation_of(get, target.local)
    payload = payload_of(values, get, runner, invocation.invocation_type)
    endpoint_url = parse_endpoint_url(get("endpoint-url"))
    repeat = _repeat(get)
    comparison = _comparison(get, target, invocation.invocation_type, environ, runner)
    checks = _checks(get, comparison, repeat["repeat"], warnings)
    client_context, context = client_context_of(get("client-context"), get("context-path"))
    output_file = output_path("output-file", get("output-file"), runner)
    serverless = target.serverless
    return Settings(
        function=target.function,
        qualifier=target.qualifier,
        payload=payload,
        invocation_type=invocation.invocation_type,
        log_type=invocation.log_type,
        client_context=client_context,
        region=_region(target, environ),
        endpoint_url=endpoint_url,
        **_connection(get),
        checks=checks,
        fail_on_function_error=parse_bool("fail-on-function-error", get("fail-on-function-error")),
        output_file=output_file,
        summary=parse_bool("summary", get("summary")),
        profile=profile,
        serverless=serverless,
        local=target.local,
        env=environment_lines(get("env")),
        context=context,
        warnings=tuple(warnings),
        stack=target.stack,
        role=role_of(get),
        invoke_mode=invocation.invoke_mode,
        tenant_id=invocation.tenant_id,
        durable_execution_name=invocation.durable_execution_name,
        runner=runner,
        **_logs(get, target.local, invocation.invocation_type),
        test_event=_test_event(get, target.local),
        **repeat,
        **comparison,
    )


#: the inputs a suite's cases most often differ in: checked apart (SettingsLoader)
PAYLOAD_INPUTS = frozenset({"payload", "payload-file"})


class SettingsLoader:
    """``load_settings`` for the many sets of inputs of one suite's cases: what a case shares
    with an earlier one is not validated twice.

    Inputs other than the payload are checked together (one may refuse another), so a
    case whose other inputs equal an earlier case's, text for text, gets the earlier
    case's settings: the same checks on the same text give the same settings, which are
    frozen. Its payload is checked on its own, by the same ``payload_of`` as
    ``load_settings`` (the only check that looks at the payload and another input is
    whether there is one at all, with test-event: that is part of the key). A snapshot is
    read for each case (its file is the case's). Made for one suite's loading and then let
    go: what it keeps is every distinct case's settings.
    """

    def __init__(self, *, environ: Mapping[str, str], profile: str | None) -> None:
        self._environ, self._profile = environ, profile
        self._loaded: dict[tuple[Any, ...], Settings] = {}

    def load(self, values: Mapping[str, str]) -> Settings:
        payload_given = any(values.get(name, "").strip() for name in PAYLOAD_INPUTS)
        key = (payload_given, *sorted((n, v) for n, v in values.items() if n not in PAYLOAD_INPUTS))
        known = self._loaded.get(key)
        if known is None or known.snapshot is not None:
            settings = load_settings(values, environ=self._environ, profile=self._profile)
            self._loaded[key] = settings
            return settings
        if not payload_given:  # (nothing else payload_of reads is outside the key)
            return known
        payload = payload_of(values, _getter(values), known.runner, known.invocation_type)
        return known if payload == known.payload else replace(known, payload=payload)


#: the longest a run may spend on pacing alone (max-rate): as long as any wait may take
MAX_PACING_SECONDS = 3600


def _repeat(get: Get) -> dict[str, Any]:
    repeat = int(parse_number("repeat", get("repeat"), minimum=1, maximum=MAX_REPEAT, integer=True))
    max_rate = parse_number("max-rate", get("max-rate"), minimum=0, maximum=MAX_RATE)
    if max_rate and (repeat - 1) / max_rate > MAX_PACING_SECONDS:
        raise InputError(
            "max-rate",
            f"{repeat} invocations at {max_rate:g} a second would wait "
            f"{(repeat - 1) / max_rate:.3g} s for pacing alone, over the "
            f"{MAX_PACING_SECONDS} s a run may wait: raise max-rate to at least "
            f"{(repeat - 1) / MAX_PACING_SECONDS:.3g} or lower repeat",
        )
    return {
        "repeat": repeat,
        "repeat_concurrency": int(
            parse_number(
                "repeat-concurrency", get("repeat-concurrency"), minimum=1, maximum=64, integer=True
            )
        ),
        "max_rate": max_rate,
    }


def _logs(get: Get, local: bool, invocation_type: str) -> dict[str, Any]:
    """full-logs and wait-for-completion: CloudWatch Logs, for a remote invoke."""
    full_logs = parse_bool("full-logs", get("full-logs"))
    wait = parse_bool("wait-for-completion", get("wait-for-completion"))
    if wait and invocation_type != "Event":
        raise InputError(
            "wait-for-completion", f"follows an Event run; invocation-type is {invocation_type}"
        )
    if local and (full_logs or wait):
        name = "full-logs" if full_logs else "wait-for-completion"
        raise InputError(name, "reads CloudWatch Logs: not with local (its log is complete)")
    timeout = parse_number(
        "full-logs-timeout", get("full-logs-timeout"), minimum=0, maximum=MAX_SECONDS
    )
    return {"full_logs": full_logs, "full_logs_timeout": timeout, "wait_for_completion": wait}


def _comparison(
    get: Get,
    target: _Target,
    invocation_type: str,
    environ: Mapping[str, str],
    runner: RunnerLayout | None,
) -> dict[str, Any]:
    """compare-to or snapshot (none: no comparison, as a suite case opts out) and
    compare-ignore."""
    text, ignore = get("compare-to"), get("compare-ignore")
    snapshot, update = get("snapshot"), parse_bool("update-snapshots", get("update-snapshots"))
    wanted = {name: value for name, value in (("compare-to", text), ("snapshot", snapshot))
              if value and value.lower() != "none"}  # fmt: skip
    if len(wanted) == 2:
        raise InputError("snapshot", "give compare-to or snapshot, not both")
    if update and not snapshot:
        raise InputError("update-snapshots", "is read with snapshot: give snapshot too")
    if not wanted:
        if ignore and not (text or snapshot):
            raise InputError(
                "compare-ignore", "is read with compare-to or snapshot: give one of them too"
            )
        return {}
    if invocation_type != "RequestResponse":
        name = next(iter(wanted))
        raise InputError(name, f"compares answers: invocation-type {invocation_type} has none")
    paths = tuple(line.strip() for line in ignore.splitlines() if line.strip())
    if "snapshot" in wanted:
        from lambda_invoke.snapshots import load_snapshot  # (start-up: only snapshots need it)

        check_reachable("snapshot", snapshot, runner)
        loaded = load_snapshot(snapshot, update=update, environ=environ)
        return {"snapshot": loaded, "compare_ignore": paths}
    if target.local:
        raise InputError("compare-to", "compares deployed versions: not with local")
    baseline: FunctionRef | str
    if ":" in text:
        try:
            baseline = parse_function_name(text)
        except InputError as error:
            raise InputError("compare-to", error.problem) from None
    else:
        check_qualifier("compare-to", text)
        if text == (target.qualifier or target.function.qualifier or "$LATEST"):
            raise InputError("compare-to", f"'{text}' is what the step invokes: name another")
        baseline = text
    return {"compare_to": baseline, "compare_ignore": paths}  # (load_settings compiles them)


def _checks(
    get: Get, comparison: dict[str, Any], repeat: int, warnings: list[str]
) -> tuple[Check, ...]:
    """The assert checks, with a comparison's gates: ``differences: 0`` unless the user
    gates it (not while a snapshot is recorded); a comparison's compare-ignore compiled."""
    if not get("assert") and not comparison:
        return ()
    from lambda_invoke.assertions import compile_path, parse_checks  # (start-up: JSONPath)

    checks = parse_checks(get("assert")) if get("assert") else ()
    if not comparison:
        return _gates_without_comparison(checks, get)
    checks = _recording_gates(checks, comparison, repeat, warnings)
    recording = comparison.get("snapshot") is not None and comparison["snapshot"].recording
    if not recording and not any(check.target == "differences" for check in checks):
        checks += parse_checks("differences: 0")  # the default gate of a comparison
    ignore = comparison["compare_ignore"]
    comparison["compare_ignore"] = tuple(compile_path("compare-ignore", p) for p in ignore)
    return checks


def _gates_without_comparison(checks: tuple[Check, ...], get: Get) -> tuple[Check, ...]:
    """A gate on a comparison's output needs a comparison: a suite case that opts out
    (compare-to: none, snapshot: none) drops the gates it inherits; elsewhere it is an input
    error (it could never see its evidence)."""
    gated = [check for check in checks if check.target in COMPARISON_OUTPUTS]
    if not gated:
        return checks
    if "none" in (get("compare-to").lower(), get("snapshot").lower()):
        return tuple(check for check in checks if check.target not in COMPARISON_OUTPUTS)
    raise InputError(
        "assert",
        f"{gated[0].target} is an output of compare-to or snapshot: give one of them",
    )


def _recording_gates(
    checks: tuple[Check, ...], comparison: Mapping[str, Any], repeat: int, warnings: list[str]
) -> tuple[Check, ...]:
    """Recording a snapshot compares nothing: the comparison's gates are left out, said
    in a warning (and a recording is of one event, not a repeat)."""
    snapshot = comparison.get("snapshot")
    if snapshot is None or not snapshot.recording:
        return checks
    if repeat > 1:
        raise InputError("update-snapshots", "records one event: not with repeat")
    gated = [check for check in checks if check.target in COMPARISON_OUTPUTS]
    if gated:
        names = ", ".join(dict.fromkeys(check.target for check in gated))
        warnings.append(f"recording the snapshot {snapshot.path}: {names} not checked")
    return tuple(check for check in checks if check.target not in COMPARISON_OUTPUTS)


def _test_event(get: Get, local: bool) -> str | None:
    name = get("test-event") or None
    if name is None:
        return None
    for other in ("payload", "payload-file"):
        if get(other):
            raise InputError("test-event", f"give test-event or {other}, not both")
    if local:
        raise InputError("test-event", "is read from AWS: not with local")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", name):
        raise InputError("test-event", f"'{name}' is not a test event name (letters, digits, - _)")
    return name


def _region(target: _Target, environ: Mapping[str, str]) -> str | None:
    """The region input, else the function ARN's, else serverless.yml's, else AWS_REGION
    (None: botocore looks further, as for AWS_DEFAULT_REGION and the profile)."""
    if target.region and target.function.region and target.region != target.function.region:
        raise InputError(
            "region",
            f"'{target.region}' differs from the region of the function ARN "
            f"({target.function.region})",
        )
    serverless = target.serverless.region if target.serverless else None
    return target.region or target.function.region or serverless or environ.get("AWS_REGION")


def _target(get: Get, environ: Mapping[str, str], warnings: list[str]) -> _Target:
    """The function: a name or ARN, a serverless.yml key, or a stack's logical id."""
    local = parse_bool("local", get("local"))
    region = get("region") or None
    if region is not None:
        check_region("region", region)
    if local and get("stack-name"):
        raise InputError(
            "stack-name",
            "local runs a serverless.yml function's handler here: give function (a "
            "serverless.yml key) instead of stack-name, or leave out local",
        )
    serverless = _serverless_function(get, region, environ, warnings, local=local)
    stack = stack_of(get, serverless)
    if stack is not None:
        from_arn = stack_region(stack.stack_name)
        if region and from_arn and region != from_arn:
            raise InputError("region", f"'{region}' differs from the stack ARN's ({from_arn})")
        function = FunctionRef("", stack.describe(), None, from_arn)
    elif serverless is not None and not get("function-name"):
        function = _serverless_name(serverless)
    else:
        function = parse_function_name(get("function-name"))
    qualifier = _qualifier(get("qualifier"), function)
    return _Target(function, qualifier, serverless, stack, region, local)


def _serverless_name(serverless: ServerlessFunction) -> FunctionRef:
    """The deployed name; while it waits for a value AWS holds, a description in its place
    (aws.Connections.resolve_serverless looks it up before invoking)."""
    if serverless.pending:
        return FunctionRef("", f"{serverless.key} of serverless.yml", None, None)
    return parse_function_name(serverless.name)


def _qualifier(text: str, function: FunctionRef) -> str | None:
    """The qualifier input, which must agree with one in the function's name."""
    if not text:
        return None
    check_qualifier("qualifier", text)
    if function.qualifier is not None and function.qualifier != text:
        raise InputError(
            "qualifier",
            f"'{text}' conflicts with ':{function.qualifier}' in function-name; give one",
        )
    return text


def _connection(get: Get) -> dict[str, Any]:
    """Timeouts and attempts, each within its bounds."""
    return {
        "read_timeout": parse_number(
            "read-timeout", get("read-timeout"), minimum=0, maximum=MAX_SECONDS, exclusive=True
        ),
        "connect_timeout": parse_number(
            "connect-timeout",
            get("connect-timeout"),
            minimum=0,
            maximum=MAX_CONNECT_SECONDS,
            exclusive=True,
        ),
        "max_attempts": int(
            parse_number(
                "max-attempts", get("max-attempts"), minimum=1, maximum=MAX_ATTEMPTS, integer=True
            )
        ),
        "wait_timeout": parse_number(
            "wait-timeout", get("wait-timeout"), minimum=0, maximum=MAX_SECONDS
        ),
    }


def _serverless_function(
    get: Any, region: str | None, environ: Mapping[str, str], warnings: list[str], *, local: bool
) -> ServerlessFunction | None:
    """The serverless.yml function named by ``function``; None when none is named. For
    ``local``, one must be named and its handler runnable here."""
    key = get("function")
    if not key:
        if local:
            raise InputError("function", "invoke local needs function: a key of serverless.yml")
        for name in ("stage", "config"):
            if get(name):
                warnings.append(f"{name} is used only with function (a serverless.yml key)")
        return None

    from lambda_invoke.serverless import check_runnable, resolve_function  # (start-up)

    resolved = resolve_function(
        key,
        config_path=get("config"),
        stage=get("stage") or None,
        region=region,
        environ=environ,
        local=local,
    )
    if get("function-name"):
        warnings.append(
            f"function-name '{get('function-name')}' and function '{key}' are both given: "
            f"function-name wins (serverless.yml would give '{resolved.name}')"
        )
    if local and not resolved.pending:  # (a pending one is checked once resolved)
        check_runnable(resolved)
    return resolved
