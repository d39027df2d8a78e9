"""Inputs -> one frozen, validated ``Settings``. Every check happens here, before any AWS call."""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from lambda_invoke.errors import InputError
from lambda_invoke.interface import DEFAULTS
from lambda_invoke.loading import Refused, json_problem, parse_json, read_file, read_stdin

if TYPE_CHECKING:
    from lambda_invoke.assertions import Check
    from lambda_invoke.runner import RunnerLayout
    from lambda_invoke.serverless import ServerlessFunction

INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")
INVOKE_MODES = ("buffered", "stream")
LOG_TYPES = ("Tail", "None")
#: Invoke request payload limits (bytes): synchronous, asynchronous.
MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_EVENT_PAYLOAD = 1024 * 1024
MAX_CLIENT_CONTEXT = 3583
MAX_FUNCTION_NAME = 64
MAX_FUNCTION_REFERENCE = 170  # FunctionName of Invoke: the ARN with a qualifier
MAX_QUALIFIER = 128
#: upper bounds of the number inputs: Lambda runs a function 900 s at most, so an hour is
#: more than any wait needs; attempts are for throttling and connect failures only
MAX_SECONDS = 3600.0
MAX_CONNECT_SECONDS = 300.0
MAX_ATTEMPTS = 20
MAX_REPEAT = 10_000
YAML_ERROR_SHOWN = 200  # characters of a YAML error in a message

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_QUALIFIER = re.compile(r"\$LATEST|[A-Za-z0-9_-]+")
_ARN = re.compile(
    r"arn:(?P<partition>[a-z-]+):lambda:(?P<region>[^:]*):(?P<account>[^:]*):function:"
    r"(?P<name>[^:]*)(?::(?P<qualifier>[^:]*))?"
)
_PARTIAL_ARN = re.compile(r"(?P<account>[^:]*):function:(?P<name>[^:]*)(?::(?P<qualifier>[^:]*))?")
_ARN_FORM = "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]"
_ROLE_ARN = re.compile(r"arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
_STACK_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:cloudformation:(?P<region>[a-z0-9-]+):\d{12}:stack/"
    r"(?P<name>[A-Za-z][A-Za-z0-9-]{0,127})/[\w-]+"
)
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]{1,255}")


@dataclass(frozen=True)
class FunctionRef:
    """A parsed function-name: what to send, and what it says about itself."""

    value: str  # sent as FunctionName, exactly as given
    name: str
    qualifier: str | None
    region: str | None  # from a full ARN


@dataclass(frozen=True)
class RoleSettings:
    """A role to assume before anything else (role-to-assume and its companions)."""

    arn: str
    session_name: str
    duration_seconds: int
    audience: str  # of the GitHub OIDC token


@dataclass(frozen=True)
class StackRef:
    """A function named through CloudFormation: the stack and the function's logical id."""

    stack_name: str
    logical_id: str | None  # None: the stack's only function

    def describe(self) -> str:
        return f"{self.logical_id or 'the function'} of stack {self.stack_name}"


@dataclass(frozen=True)
class Settings:
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

    @property
    def function_name(self) -> str:
        return self.function.value or self.function.name


Get = Callable[[str], str]


@dataclass(frozen=True)
class _Target:
    """What to invoke: the function (and where it came from) and its region."""

    function: FunctionRef
    qualifier: str | None
    serverless: ServerlessFunction | None
    stack: StackRef | None
    region: str | None  # the region input
    local: bool


