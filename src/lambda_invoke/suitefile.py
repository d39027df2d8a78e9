"""Suite files: what a suite is before anything runs. YAML with ``defaults`` (any invoke
input) and ``cases`` (a list; each a ``name``, any invoke input, ``assert`` and
``expect-function-error``), layered over the run's own inputs; paths relative to the
file's folder; a shard's share of the cases. Every case is validated into ``Settings``
before anything is invoked (running them: suite.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from lambda_invoke.errors import InputError, did_you_mean
from lambda_invoke.inputparse import output_path, parse_bool, parse_number
from lambda_invoke.interface import DEFAULTS, INPUT_NAMES, SUITE_INPUTS
from lambda_invoke.loading import Refused, read_file, read_stdin
from lambda_invoke.repeat import MAX_RATE
from lambda_invoke.rows import MAX_SHARDS
from lambda_invoke.runner import RunnerLayout, detect
from lambda_invoke.serverless import DEFAULT_CONFIGS
from lambda_invoke.settings import Settings, SettingsLoader
from lambda_invoke.snapshots import case_file
from lambda_invoke.yamltext import NotAMapping, load_yaml, stream_mapping

CASE_INPUTS = tuple(name for name in INPUT_NAMES if name not in SUITE_INPUTS)

CASE_KEYS = ("name", "expect-function-error", *CASE_INPUTS)

#: inputs of which a case gives one: a later layer's choice replaces the earlier's
EXCLUSIVE = (
    ("function-name", "function"),
    ("payload", "payload-file"),
    ("client-context", "context-path"),
)
INLINE_START = re.compile(r"(cases|defaults)\s*:")
MAX_CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class Case:
    index: int
    name: str
    settings: Settings
    expect_function_error: bool | str  # True: any; a string: that value; False: none


class Cases(Sequence[Case]):
    """A suite's checked cases, each let go once it has run (``let_go``): a long suite's
    memory at its end is its rows, not its settings as well."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self._cases: list[Case | None] = list(cases)

    def __len__(self) -> int:
        return len(self._cases)

    @overload
    def __getitem__(self, index: int) -> Case: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Case]: ...
    def __getitem__(self, index: int | slice) -> Case | Sequence[Case]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        case = self._cases[index]
        if case is None:
            raise LookupError(f"case {index + 1} has run and was let go")
        return case

    def __iter__(self) -> Iterator[Case]:
        for index in range(len(self._cases)):
            yield self[index]

    def let_go(self, index: int) -> None:
        self._cases[index] = None

    def not_let_go(self) -> list[int]:
        return [index for index, case in enumerate(self._cases) if case is not None]


@dataclass(frozen=True, slots=True)
class SuiteSettings:
    source: str  # the file's path, or "inline"
    cases: Cases
    max_concurrency: int
    fail_fast: bool
    junit_file: str | None
    summary: bool
    runner: RunnerLayout | None = None  # GitHub's runner started us as a Docker action
    shard: tuple[int, int] | None = None  # (I, N): this run's share of the cases
    results_file: str | None = None
    digest: str = ""  # of the suite text: shards of one suite version merge
    total_cases: int = 0  # in the whole suite file, every shard's included
    max_rate: float = 0.0  # invocations a second, all cases together (0: no limit)


