"""serverless.yml: a function key -> the deployed name, region, handler and settings.

Only the fields a run needs are read: the name and region for a remote invoke, the handler,
runtime, memory, timeout and environment too for invoke local; a variable anywhere else in
the file is left alone. The variables resolved: ``${sls:stage}``, ``${opt:stage}``,
``${opt:region}``, ``${self:path.to.key}``, ``${env:NAME}``, and what AWS holds:
``${ssm:/path}`` (SSM GetParameter, decrypted) and ``${cf:stack.output}`` (a CloudFormation
stack's output), each with an optional ``(region)`` as ``${ssm(eu-west-1):/path}``; any of
them with defaults (quoted text, numbers or another variable). Those AWS holds are looked
up after the settings are checked, before invoking (aws.Connections.resolve). Anything
else is an error naming the variable and the field: a silently wrong function name would
invoke the wrong function.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambda_invoke.errors import AwsError, InputError
from lambda_invoke.loading import Refused, read_file
from lambda_invoke.yamltext import load_yaml

DEFAULT_CONFIGS = ("serverless.yml", "serverless.yaml")
DEFAULT_STAGE = "dev"
DEFAULT_MEMORY = 1024
DEFAULT_TIMEOUT = 6
_VARIABLE = re.compile(r"\$\{([^${}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SUPPORTED = (
    "${sls:stage}, ${opt:stage}, ${opt:region}, ${self:...}, ${env:NAME}, ${ssm:/path}, "
    "${cf:stack.output}"
)
_AWS_SOURCE = re.compile(r"(ssm|cf)(?:\(([a-z0-9-]{1,32})\))?")
#: a value AWS holds: (source "ssm" or "cf", address, region or None) -> the value, or None
#: when there is none (then a variable's default is used)
Lookup = Callable[[str, str, "str | None"], Any]


class _NeedsAws(Exception):
    """A field this run needs uses a variable only AWS can resolve (no lookup given)."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable


@dataclass(frozen=True, slots=True)
class ServerlessFunction:
    """One function of a serverless.yml, resolved for a stage."""

    key: str
    name: str  # the deployed name ("" while pending)
    region: str | None
    stage: str
    service_dir: Path
    # invoke local only (a remote invoke does not read them)
    handler: str | None = None
    runtime: str | None = None
    memory: int = DEFAULT_MEMORY
    timeout: float = DEFAULT_TIMEOUT
    environment: tuple[tuple[str, str], ...] = ()
    #: a needed field uses a variable AWS holds ("functions.api.name: ${ssm:/api/name}"):
    #: ``again`` resolves the function with a lookup, before invoking
    pending: str = ""
    again: Callable[[Lookup], ServerlessFunction] | None = field(
        default=None, compare=False, repr=False
    )


def find_config(path: str) -> Path:
    """The config file: ``path`` when given, else serverless.yml/.yaml in this directory."""
    if path:
        config = Path(path)
        if not config.exists():
            raise InputError("config", f"file '{path}' does not exist")
        return config  # read_file refuses a directory or a special file
    for name in DEFAULT_CONFIGS:
        if Path(name).is_file():
            return Path(name)
    raise InputError("config", "no serverless.yml or serverless.yaml in this directory")


def load_config(config: Path) -> dict[str, Any]:
    import yaml

    try:
        document = load_yaml(read_file("config", str(config)).decode("utf-8"), strict=False)
    except UnicodeDecodeError:
        raise InputError("config", f"'{config}' is not UTF-8 text") from None
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise InputError("config", f"'{config}' is not valid YAML: {problem}") from None
    except Refused as error:
        raise InputError("config", f"'{config}': {error}") from None
    if not isinstance(document, dict):
        raise InputError("config", f"'{config}' is not a serverless.yml (no mapping at the top)")
    return document


def function_keys(config_path: str) -> tuple[str, ...]:
    """The function keys of the config, or () when there is no readable config."""
    try:
        functions = load_config(find_config(config_path)).get("functions")
    except InputError:
        return ()
    return tuple(str(key) for key in functions) if isinstance(functions, dict) else ()