@dataclass(frozen=True)
class _Invocation:
    invocation_type: str
    invoke_mode: str
    log_type: str
    tenant_id: str | None
    durable_execution_name: str | None


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

    def get(name: str) -> str:
        return values.get(name, DEFAULTS[name]).strip()

    environ = environ or {}
    from lambda_invoke.runner import detect

    runner = detect(environ)
    warnings: list[str] = []
    target = _target(get, environ, warnings)
    invocation = _invocation(get, target.local)
    payload = _payload(values, get, runner, invocation.invocation_type)
    if target.region and target.function.region and target.region != target.function.region:
        raise InputError(
            "region",
            f"'{target.region}' differs from the region of the function ARN "
            f"({target.function.region})",
        )
    endpoint_url = _endpoint_url(get("endpoint-url"))
    checks: tuple[Check, ...] = ()
    if get("assert"):
        from lambda_invoke.assertions import parse_checks  # YAML + JSONPath only when needed

        checks = parse_checks(get("assert"))
    client_context, context = _client_context(get("client-context"), get("context-path"))
    output_file = get("output-file") or None
    if output_file is not None:
        check_reachable("output-file", output_file, runner)
        check_output_path("output-file", output_file)
    serverless = target.serverless
    return Settings(
        function=target.function,
        qualifier=target.qualifier,
        payload=payload,
        invocation_type=invocation.invocation_type,
        log_type=invocation.log_type,
        client_context=client_context,
        region=target.region
        or target.function.region
        or (serverless.region if serverless else None)
        or environ.get("AWS_REGION")
        or None,
        endpoint_url=endpoint_url,
        **_connection(get),
        checks=checks,
        fail_on_function_error=parse_bool("fail-on-function-error", get("fail-on-function-error")),
        output_file=output_file,
        summary=parse_bool("summary", get("summary")),
        profile=profile,
        serverless=serverless,
        local=target.local,
        env=_environment_lines(get("env")),
        context=context,
        warnings=tuple(warnings),
        stack=target.stack,
        role=_role(get),
        invoke_mode=invocation.invoke_mode,
        tenant_id=invocation.tenant_id,
        durable_execution_name=invocation.durable_execution_name,
        runner=runner,
        **_logs(get, target.local, invocation.invocation_type),
        test_event=_test_event(get, target.local),
        **_repeat(get),
    )


#: the longest a run may spend on pacing alone (max-rate): as long as any wait may take
MAX_PACING_SECONDS = 3600


def _repeat(get: Get) -> dict[str, Any]:
    repeat = int(parse_number("repeat", get("repeat"), minimum=1, maximum=MAX_REPEAT, integer=True))
    max_rate = parse_number("max-rate", get("max-rate"), minimum=0, maximum=1000)
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
    serverless = _serverless_function(get, region, environ, warnings)
    if local and serverless is None:
        raise InputError("function", "invoke local needs function: a key of serverless.yml")
    stack = _stack(get, serverless)
    if stack is not None:
        stack_region = _stack_region(stack.stack_name)
        if region and stack_region and region != stack_region:
            raise InputError("region", f"'{region}' differs from the stack ARN's ({stack_region})")
        function = FunctionRef("", stack.describe(), None, stack_region)
    elif serverless is not None and not get("function-name"):
        function = parse_function_name(serverless.name)
    else:
        function = parse_function_name(get("function-name"))
    if local and serverless is not None:
        from lambda_invoke.serverless import check_runnable

        check_runnable(serverless)
    qualifier = get("qualifier") or None
    if qualifier is not None:
        _check_qualifier("qualifier", qualifier)
        if function.qualifier is not None and function.qualifier != qualifier:
            raise InputError(
                "qualifier",
                f"'{qualifier}' conflicts with ':{function.qualifier}' in function-name; give one",
            )
    return _Target(function, qualifier, serverless, stack, region, local)


def _invocation(get: Get, local: bool) -> _Invocation:
    """How to invoke: type, buffered or streamed, log type, the newer Invoke parameters."""
    invocation_type = _choice("invocation-type", get("invocation-type"), INVOCATION_TYPES)
    invoke_mode = _choice("invoke-mode", get("invoke-mode"), INVOKE_MODES)
    tenant_id = get("tenant-id") or None
    durable_name = get("durable-execution-name") or None
    _check_streaming(invoke_mode, invocation_type, local, durable_name)
    operation = "InvokeWithResponseStream" if invoke_mode == "stream" else "Invoke"
    if tenant_id is not None:
        check_invoke_parameter("tenant-id", "TenantId", tenant_id, operation)
    if durable_name is not None:
        check_invoke_parameter(
            "durable-execution-name", "DurableExecutionName", durable_name, operation
        )
    log_type = _choice("log-type", get("log-type"), LOG_TYPES)
    return _Invocation(invocation_type, invoke_mode, log_type, tenant_id, durable_name)