def load_suite_settings(
    values: Mapping[str, str], *, environ: Mapping[str, str], profile: str | None = None
) -> SuiteSettings:
    """The suite input and the run's other inputs (defaults for every case), validated."""

    def get(name: str) -> str:
        return values.get(name, DEFAULTS[name]).strip()

    max_concurrency = int(
        parse_number(
            "max-concurrency",
            get("max-concurrency"),
            minimum=1,
            maximum=MAX_CONCURRENCY,
            integer=True,
        )
    )
    fail_fast = parse_bool("fail-fast", get("fail-fast"))
    summary = parse_bool("summary", get("summary"))
    max_rate = parse_number("max-rate", get("max-rate"), minimum=0, maximum=MAX_RATE)

    runner = detect(environ)
    junit_file = output_path("junit-file", get("junit-file"), runner)
    results_file = output_path("results-file", get("results-file"), runner)
    shard = parse_shard(get("shard"))
    text, source = _suite_text(values["suite"])
    base = {name: value for name, value in values.items() if name in CASE_INPUTS}
    folder = os.path.dirname(source) if source not in ("inline", "standard input") else ""
    cases = load_suite(text, base=base, environ=environ, profile=profile, folder=folder)
    total_cases = len(cases)
    if shard is not None:
        cases = [case for case in cases if in_shard(case.name, *shard)]

    return SuiteSettings(
        source,
        Cases(cases),
        max_concurrency,
        fail_fast,
        junit_file,
        summary,
        runner,
        shard=shard,
        results_file=results_file,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        total_cases=total_cases,
        max_rate=max_rate,
    )


def parse_shard(text: str) -> tuple[int, int] | None:
    """``I/N`` with 1 <= I <= N <= MAX_SHARDS; "" for none."""
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,4})/(\d{1,4})", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]) <= MAX_SHARDS:
        raise InputError("shard", f"expected I/N with 1 <= I <= N <= {MAX_SHARDS}, got '{text}'")
    return int(match[1]), int(match[2])


