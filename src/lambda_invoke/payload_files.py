"""The files a run writes for the next step: output-file, the spill folder for payloads
too large for outputs, and the paths the next step sees (GitHub's runner layout)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from lambda_invoke.errors import LambdaInvokeError

if TYPE_CHECKING:
    from lambda_invoke.runner import RunnerLayout

SPILL_DIRECTORY = ".lambda-invoke"


def make_spill_folder(runner: RunnerLayout | None) -> None:
    """The folder for payloads too large for outputs; it ignores itself (git status stays
    clean) and, in the runner's container, belongs to the workspace's owner."""
    try:
        os.makedirs(SPILL_DIRECTORY, exist_ok=True)
        ignore = os.path.join(SPILL_DIRECTORY, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# lambda-invoke: payloads too large for step outputs\n*\n")
    except OSError as error:
        raise LambdaInvokeError(
            f"invoked, but cannot make the folder '{SPILL_DIRECTORY}' for the payload: "
            f"{error.strerror}"
        ) from None
    if runner is not None:
        runner.give_to_workspace_owner(SPILL_DIRECTORY)
        runner.give_to_workspace_owner(ignore)


def spill_path(filename: str, runner: RunnerLayout | None) -> str:
    """A path in the spill folder (made when needed), for what does not fit into outputs."""
    make_spill_folder(runner)
    return os.path.join(SPILL_DIRECTORY, filename)


def write_payload(path: str, payload: bytes, runner: RunnerLayout | None = None) -> None:
    write_file(path, payload, runner, what="the payload to", invoked=True)


def write_file(
    path: str, data: bytes, runner: RunnerLayout | None, *, what: str, invoked: bool
) -> None:
    """Write a file the next step reads; a failure is one line naming ``what`` (the input,
    as ``junit-file``) and saying "invoked" only when something was."""
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        shown = for_host(path, runner)
        head = "invoked, but cannot" if invoked else "cannot"
        raise LambdaInvokeError(f"{head} write {what} '{shown}': {error.strerror}") from None
    if runner is not None:
        runner.give_to_workspace_owner(path)


@contextmanager
def streamed_file(path: str, runner: RunnerLayout | None, *, what: str) -> Iterator[IO[bytes]]:
    """A file written while the run goes on (the repeat-file), opened before anything is
    invoked: a failure to open it is one line naming ``what``."""
    try:
        handle = open(path, "wb")  # noqa: SIM115 (closed below, after the body)
    except OSError as error:
        shown = for_host(path, runner)
        raise LambdaInvokeError(f"cannot write {what} '{shown}': {error.strerror}") from None
    with handle:
        yield handle
    if runner is not None:
        runner.give_to_workspace_owner(path)


def for_host(path: str | None, runner: RunnerLayout | None) -> str | None:
    """``path`` as the next step sees it (unchanged outside the runner's container)."""
    return runner.for_host(path) if runner is not None and path else path


def spill_output(name: str, value: str, runner: RunnerLayout | None) -> str | None:
    """An output too large for GitHub's limit, in the spill folder: its path as the next
    step sees it, or None when it cannot be written (the warning then says so)."""
    try:
        path = spill_path(f"output-{name}-{os.getpid()}.txt", runner)
        write_file(path, value.encode("utf-8"), runner, what=f"outputs.{name}", invoked=False)
    except LambdaInvokeError:
        return None
    return for_host(path, runner)