def _payload(
    values: Mapping[str, str], get: Get, runner: RunnerLayout | None, invocation_type: str
) -> bytes | None:
    """The bytes to send, from payload or payload-file, within Lambda's size limit."""
    raw = parse_bool("raw", get("raw"))
    for name in ("payload-file", "context-path", "payload"):
        check_reachable(name, _file_of(name, get(name)), runner)
    loaded = _load_payload(values.get("payload", ""), values.get("payload-file", ""), raw)
    if loaded is None:
        return None
    payload, source = loaded
    limit = MAX_EVENT_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD
    if len(payload) > limit:
        raise InputError(
            source,
            f"{len(payload)} bytes is over Lambda's {limit}-byte limit for {invocation_type}",
        )
    return payload


def _endpoint_url(text: str) -> str | None:
    if not text:
        return None
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError("endpoint-url", f"'{text}' is not an http(s) URL")
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


def _stack(get: Any, serverless: ServerlessFunction | None) -> StackRef | None:
    """stack-name (a name or a stack ARN) and the logical id in function-name (local with
    stack-name was refused before)."""
    stack_name = get("stack-name")
    if not stack_name:
        return None
    if serverless is not None:
        raise InputError("stack-name", "give stack-name or function (serverless.yml), not both")
    if not (_STACK_NAME.fullmatch(stack_name) or _STACK_ARN.fullmatch(stack_name)):
        raise InputError(
            "stack-name",
            f"'{stack_name}' is not a stack name (a letter, then letters, digits, hyphens; "
            "at most 128) or a stack ARN",
        )
    logical_id = get("function-name") or None
    if logical_id is not None and not _LOGICAL_ID.fullmatch(logical_id):
        raise InputError(
            "function-name",
            f"with stack-name, function-name is the function's logical id in the template "
            f"(letters and digits), got '{logical_id}'",
        )
    return StackRef(stack_name, logical_id)


def _stack_region(stack_name: str) -> str | None:
    match = _STACK_ARN.fullmatch(stack_name)
    if not match:
        return None
    check_region("stack-name", match["region"])
    return match["region"]


def _role(get: Any) -> RoleSettings | None:
    arn = get("role-to-assume")
    if not arn:
        return None
    if not _ROLE_ARN.fullmatch(arn):
        raise InputError(
            "role-to-assume", f"'{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
        )
    session_name = get("role-session-name")
    if not _SESSION_NAME.fullmatch(session_name):
        raise InputError(
            "role-session-name",
            f"'{session_name}' must be 2 to 64 letters, digits or _+=,.@- characters",
        )
    duration = int(
        parse_number(
            "role-duration-seconds",
            get("role-duration-seconds"),
            minimum=900,
            maximum=43200,  # 12 hours: STS's limit
            integer=True,
        )
    )
    audience = get("audience")
    if not audience:
        raise InputError("audience", "must not be empty")
    return RoleSettings(arn, session_name, duration, audience)