def in_shard(name: str, index: int, count: int) -> bool:
    """A case's shard by a hash of its name: stable when other cases come and go."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % count == index - 1


def _suite_text(value: str) -> tuple[str, str]:
    """The suite input is YAML when it has a line break or starts like a suite (``{``,
    ``cases:``, ``defaults:``); else a path (``-``: standard input)."""
    stripped = value.strip()
    if "\n" in stripped or stripped.startswith("{") or INLINE_START.match(stripped):
        return value, "inline"

    if stripped == "-":
        data, source = read_stdin("suite"), "standard input"
    else:
        data, source = read_file("suite", stripped), stripped
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError:
        raise InputError("suite", f"{source} is not UTF-8 text") from None


def load_suite(
    text: str,
    *,
    base: Mapping[str, str] | None = None,
    environ: Mapping[str, str],
    profile: str | None = None,
    folder: str = "",
) -> list[Case]:
    """Parse and validate a whole suite; any problem is an InputError naming the case.

    Layers, each replacing the one before: ``base`` (the run's other inputs), the file's
    ``defaults``, the case. ``assert`` mappings are merged instead. Relative paths in the
    file are relative to its ``folder``, where its serverless.yml is looked for too (a
    Docker action cannot change directory); the run's own inputs stay as given.
    """
    cases: list[Case] = []
    seen: set[str] = set()
    snapshots: dict[str, str] = {}  # a case's snapshot file -> the case's label
    below: tuple[dict[str, Any], dict[str, str | None]] | None = None  # run inputs, defaults
    waiting: list[Any] = []  # cases read before the defaults that come after them
    loader = SettingsLoader(environ=environ, profile=profile)

    def add(raw: Any) -> None:
        assert below is not None
        index = len(cases)
        label = f"case {index + 1}"
        if not isinstance(raw, dict):
            raise InputError("suite", f"{label} is not a mapping")
        name = " ".join(str(raw.get("name") or label).split())
        label = f"case {index + 1} ({name})"
        if name in seen:
            raise InputError("suite", f"{label}: the name is used twice")
        seen.add(name)
        _check_fields(label, raw)
        merged, origin = _merge([(label, _in_folder(folder, _without_name(raw)))], below)
        _find_config(merged, origin, folder, label)
        _case_snapshot(merged, origin, label, name, snapshots)
        expect = merged.pop("expect-function-error", False)
        if not isinstance(expect, (bool, str)):
            raise InputError("suite", f"{label}: expect-function-error must be true, false or text")
        settings = _case_settings(merged, origin, label, loader)
        cases.append(Case(index, name, settings, expect))

    def with_defaults(defaults: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str | None]]:
        defaults = _in_folder(folder, _without_name(defaults))
        return _merge([(None, dict(base or {})), ("defaults", defaults)])

    # Each case is checked as it is read and its YAML let go (a suite's memory is its
    # checked cases, not its document); defaults after the cases keep them waiting.
    defaults_later = "defaults" in text
    for part, value in _suite_parts(text):
        if part == "defaults":
            if cases:  # spelled without the word: a quoted key with escapes
                raise InputError("suite", "defaults must come before the cases")
            below = with_defaults(value)
            for raw in waiting:
                add(raw)
            waiting.clear()
        elif below is None and defaults_later:
            waiting.append(value)
        else:
            below = below or with_defaults({})
            add(value)
    if waiting:  # no defaults came after all
        below = with_defaults({})
        for raw in waiting:
            add(raw)
    if not cases:
        raise InputError("suite", "has no cases")
    return cases


def _suite_parts(text: str) -> Iterator[tuple[str, Any]]:
    """The suite's ``defaults`` (checked) and each case (as written), in the file's order,
    the document's shape checked as it is read."""
    import yaml

    shape = "must be a mapping with a list of cases (cases: [...])"
    listed = False
    unknown: list[str] = []  # said once the whole document is read (its aliases too)
    try:
        for key, value in stream_mapping(text, "cases"):
            if key not in ("defaults", "cases"):
                unknown.append(str(key))
            elif key == "defaults":
                defaults = value or {}
                if not isinstance(defaults, dict):
                    raise InputError("suite", "defaults must be a mapping of inputs")
                _check_fields("defaults", defaults)
                yield "defaults", defaults
            elif isinstance(value, (str, dict)) or not isinstance(value, Iterable):
                raise InputError("suite", shape)
            else:
                listed = True
                for raw in value:
                    yield "case", raw
    except yaml.YAMLError as error:
        raise InputError("suite", f"is not valid YAML: {' '.join(str(error).split())}") from None
    except Refused as error:
        raise InputError("suite", str(error)) from None
    except NotAMapping:
        raise InputError("suite", shape) from None
    if unknown:
        raise InputError("suite", f"unknown key '{min(unknown)}' (expected defaults, cases)")
    if not listed:
        raise InputError("suite", shape)


def _find_config(
    merged: dict[str, Any], origin: dict[str, str | None], folder: str, label: str
) -> None:
    """A ``function:`` case of a suite file finds the serverless.yml beside the file."""

    if folder and "function" in merged and "config" not in merged:
        found = [n for n in DEFAULT_CONFIGS if os.path.isfile(os.path.join(folder, n))]
        if found:
            merged["config"], origin["config"] = os.path.join(folder, found[0]), label


def _case_snapshot(
    merged: dict[str, Any],
    origin: dict[str, str | None],
    label: str,
    name: str,
    taken: dict[str, str],
) -> None:
    """A suite's snapshot (from the run's inputs or the defaults) is a folder: each case's
    is a file in it named from the case (a case's own snapshot is its file, as given)."""
    folder = merged.get("snapshot")
    if not isinstance(folder, str) or folder.strip().lower() in ("", "none"):
        return
    if origin.get("snapshot") == label:
        return
    where = origin.get("snapshot")

    def refuse(problem: str) -> InputError:
        if where is None:
            return InputError("snapshot", problem)
        return InputError("suite", f"{where}: field 'snapshot': {problem}")

    folder = folder.strip()
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise refuse(f"'{folder}' is not a folder: a suite's snapshot is a folder, a file a case")
    path = os.path.normpath(os.path.join(folder, case_file(name)))
    if path in taken:
        raise InputError(
            "suite", f"{label}: its snapshot file '{path}' is {taken[path]}'s too: rename one"
        )
    taken[path] = label
    merged["snapshot"] = path


def _case_settings(
    merged: Mapping[str, Any],
    origin: Mapping[str, str | None],
    label: str,
    loader: SettingsLoader,
) -> Settings:
    """The case's settings; a refusal names the layer its value came from."""
    try:
        return loader.load(_as_text(merged))
    except InputError as error:
        where = origin.get(error.input_name, label)
        if where is None:  # the run's own input: its message names it already
            raise
        problem = f"{where}: field '{error.input_name}': {error.problem}"
        raise InputError("suite", problem) from None


#: case fields that name a file (payload may too: file://PATH)
PATH_FIELDS = ("payload-file", "context-path", "config", "output-file", "snapshot")


def _in_folder(folder: str, layer: dict[str, Any]) -> dict[str, Any]:
    """A layer of the suite file with its relative paths made relative to ``folder``."""
    if not folder:
        return layer
    moved = dict(layer)
    for key in PATH_FIELDS:
        value = moved.get(key)
        if (
            isinstance(value, str)
            and value.lower() not in ("", "-", "none")
            and not os.path.isabs(value)
        ):
            moved[key] = os.path.join(folder, value)
    payload = moved.get("payload")
    if isinstance(payload, str):
        moved["payload"] = _payload_in_folder(folder, payload)
    return moved


def _payload_in_folder(folder: str, payload: str) -> str:
    """``payload: file://PATH`` (or fileb://) with a relative PATH made relative to
    ``folder``; any other payload as it is."""
    for scheme in ("file://", "fileb://"):
        rest = payload.strip().removeprefix(scheme)
        if payload.strip().startswith(scheme) and rest and not os.path.isabs(rest):
            return scheme + os.path.join(folder, rest)
    return payload


def _without_name(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key != "name"}


def _check_fields(label: str, mapping: Mapping[Any, Any]) -> None:
    for key in mapping:
        if key not in CASE_KEYS or (label == "defaults" and key == "name"):
            hint = did_you_mean(str(key), CASE_KEYS)
            raise InputError("suite", f"{label}: unknown field '{key}'{hint}")


def _merge(
    layers: list[tuple[str | None, dict[str, Any]]],
    onto: tuple[dict[str, Any], dict[str, str | None]] | None = None,
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """Apply the layers in order (onto ``onto``, the layers below merged already); also
    say which layer each value came from."""

    merged: dict[str, Any] = dict(onto[0]) if onto else {}
    origin: dict[str, str | None] = dict(onto[1]) if onto else {}
    for where, layer in layers:
        for group in EXCLUSIVE:
            if not layer.keys().isdisjoint(group):
                for key in group:
                    merged.pop(key, None)
        for key, value in layer.items():
            merged[key] = _merged_assert(merged.get(key), value) if key == "assert" else value
            origin[key] = where
    return merged, origin


def _merged_assert(earlier: Any, value: Any) -> Any:
    """A later ``assert`` mapping adds to an earlier one (YAML text is parsed first)."""
    import yaml

    if isinstance(value, str):
        with contextlib.suppress(yaml.YAMLError, Refused):  # load_settings names the problem
            value = load_yaml(value)
    if isinstance(earlier, dict) and isinstance(value, dict):
        return {**earlier, **value}
    return value


def _as_text(values: Mapping[str, Any]) -> dict[str, str]:
    """Suite values as the strings inputs are: mappings and lists as JSON or YAML."""
    return {key: _value_text(key, value) for key, value in values.items() if value is not None}


def _value_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return _structure_text(key, value)
    return str(value)


def _structure_text(key: str, value: dict[str, Any] | list[Any]) -> str:
    """A mapping or list as the input's text: assert as YAML, env as its lines, else JSON."""
    import yaml

    if key == "assert":
        return yaml.safe_dump(value, sort_keys=False)
    if key == "env" and isinstance(value, dict):
        return "\n".join(f"{name}={item}" for name, item in value.items())
    if key == "env":
        return "\n".join(str(item) for item in value)
    return json.dumps(value)