def resolve_function(
    key: str,
    *,
    config_path: str,
    stage: str | None,
    region: str | None,
    environ: Mapping[str, str],
    local: bool = False,
    lookup: Lookup | None = None,
) -> ServerlessFunction:
    """The function ``key`` of the config, with the fields this run needs (``local``: the
    handler's too). Without ``lookup``, a needed field that uses ${ssm:...} or ${cf:...}
    makes it pending: its ``again`` resolves it with one (and, for ``local``, checks that
    the handler is runnable here, as settings does for one resolved at once)."""
    config_file = find_config(config_path)
    document = load_config(config_file)
    _check_key(document, key, str(config_file))
    resolver = _Resolver(document, str(config_file), stage, region, environ, lookup=lookup)

    def again(lookup: Lookup) -> ServerlessFunction:
        resolved = resolve_function(
            key, config_path=config_path, stage=stage, region=region, environ=environ,
            local=local, lookup=lookup,
        )  # fmt: skip
        if local:
            check_runnable(resolved)
        return resolved

    region_value = region or _region_of(resolver)
    try:
        stage_value = stage or _stage_of(resolver)
        resolver.stage = stage_value
        name = _name(resolver, key, str(config_file), stage_value)
        fields = _local_fields(resolver, key) if local else {}
    except _NeedsAws as needs:
        return ServerlessFunction(
            key=key, name="", region=region_value, stage=stage or DEFAULT_STAGE,
            service_dir=config_file.resolve().parent, pending=needs.variable, again=again,
        )  # fmt: skip
    return ServerlessFunction(
        key=key,
        name=name,
        region=region_value,
        stage=stage_value,
        service_dir=config_file.resolve().parent,
        **fields,
    )


def _name(resolver: _Resolver, key: str, config_file: str, stage: str) -> str:
    """functions.KEY.name, else SERVICE-STAGE-KEY (as serverless names it)."""
    name = _text(resolver.get(f"functions.{key}.name"), f"functions.{key}.name")
    return name or f"{_service_name(resolver, config_file)}-{stage}-{key}"


def _local_fields(resolver: _Resolver, key: str) -> dict[str, Any]:
    """What invoke local needs besides the name: the handler, runtime, memory, timeout and
    environment (the function's own value, else the provider's)."""

    def setting(name: str, default: Any = None) -> Any:
        return (
            resolver.get(f"functions.{key}.{name}") or resolver.get(f"provider.{name}") or default
        )

    environment = {
        **_environment(resolver, "provider.environment"),
        **_environment(resolver, f"functions.{key}.environment"),
    }
    return {
        "handler": _text(resolver.get(f"functions.{key}.handler"), "handler") or None,
        "runtime": _text(setting("runtime"), "runtime") or None,
        "memory": int(_number(setting("memorySize", DEFAULT_MEMORY), "memorySize")),
        "timeout": _number(setting("timeout", DEFAULT_TIMEOUT), "timeout"),
        "environment": tuple((k, v) for k, v in environment.items() if v is not None),
    }


def _stage_of(resolver: _Resolver) -> str:
    return _text(resolver.get("provider.stage"), "provider.stage") or DEFAULT_STAGE


def _region_of(resolver: _Resolver) -> str | None:
    try:
        return _text(resolver.get("provider.region"), "provider.region") or None
    except _NeedsAws as needs:  # reading it from AWS needs a region first
        raise InputError(
            "region",
            f"provider.region of {resolver.config_file} is {needs.variable}, which is read "
            "from AWS: give the region input",
        ) from None


def _check_key(document: Mapping[str, Any], key: str, config_file: str) -> None:
    """``key`` names a function of the file, given as a mapping (or empty)."""
    functions = document.get("functions")
    if not isinstance(functions, dict) or key not in functions:
        known = ", ".join(str(k) for k in functions) if isinstance(functions, dict) else "none"
        raise InputError("function", f"'{key}' is not a function of {config_file} (has: {known})")
    if not isinstance(functions[key] or {}, dict):
        raise InputError("config", f"functions.{key} of {config_file} is not a mapping")


def _service_name(resolver: _Resolver, config_file: str) -> str:
    service = resolver.get("service")
    if isinstance(service, dict):  # the old form: service: {name: ...}
        service = resolver.get("service.name")
    service_name = _text(service, "service")
    if not service_name:
        raise InputError("config", f"{config_file} has no service name")
    return service_name


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise InputError("config", f"{where} is a {type(value).__name__}, not text")
    return str(value)


#: Lambda's own bounds (seconds, MB)
_BOUNDS = {"timeout": (1.0, 900.0), "memorySize": (128.0, 10240.0)}


