"""Input parsing primitives: booleans, numbers within bounds, choices, KEY=VALUE lines, and
the paths an input names (reachable in the runner's container, writable as an output).
Each refusal is an InputError naming the input."""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from lambda_invoke.errors import InputError

if TYPE_CHECKING:
    from lambda_invoke.runner import RunnerLayout

#: reads one input's text (its default when not given)
Get = Callable[[str], str]

_TRUE = {"true", "yes", "on", "1"}

_FALSE = {"false", "no", "off", "0"}


def parse_bool(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InputError(name, f"expected true or false, got '{text}'")


@functools.lru_cache(maxsize=512)  # a suite's cases share their figures' objects
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
    _check_range(name, text, value, minimum=minimum, maximum=maximum, exclusive=exclusive)
    return value


def _check_range(
    name: str, text: str, value: float, *, minimum: float, maximum: float, exclusive: bool
) -> None:
    if value < minimum or (exclusive and value == minimum):
        relation = "more than" if exclusive else "at least"
        raise InputError(name, f"must be {relation} {minimum:g}, got '{text}'")
    if value > maximum:
        raise InputError(name, f"must be at most {maximum:g}, got '{text}'")


def choice(name: str, text: str, choices: tuple[str, ...]) -> str:
    for choice in choices:
        if text.lower() == choice.lower():
            return choice
    raise InputError(name, f"expected one of {', '.join(choices)}, got '{text}'")


def file_of(name: str, value: str) -> str:
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


def output_path(name: str, value: str, runner: RunnerLayout | None) -> str | None:
    """A file we will write after invoking (None when not given): reachable from the
    runner's host, and its directory exists now."""
    if not value:
        return None
    check_reachable(name, value, runner)
    check_output_path(name, value)
    return value


def check_output_path(name: str, path: str) -> None:
    """A file we will write after invoking: its directory must exist now."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(name, f"cannot write '{path}': it is a directory")
    if not os.path.isdir(parent):
        raise InputError(name, f"cannot write '{path}': no such directory ({parent})")


def environment_lines(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, value = line.strip().partition("=")  # KEY alone: "" (as serverless)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise InputError("env", f"'{line.strip()}' is not KEY=VALUE or KEY")
        pairs.append((key, value))
    return tuple(pairs)


def parse_endpoint_url(text: str) -> str | None:
    """endpoint-url: an http(s) URL, or None when not given."""
    if not text:
        return None
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError("endpoint-url", f"'{text}' is not an http(s) URL")
    return text
