"""Every text a user hands us, read and parsed within limits: the one loading layer.

Payloads, payload files, ``file://``/``fileb://``, ``assert``, suites, client contexts and
context files, ``serverless.yml`` and standard input go through here. Reads are bounded
(special files and files over the limit are refused without reading them), JSON is strict
(no NaN or Infinity, which Lambda rejects) with limits on nesting and number size, and YAML
has a budget for nesting and for what its aliases expand to (a "billion laughs" document is
a few hundred bytes). Every refusal is an ``InputError`` naming the input and the limit.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
from typing import Any, BinaryIO

from lambda_invoke.errors import InputError

#: the largest file any input may name: over Lambda's 6 MB request limit, so that the
#: payload limit itself is what a payload file meets first
MAX_FILE_BYTES = 8 * 1024 * 1024
#: how deeply a JSON or YAML document may nest
MAX_DEPTH = 128
#: how many digits a JSON integer may have
MAX_NUMBER_DIGITS = 100


def read_file(name: str, path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` of them."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise InputError(name, f"'{path}' is a directory, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise InputError(name, f"'{path}' is not a regular file (a device, pipe or socket)")
            if info.st_size > limit:
                raise InputError(name, f"file '{path}' is {info.st_size} bytes; at most {limit}")
            return _bounded(name, handle, limit, f"file '{path}'")
    except FileNotFoundError:
        raise InputError(name, f"file '{path}' does not exist") from None
    except IsADirectoryError:
        raise InputError(name, f"'{path}' is a directory, not a file") from None
    except OSError as error:
        raise InputError(name, f"cannot read '{path}': {error.strerror}") from None


def read_stdin(name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Standard input, at most ``limit`` bytes; empty input is an error."""
    data = _bounded(name, sys.stdin.buffer, limit, "standard input")
    if not data.strip():
        raise InputError(name, "standard input was empty")
    return data


def _bounded(name: str, stream: BinaryIO, limit: int, what: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(name, f"{what} is over {limit} bytes")
    return data


class Refused(ValueError):
    """A document over a limit (raised by the JSON hooks and the YAML budget)."""


def _no_constant(text: str) -> Any:
    raise Refused(f"{text} is not JSON (Lambda rejects NaN and Infinity)")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise Refused(f"a number of {len(text)} digits (at most {MAX_NUMBER_DIGITS})")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused(f"{text[:40]} is too large for a number (Lambda rejects Infinity)")
    return value


def parse_json(text: str | bytes) -> Any:
    """Strict, bounded JSON: raises ``Refused`` over a limit, ``ValueError`` when not JSON."""
    try:
        document = json.loads(
            text, parse_constant=_no_constant, parse_int=_integer, parse_float=_float
        )
    except RecursionError:
        raise Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    check_depth(document)
    return document


def check_depth(document: Any) -> None:
    """Refuse a parsed document nested deeper than ``MAX_DEPTH`` (without recursing)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if level > MAX_DEPTH:
            raise Refused(f"nested deeper than {MAX_DEPTH} levels")
        stack.extend((child, level + 1) for child in children)


def json_problem(error: ValueError) -> str:
    """One line for a JSON error of ours or of the json module."""
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno} column {error.colno}"
    return " ".join(str(error).split())
