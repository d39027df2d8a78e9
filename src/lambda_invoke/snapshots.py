"""snapshot and update-snapshots: an answer recorded in a plain JSON file a reviewer reads
in a pull request's diff, and each later answer compared with it as compare-to compares
with a deployed baseline (comparison.compare, with the file on the baseline's side).

Recording sends each event twice: what differs between the two answers is noise (a
timestamp, an id), left out of the file and named in its ``noise`` list, so that a later
run does not report it. The ``compare-ignore`` paths are left out too; keys are sorted.

A snapshot path is checked before anything is sent: its real place must be inside the
workspace (GITHUB_WORKSPACE, else the current folder), it must not be a symbolic link, and
an existing file must be a regular one (a FIFO is refused unread); the file is read by the
one bounded reader and validated here, so a bad file is exit 2 with one line. A missing
snapshot is recorded, except in CI, where it fails with how to record it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lambda_invoke.errors import InputError, LambdaInvokeError
from lambda_invoke.loading import MAX_FILE_BYTES, Refused, json_problem, parse_json, read_file

if TYPE_CHECKING:
    from lambda_invoke.runner import RunnerLayout

#: the first field of every snapshot file: what it is, and its format's version
FORMAT = "lambda-invoke snapshot 1"
#: the fields of a snapshot file, in the order they are written
FIELDS = ("format", "status-code", "function-error", "payload-format", "payload", "noise")
#: places a snapshot may name as noise (as many as one event's differences are kept)
MAX_NOISE = 200
#: a case's name in its snapshot file's name, at most this many characters
MAX_NAME_CHARS = 100


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A snapshot input, checked: where the file is, and the answer it holds (validated;
    ``recording``: none yet, this run records it)."""

    path: str
    recording: bool
    status_code: int | None = None
    function_error: str | None = None
    payload: Any = None  # JSON as recorded (noise left out), or the text
    is_json: bool = True
    noise: tuple[str, ...] = ()


def in_ci(environ: Mapping[str, str]) -> bool:
    """Whether this runs in CI (GitHub Actions, or any CI that sets CI=true)."""
    return environ.get("GITHUB_ACTIONS") == "true" or environ.get("CI", "").lower() in (
        "true",
        "1",
    )


def workspace(environ: Mapping[str, str]) -> str:
    """The folder snapshots must be inside: GitHub's workspace, else the current one."""
    return os.path.realpath(environ.get("GITHUB_WORKSPACE") or os.getcwd())


def check_inside(name: str, path: str, environ: Mapping[str, str]) -> None:
    """``path`` (a snapshot file or folder) as written: its real place inside the
    workspace, and not itself a symbolic link."""
    if os.path.islink(path):
        raise InputError(name, f"'{path}' is a symbolic link: a snapshot is a plain file")
    real, folder = os.path.realpath(path), workspace(environ)
    if real != folder and not real.startswith(folder.rstrip("/") + "/"):
        raise InputError(
            name, f"'{path}' is outside the workspace ({folder}): keep snapshots in the repository"
        )


