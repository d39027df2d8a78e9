"""Every text a user hands us, read and parsed within limits: the one loading layer.

Payloads, payload files, ``file://``/``fileb://``, ``assert``, suites, client contexts and
context files, ``serverless.yml`` and standard input go through here. Reads are bounded
(special files and files over the limit are refused without reading them), JSON is strict
(no NaN or Infinity, which Lambda rejects) with limits on nesting and number size, and YAML
has a budget for nesting and for what its aliases expand to (a "billion laughs" document is
a few hundred bytes). Every refusal is an ``InputError`` naming the input and the limit.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
import sys
import time
from typing import Any, BinaryIO

from lambda_invoke.errors import InputError

#: the largest file any input may name: over Lambda's 6 MB request limit, so that the
#: payload limit itself is what a payload file meets first
MAX_FILE_BYTES = 8 * 1024 * 1024
#: how deeply a JSON or YAML document may nest
MAX_DEPTH = 128
#: how many digits a JSON integer may have
MAX_NUMBER_DIGITS = 100


#: how long a pipe (process substitution, /dev/stdin) or a device may take to give its data
PIPE_SECONDS = 10.0


def read_file(name: str, path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, at most ``limit`` of them: the one bounded reader of every input that
    names a file. It opens without blocking and looks before it reads: a regular file is
    read; a pipe or a character device that has a writer or data (``<(jq . event.json)``,
    /dev/stdin) is read up to the limit within PIPE_SECONDS; a FIFO with no writer, a
    directory, a socket or a block device is refused at once, unread."""
    fd = _open(name, path)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(name, f"'{path}' is a directory, not a file")
        if stat.S_ISREG(mode):
            size = os.fstat(fd).st_size
            if size > limit:
                raise InputError(name, f"file '{path}' is {size} bytes; at most {limit}")
            os.set_blocking(fd, True)
            with os.fdopen(os.dup(fd), "rb") as handle:
                return _bounded(name, handle, limit, f"file '{path}'")
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
            return _read_stream(name, fd, path, limit, pipe=stat.S_ISFIFO(mode))
        raise InputError(name, f"'{path}' is a block device or socket, not a file")
    except OSError as error:
        raise InputError(name, f"cannot read '{path}': {error.strerror}") from None
    finally:
        os.close(fd)


def _open(name: str, path: str) -> int:
    """The file opened without blocking (a FIFO with no writer opens at once)."""
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(name, f"file '{path}' does not exist") from None
    except IsADirectoryError:
        raise InputError(name, f"'{path}' is a directory, not a file") from None
    except OSError as error:
        if error.errno == errno.ENXIO and stat.S_ISSOCK(os.stat(path).st_mode):
            raise InputError(name, f"'{path}' is a socket, not a file") from None
        raise InputError(name, f"cannot read '{path}': {error.strerror}") from None


def _read_stream(name: str, fd: int, path: str, limit: int, *, pipe: bool) -> bytes:
    """A pipe's or a device's bytes until its end, within ``limit`` and PIPE_SECONDS. A pipe
    that ends before giving anything had no writer (or nothing to say): refused."""
    import select

    kind = "pipe" if pipe else "device"
    deadline = time.monotonic() + PIPE_SECONDS
    chunks: list[bytes] = []
    size = 0
    while True:
        try:  # read first: a FIFO with no writer gives its end at once, select never wakes
            chunk = os.read(fd, min(65536, limit + 1 - size))
        except BlockingIOError:  # a writer, no data yet (or a device waiting for input)
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if ready:
                continue
            raise _silent(name, path, pipe=pipe, gave_some=bool(chunks)) from None
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputError(name, f"the {kind} '{path}' gives more than {limit} bytes")
    if pipe and not chunks:
        raise InputError(
            name, f"'{path}' is a pipe with nothing to read (no writer, or it wrote nothing)"
        )
    return b"".join(chunks)


def _silent(name: str, path: str, *, pipe: bool, gave_some: bool) -> InputError:
    """A pipe or device that gave no more data within PIPE_SECONDS."""
    if not pipe and not gave_some:
        return InputError(name, f"'{path}' is a device with no data to read")
    kind = "pipe" if pipe else "device"
    return InputError(name, f"the {kind} '{path}' did not end within {PIPE_SECONDS:g} s")


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
