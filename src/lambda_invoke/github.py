"""GitHub Actions I/O: step outputs, annotations, log groups and the job summary.

Payloads and logs come from the function and are untrusted: they are written where
they cannot act as workflow commands (inside ``::stop-commands::``, or escaped) and
outputs use a random heredoc delimiter they cannot contain.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TextIO

from lambda_invoke.heldlines import HeldLines
from lambda_invoke.redaction import Secrets

if TYPE_CHECKING:
    pass


def inert(text: str) -> str:
    """Text that cannot act as a legacy workflow command: the runner acts on ``##[cmd]``
    anywhere in a line (actions/runner ActionCommand.TryParse)."""
    return text.replace("##[", "##\u2060[")


def inert_line(text: str) -> str:
    """One log line that cannot act as a workflow command of either form."""
    line = inert(" ".join(text.replace("\r", "\n").split("\n")))
    return "\u2060" + line if line.lstrip().startswith("::") else line


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (what the runner unescapes)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``title=...``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def heredoc_delimiter(value: str) -> str:
    """A delimiter that does not occur in ``value`` (random, and checked)."""
    while True:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        if delimiter not in value:
            return delimiter


#: GitHub's limits (docs: workflow commands, job summaries): a step's summary over 1024 KiB
#: is not uploaded at all; a job's outputs take about 1 MB; a step shows 10 annotations of
#: each kind (the rest vanish). Ours stay under them, with room for what wraps them.
SUMMARY_LIMIT = 1000 * 1024
OUTPUTS_LIMIT = 1000 * 1000
ANNOTATIONS_PER_KIND = 10


class GitHubActions:
    """Writes to the files and stream the runner reads, within GitHub's limits. Paths may
    be None (not set)."""

    def __init__(
        self,
        output_path: str | None,
        summary_path: str | None,
        stream: TextIO,
        secrets: Secrets | None = None,
        spill: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.output_path = output_path
        #: writes a value left out of the outputs to a file; its path as the next step sees
        #: it (None: it could not be written)
        self.spill = spill
        self.summary_path = summary_path
        self.stream = stream
        self.case_lines = HeldLines(stream)  # a suite's case lines (as ConsoleReporter's)
        self.secrets = secrets or Secrets()
        self.annotations: dict[str, int] = {}  # kind -> annotations made
        self.unshown: dict[str, int] = {}  # kind -> lines past the limit, in the log only

    def add_mask(self, secret: str) -> None:
        """Ask the runner to hide ``secret`` from every later line; redact it here too."""
        if self.secrets.add(secret):
            self._write(f"::add-mask::{escape_data(secret)}\n")

    def set_outputs(self, outputs: Mapping[str, str]) -> None:
        """The step's outputs, together under OUTPUTS_LIMIT: the largest are left out (with
        a warning each) until the rest fit."""
        if not self.output_path:
            return
        kept = dict(outputs)
        size = sum(len(name) + len(value.encode()) for name, value in kept.items())
        for name in sorted(kept, key=lambda key: len(kept[key]), reverse=True):
            if size <= OUTPUTS_LIMIT:
                break
            left_out = len(kept[name].encode())
            path = self.spill(name, kept[name]) if self.spill is not None else None
            where = f"it is in {path}" if path else "it is left out"
            self.warning(
                f"outputs.{name} ({left_out} bytes) is empty and {where}: the step's outputs "
                f"together would pass GitHub's limit of {OUTPUTS_LIMIT} bytes"
            )
            kept[name] = ""
            size -= left_out
        with open(self.output_path, "a", encoding="utf-8") as handle:
            for name, value in kept.items():
                delimiter = heredoc_delimiter(value)
                handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")

    def command(self, name: str, message: str, **properties: str) -> None:
        redact = self.secrets.redact
        props = ",".join(
            f"{key}={escape_property(redact(value))}" for key, value in properties.items()
        )
        head = f"::{name} {props}" if props else f"::{name}"
        self._write(f"{head}::{escape_data(inert(redact(message)))}\n")

    def error(self, message: str, title: str = "lambda-invoke") -> None:
        self.annotate("error", message, title)

    def warning(self, message: str, title: str = "lambda-invoke") -> None:
        self.annotate("warning", message, title)

    def annotate(self, kind: str, message: str, title: str) -> None:
        """An annotation while GitHub shows them (the last of each kind is kept for
        ``finish``'s count); past that a plain log line."""
        made = self.annotations.get(kind, 0)
        if made < ANNOTATIONS_PER_KIND - 1:
            self.annotations[kind] = made + 1
            self.command(kind, message, title=title)
            return
        self.unshown[kind] = self.unshown.get(kind, 0) + 1
        self.line(f"{kind} ({title}): {message}")

    def finish(self) -> None:
        """The held lines written; the last annotation of a kind says how many more are
        only in the log."""
        self.release()
        for kind, count in self.unshown.items():
            self.command(
                kind,
                f"{count} more {kind}s are in the log only (GitHub shows "
                f"{ANNOTATIONS_PER_KIND} a step)",
                title="lambda-invoke",
            )
        self.unshown = {}

    def line(self, text: str, *, held: bool = False) -> None:
        """A plain log line; what it quotes (headers, values, messages) cannot act.
        ``held``: written with the next batch (a suite's case line, heldlines)."""
        line = f"{inert_line(self.secrets.redact(text))}\n"
        if held:
            self.case_lines.hold(line)
        else:
            self._write(line)

    def release(self) -> None:
        """The held lines written now."""
        self.case_lines.release()

    def _write(self, text: str) -> None:
        """Whatever goes to the runner's log, after the lines held before it."""
        self.case_lines.release()
        self.stream.write(text)
        self.stream.flush()

    def untrusted_group(self, title: str, text: str) -> None:
        """A collapsible group whose lines cannot run workflow commands."""
        token = secrets.token_hex(16)
        text = self.secrets.redact(text)
        body = text if text.endswith("\n") or not text else text + "\n"
        self._write(
            f"::group::{escape_data(title)}\n::stop-commands::{token}\n{body}"
            f"::{token}::\n::endgroup::\n"
        )

    def append_summary(self, markdown: str) -> None:
        if not self.summary_path:
            return
        with open(self.summary_path, "a", encoding="utf-8") as handle:
            handle.write(within_summary_limit(self.secrets.redact(markdown)))


def within_summary_limit(markdown: str, limit: int = SUMMARY_LIMIT) -> str:
    """``markdown`` cut at a line so that it stays under ``limit`` bytes (GitHub uploads no
    summary over 1024 KiB), an open code fence or <pre> closed, and a line saying so."""
    size = len(markdown.encode())
    if size <= limit:
        return markdown
    kept: list[str] = []
    used = 0
    budget = limit - 1024  # room for the closing tags and the line
    for line in markdown.splitlines(keepends=True):
        used += len(line.encode())
        if used > budget:
            break
        kept.append(line)
    text = "".join(kept)
    if text.count("```") % 2:
        text += "\n```\n"
    if text.count("<pre>") > text.count("</pre>"):
        text += "</pre>\n\n</details>\n"
    return (
        f"{text}\n\n> The job summary was cut here: it was {size} bytes, over GitHub's limit "
        f"of {limit} bytes for a step's summary. Everything is in the job log and the "
        "step's files.\n\n"
    )