def _check_streaming(
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


def _serverless_function(
    get: Any, region: str | None, environ: Mapping[str, str], warnings: list[str]
) -> ServerlessFunction | None:
    """The serverless.yml function named by ``function``; None when none is named."""
    key = get("function")
    if not key:
        for name in ("stage", "config"):
            if get(name):
                warnings.append(f"{name} is used only with function (a serverless.yml key)")
        return None
    from lambda_invoke.serverless import resolve_function

    resolved = resolve_function(
        key,
        config_path=get("config"),
        stage=get("stage") or None,
        region=region,
        environ=environ,
    )
    if get("function-name"):
        warnings.append(
            f"function-name '{get('function-name')}' and function '{key}' are both given: "
            f"function-name wins (serverless.yml would give '{resolved.name}')"
        )
    return resolved


def _environment_lines(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, value = line.strip().partition("=")  # KEY alone: "" (as serverless)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise InputError("env", f"'{line.strip()}' is not KEY=VALUE or KEY")
        pairs.append((key, value))
    return tuple(pairs)


def parse_function_name(text: str) -> FunctionRef:
    """Accept the forms ``aws lambda invoke`` accepts, with the same limits."""
    if not text:
        raise InputError(
            "function-name",
            "is required (a name, name:alias or ARN; or function, a serverless.yml key; "
            "or stack-name)",
        )
    if len(text) > MAX_FUNCTION_REFERENCE:
        raise InputError(
            "function-name", f"is {len(text)} characters; at most {MAX_FUNCTION_REFERENCE}"
        )
    region = None
    if text.startswith("arn:"):
        match = _ARN.fullmatch(text)
        if not match:
            raise InputError(
                "function-name", f"'{text}' is not a Lambda function ARN ({_ARN_FORM})"
            )
        region = match["region"]
        _check_arn_partition(match["partition"], region)
    elif ":function:" in text:
        match = _PARTIAL_ARN.fullmatch(text)
        if not match:
            raise InputError(
                "function-name",
                f"'{text}' is not a partial ARN (ACCOUNT:function:NAME[:QUALIFIER])",
            )
    else:
        name, _, qualifier = text.partition(":")
        if ":" in qualifier:
            raise InputError("function-name", f"'{text}' has more than one ':' qualifier")
        return _function_ref(text, name, qualifier if _ else None, None)
    if not re.fullmatch(r"\d{12}", match["account"]):
        raise InputError("function-name", f"the account '{match['account']}' is not 12 digits")
    return _function_ref(text, match["name"], match["qualifier"], region)


def check_region(input_name: str, region: str) -> None:
    """A region of a partition botocore knows (commercial, China, GovCloud, ISO, EUSC...)."""
    from lambda_invoke.regions import partition_ids, partition_of

    if partition_of(region) is None:
        raise InputError(
            input_name,
            f"'{region}' is not a region of any AWS partition the installed botocore knows "
            f"({', '.join(partition_ids())}); like us-east-1",
        )


def _check_arn_partition(partition_id: str, region: str) -> None:
    from lambda_invoke.regions import find_partition, partition_ids

    partition = find_partition(partition_id)
    if partition is None:
        raise InputError(
            "function-name",
            f"the ARN's partition '{partition_id}' is not one the installed botocore knows "
            f"({', '.join(partition_ids())})",
        )
    if not partition.has_region(region):
        raise InputError(
            "function-name",
            f"the ARN's region '{region}' is not a region of partition {partition_id}",
        )


def _function_ref(text: str, name: str, qualifier: str | None, region: str | None) -> FunctionRef:
    if not name:
        raise InputError("function-name", f"'{text}' has no function name")
    if len(name) > MAX_FUNCTION_NAME:
        raise InputError(
            "function-name",
            f"the name '{name[:20]}...' is {len(name)} characters; at most {MAX_FUNCTION_NAME}",
        )
    if not _NAME.fullmatch(name):
        raise InputError(
            "function-name", f"'{name}' may hold only letters, digits, hyphens and underscores"
        )
    if qualifier is not None:
        _check_qualifier("function-name", qualifier)
    return FunctionRef(value=text, name=name, qualifier=qualifier, region=region)


def _check_qualifier(input_name: str, qualifier: str) -> None:
    if len(qualifier) > MAX_QUALIFIER or not _QUALIFIER.fullmatch(qualifier):
        raise InputError(
            input_name, f"'{qualifier}' is not a version or alias (letters, digits, - and _)"
        )


def _file_of(name: str, value: str) -> str:
    """The file a path input names ("" when it names none)."""
    if name != "payload":
        return "" if value == "-" else value
    for prefix in ("fileb://", "file://"):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return ""


def check_reachable(name: str, path: str, runner: RunnerLayout | None) -> None:
    """In the runner's Docker layout, a path must be inside a folder mounted here."""
    problem = runner.unreachable(path) if runner is not None and path else None
    if problem:
        raise InputError(name, problem)


def check_output_path(name: str, path: str) -> None:
    """A file we will write after invoking: its directory must exist now."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(name, f"cannot write '{path}': it is a directory")
    if not os.path.isdir(parent):
        raise InputError(name, f"cannot write '{path}': no such directory ({parent})")


def parse_bool(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError(name, f"expected true or false, got '{text}'")


def parse_number(
    name: str,
    text: str,
    *,
    minimum: float,
    maximum: float,
    exclusive: bool = False,
    integer: bool = False,
) -> float:
    """A number within [minimum, maximum] (both named in the message)."""
    if len(text) > 30:  # no number we take is that long; int() of a huge text is slow
        raise InputError(name, f"expected a number, got {len(text)} characters")
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number of seconds"
        raise InputError(name, f"expected {kind}, got '{text}'") from None
    if not math.isfinite(value):
        raise InputError(name, f"expected a finite number, got '{text}'")
    if value < minimum or (exclusive and value == minimum):
        relation = "more than" if exclusive else "at least"
        raise InputError(name, f"must be {relation} {minimum:g}, got '{text}'")
    if value > maximum:
        raise InputError(name, f"must be at most {maximum:g}, got '{text}'")
    return value


def _choice(name: str, text: str, choices: tuple[str, ...]) -> str:
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise InputError(name, f"expected one of {', '.join(choices)}, got '{text}'")


def _load_payload(payload: str, payload_file: str, raw: bool) -> tuple[bytes, str] | None:
    """The bytes to send and the input they came from (None: no payload)."""
    if payload.strip() and payload_file.strip():
        raise InputError("payload-file", "give payload or payload-file, not both")
    if payload_file.strip():
        path = payload_file.strip()
        if path == "-":
            return _encode_payload("payload-file", read_stdin("payload-file"), raw), "payload-file"
        return _encode_payload(
            "payload-file", _read_file("payload-file", path), raw
        ), "payload-file"
    if not payload.strip():
        return None
    if payload.startswith("fileb://"):  # as aws lambda invoke: the bytes, unchecked
        return _read_file("payload", payload[len("fileb://") :]), "payload"
    if payload.startswith("file://"):
        data = _read_file("payload", payload[len("file://") :])
        return _encode_payload("payload", data, raw), "payload"
    return _encode_payload("payload", payload.encode(), raw), "payload"


def _read_file(name: str, path: str) -> bytes:
    return read_file(name, path)


def _encode_payload(name: str, data: bytes, raw: bool) -> bytes:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise InputError(
            name, "is not UTF-8 text (use fileb:// to send bytes as they are)"
        ) from None
    if raw:
        return json.dumps(text).encode()
    try:
        parse_json(text)
        return data
    except Refused as error:
        raise InputError(name, str(error)) from None
    except ValueError as error:
        json_error = json_problem(error)
    document, yaml_error = _yaml_collection(name, text)  # only when the payload is not JSON
    if yaml_error:
        raise InputError(name, f"is neither JSON ({json_error}) nor YAML ({yaml_error})")
    if document is not None:
        try:
            return json.dumps(document, default=str, allow_nan=False).encode()
        except ValueError:
            raise InputError(name, "holds NaN or Infinity, which Lambda rejects") from None
    raise InputError(name, f"is not valid JSON ({json_error}); set raw to send text as a string")


def _yaml_collection(name: str, text: str) -> tuple[object | None, str]:
    """The payload as YAML, when it is a mapping or a list; else why not (or "")."""
    import yaml

    from lambda_invoke.yamltext import load_yaml

    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:
        return None, " ".join(str(error).split())[:YAML_ERROR_SHOWN]
    except Refused as error:
        raise InputError(name, str(error)) from None
    return (document, "") if isinstance(document, (dict, list)) else (None, "")


def _client_context(text: str, path: str) -> tuple[str | None, dict[str, Any] | None]:
    """The base64 ClientContext to send and the context as a mapping (when it is one).

    As with serverless, a context-path file replaces the client-context text.
    """
    name = "client-context"
    mapping: dict[str, Any] | None
    if path:
        name, text = "context-path", _read_file("context-path", path).decode(errors="replace")
        if not text.lstrip().startswith("{"):
            raise InputError(name, f"file '{path}' does not hold a JSON object")
    text = text.strip()
    if not text:
        return None, None
    if text.startswith("{"):
        try:
            document = parse_json(text)
        except ValueError as error:
            raise InputError(name, f"is not valid JSON: {json_problem(error)}") from None
        mapping = document  # text starting with "{" is an object when it is JSON
        encoded = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
    else:
        try:
            decoded = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(name, "is neither a JSON object nor base64 text") from None
        encoded = text
        try:
            document = parse_json(decoded)
            mapping = document if isinstance(document, dict) else None
        except ValueError:
            mapping = None
    if len(encoded) > MAX_CLIENT_CONTEXT:
        raise InputError(
            name,
            f"is {len(encoded)} bytes base64-encoded; Lambda accepts at most {MAX_CLIENT_CONTEXT}",
        )
    return encoded, mapping