def load_snapshot(path: str, *, update: bool, environ: Mapping[str, str]) -> Snapshot:
    """The snapshot input checked, and its file read unless this run records it."""
    check_inside("snapshot", path, environ)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise InputError("snapshot", f"cannot read '{path}': {error.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise InputError(
            "snapshot",
            f"'{path}' is a folder: one invoke's snapshot is a file (a suite's is a folder, "
            "given in its defaults or the run's inputs)",
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError("snapshot", f"'{path}' is not a regular file (a FIFO, device or socket)")
    if update:
        _check_folder("snapshot", os.path.dirname(path) or ".", environ)
        return Snapshot(path, recording=True)
    if mode is None:
        if in_ci(environ):
            raise InputError(
                "snapshot",
                f"'{path}' does not exist (in CI a missing snapshot fails, it is not "
                "recorded): record it with update-snapshots: true (on the command line "
                "--update-snapshots), review the file and commit it",
            )
        _check_folder("snapshot", os.path.dirname(path) or ".", environ)
        return Snapshot(path, recording=True)
    return _parsed(path, read_file("snapshot", path))


def _check_folder(name: str, folder: str, environ: Mapping[str, str]) -> None:
    """The folder a snapshot is recorded into: inside the workspace; made when it is
    missing (so its parents' real places are what is checked)."""
    check_inside(name, folder, environ)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise InputError(name, f"'{folder}' is not a folder")


def _parsed(path: str, data: bytes) -> Snapshot:
    """A snapshot file's document validated into the answer it records."""

    def refuse(problem: str) -> InputError:
        return InputError("snapshot", f"'{path}' is not a snapshot: {problem}")

    try:
        document = parse_json(data)
    except Refused as error:
        raise refuse(str(error)) from None
    except ValueError as error:
        raise refuse(f"not JSON ({json_problem(error)})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise refuse(f'its first field must be "format": "{FORMAT}"')
    unknown = sorted(set(document) - set(FIELDS))
    if unknown:
        raise refuse(f"unknown field '{unknown[0]}' (expected {', '.join(FIELDS)})")
    missing = [field for field in FIELDS if field not in document]
    if missing:
        raise refuse(f"field '{missing[0]}' is missing")
    status, failure, kind = (
        document[k] for k in ("status-code", "function-error", "payload-format")
    )
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise refuse("status-code must be a number or null")
    if failure is not None and not isinstance(failure, str):
        raise refuse("function-error must be text or null")
    if kind not in ("json", "text"):
        raise refuse("payload-format must be json or text")
    if kind == "text" and not isinstance(document["payload"], (str, type(None))):
        raise refuse("a text payload must be a string (or null: it is all noise)")
    noise = document["noise"]
    if not isinstance(noise, list) or not all(_pointer(item) for item in noise):
        raise refuse("noise must be a list of JSON pointers (/body/at)")
    if len(noise) > MAX_NOISE:
        raise refuse(f"noise names {len(noise)} places; at most {MAX_NOISE}")
    return Snapshot(path, False, status, failure, document["payload"], kind == "json", tuple(noise))


def _pointer(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or value.startswith("/"))


def record(
    status_code: int | None,
    function_error: str | None,
    payload: Any,
    *,
    is_json: bool,
    noise: Sequence[str],
) -> bytes:
    """The file of a snapshot: an answer (its payload as JSON, proxy body decoded, or its
    text) with the places where two answers to the event differed (``noise``) left out,
    keys sorted, two-space indented (a pull request's diff reads it)."""
    if "" in noise:  # the whole payload differed: nothing of it is kept
        payload = None
    elif is_json and noise:
        payload = copy.deepcopy(payload)  # (the answer itself stays as it came)
        for pointer in noise:
            payload = _without(payload, pointer)
    document = {
        "format": FORMAT,
        "status-code": status_code,
        "function-error": function_error,
        "payload-format": "json" if is_json else "text",
        "payload": _sorted(payload),  # (the file's own fields keep their reading order)
        "noise": list(noise[:MAX_NOISE]),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False)
    data = (text + "\n").encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise LambdaInvokeError(
            f"invoked, but the snapshot is {len(data)} bytes; at most {MAX_FILE_BYTES} "
            "(a snapshot is read back by the bounded reader)"
        )
    return data


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _without(document: Any, pointer: str) -> Any:
    """``document`` without the value at ``pointer``: a mapping's key is taken out, a
    list's element becomes null (the elements after it keep their places)."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    parent = document
    for token in tokens[:-1]:
        if isinstance(parent, dict) and token in parent:
            parent = parent[token]
        elif isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
            parent = parent[int(token)]
        else:
            return document
    last = tokens[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        parent[int(last)] = None
    return document


def case_file(name: str) -> str:
    """A suite case's snapshot file name: its name with anything but letters, digits, dot,
    dash and underscore made a dash, at most MAX_NAME_CHARS characters, then .json."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "case"
    return slug[:MAX_NAME_CHARS] + ".json"


def write_snapshot(path: str, data: bytes, runner: RunnerLayout | None) -> None:
    """The recorded file, its folders made when missing; never through a symbolic link
    (O_NOFOLLOW: one put there since the run's check is refused). In the runner's Docker
    layout what was made belongs to the workspace's owner (we run as root; the next step,
    and the developer's checkout, must be able to change it)."""
    made: list[str] = []
    folder = os.path.dirname(path)
    while folder and not os.path.exists(folder):
        made.insert(0, folder)
        folder = os.path.dirname(folder)
    try:
        for folder in made:
            os.makedirs(folder, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(path, flags, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise LambdaInvokeError(
            f"invoked, but cannot write the snapshot '{path}': {error.strerror}"
        ) from None
    if runner is not None:
        for made_path in (*made, path):
            runner.give_to_workspace_owner(made_path)