def _number(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InputError("config", f"{where} '{str(value)[:40]}' is not a number") from None
    low, high = _BOUNDS[where]
    if not low <= number <= high:
        raise InputError("config", f"{where} must be {low:g} to {high:g}, got {number:g}")
    return number


def _environment(resolver: _Resolver, path: str) -> dict[str, str | None]:
    value = resolver.get(path)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError("config", f"{path} is not a mapping of variables")
    # null: not set (as serverless leaves it); kept here so a function's null can
    # drop a provider-level value, and dropped when the two are merged
    return {str(k): None if v is None else _text(v, f"{path}.{k}") for k, v in value.items()}


class _Resolver:
    """Reads dotted paths of the config, resolving ``${...}`` variables on the way."""

    def __init__(
        self,
        document: dict[str, Any],
        config_file: str,
        stage: str | None,
        region: str | None,
        environ: Mapping[str, str],
        *,
        lookup: Lookup | None = None,
    ) -> None:
        self.lookup = lookup
        self.looked_up: dict[tuple[str, str, str | None], Any] = {}
        self.document = document
        self.config_file = config_file
        self.stage_option = stage
        self.stage = stage or DEFAULT_STAGE
        self.region_option = region
        self.environ = environ
        self.depth = 0

    def get(self, path: str) -> Any:
        value: Any = self.document
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return self.resolve(value)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        self.depth += 1
        try:
            if self.depth > 20:
                raise InputError("config", f"variables in {self.config_file} refer to themselves")
            return self._resolve_text(value)
        finally:
            self.depth -= 1

    def _resolve_text(self, value: str) -> Any:
        whole = _VARIABLE.fullmatch(value)
        if whole:  # a value that is one variable keeps its type (numbers, mappings)
            return self.resolve(self._variable(whole.group(1)))
        previous = None
        while previous != value and "${" in value:
            previous = value
            value = _VARIABLE.sub(lambda m: _text(self._variable(m.group(1)), m.group(0)), value)
        return value

    def _from_aws(self, source: str, address: str, region: str | None, variable: str) -> Any:
        """An SSM parameter or a stack output, looked up once (None: AWS has none)."""
        if self.lookup is None:
            raise _NeedsAws(variable)
        key = (source, address, region)
        if key not in self.looked_up:
            self.looked_up[key] = self.lookup(source, address, region)
        return self.looked_up[key]

    def _variable(self, body: str) -> Any:
        candidates = [part.strip() for part in _split_top_level(body)]
        for candidate in candidates:
            value = self._candidate(candidate, "${" + body + "}")
            if value is not None:
                return value
        if any(_AWS_SOURCE.fullmatch(c.partition(":")[0]) for c in candidates):
            raise AwsError(
                f"{self.config_file}: variable '${{{body}}}': AWS holds no such SSM parameter "
                "or stack output, and the variable has no default"
            )
        raise InputError(
            "config", f"{self.config_file}: variable '${{{body}}}' has no value and no default"
        )

    def _candidate(self, text: str, variable: str) -> Any:
        literal = _literal(text)
        if literal is not None:
            return literal
        source, colon, address = text.partition(":")
        address = address.strip()
        options = {
            ("sls", "stage"): self.stage,
            ("opt", "stage"): self.stage_option,
            ("opt", "region"): self.region_option,
        }
        if (source, address) in options:
            return options[source, address]
        if source == "self":
            return self.get(address) if address else self.document
        if source == "env" and _ENV_NAME.fullmatch(address):
            return self.environ.get(address)
        aws = _AWS_SOURCE.fullmatch(source)
        if aws and address:
            return self._from_aws(aws.group(1), address, aws.group(2), variable)
        if not colon and re.fullmatch(r"[A-Za-z0-9_.-]+", text):
            return text  # a bare word default: ${opt:stage, dev}
        raise InputError(
            "config",
            f"{self.config_file}: variable '{variable}' is not supported here "
            f"(supported: {SUPPORTED}); give function-name instead",
        )


def _literal(text: str) -> str | float | None:
    """A quoted string or a number written in a variable (``${opt:stage, 'dev'}``)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text) if "." in text else int(text)
    return None


def _split_top_level(body: str) -> list[str]:
    """Split on commas that are not inside quotes."""
    parts, current, quote = [], "", ""
    for char in body:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def check_runnable(function: ServerlessFunction) -> None:
    """Refuse, before anything runs, what cannot be run here. Raises InputError."""
    if not function.handler or "." not in function.handler:
        raise InputError("function", f"'{function.key}' has no handler (path/module.function)")
    runtime = function.runtime or ""
    suffixes: tuple[str, ...]
    if runtime.startswith("nodejs"):
        if not shutil.which("node"):
            raise InputError("local", f"'{function.key}' runs on {runtime}: node is not on PATH")
        suffixes = (".js", ".mjs", ".cjs")
    elif runtime.startswith("python"):
        suffixes = (".py",)
    else:
        raise InputError(
            "local",
            f"'{function.key}' runs on '{runtime or 'no runtime'}': invoke local runs "
            "python and nodejs functions",
        )
    module = function.handler.rpartition(".")[0]
    if not any((function.service_dir / f"{module}{suffix}").is_file() for suffix in suffixes):
        raise InputError(
            "function", f"handler file {module}{suffixes[0]} not found in {function.service_dir}"
        )
