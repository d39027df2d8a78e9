"""GitHub Actions I/O: step outputs, annotations, log groups and the job summary.

Payloads and logs come from the function and are untrusted: they are written where
they cannot act as workflow commands (inside ``::stop-commands::``, or escaped) and
outputs use a random heredoc delimiter they cannot contain.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from lambda_invoke.redaction import Secrets

if TYPE_CHECKING:
    from lambda_invoke.assertions import CheckResult


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
        self.secrets = secrets or Secrets()
        self.annotations: dict[str, int] = {}  # kind -> annotations made
        self.unshown: dict[str, int] = {}  # kind -> lines past the limit, in the log only

    def add_mask(self, secret: str) -> None:
        """Ask the runner to hide ``secret`` from every later line; redact it here too."""
        if self.secrets.add(secret):
            self.stream.write(f"::add-mask::{escape_data(secret)}\n")
            self.stream.flush()

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
        self.stream.write(f"{head}::{escape_data(inert(redact(message)))}\n")
        self.stream.flush()

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
        """The last annotation of a kind says how many more are only in the log."""
        for kind, count in self.unshown.items():
            self.command(
                kind,
                f"{count} more {kind}s are in the log only (GitHub shows "
                f"{ANNOTATIONS_PER_KIND} a step)",
                title="lambda-invoke",
            )
        self.unshown = {}

    def line(self, text: str) -> None:
        """A plain log line; what it quotes (headers, values, messages) cannot act."""
        self.stream.write(f"{inert_line(self.secrets.redact(text))}\n")
        self.stream.flush()

    def untrusted_group(self, title: str, text: str) -> None:
        """A collapsible group whose lines cannot run workflow commands."""
        token = secrets.token_hex(16)
        text = self.secrets.redact(text)
        self.stream.write(f"::group::{escape_data(title)}\n::stop-commands::{token}\n")
        self.stream.write(text if text.endswith("\n") or not text else text + "\n")
        self.stream.write(f"::{token}::\n::endgroup::\n")
        self.stream.flush()

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


#: what GitHub turns into a link by itself (GFM's extended autolinks): a scheme's "://" and
#: "www."; a word joiner after the scheme or the "www" keeps untrusted text from linking
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp)(?=://)|\bwww(?=\.))")


def markdown_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell (no HTML, no pipes, one line, no link GitHub
    would make by itself from a bare URL in a payload)."""
    text = "" if value is None else str(value)
    text = html.escape(" ".join(text.split()), quote=False).replace("|", "&#124;")
    text = text.replace("`", "&#96;").replace("[", "&#91;").replace("*", "&#42;")
    return _AUTOLINK.sub("\\1\u2060", text)


def _with_unit(value: Any, unit: str) -> str:
    return "n/a" if value is None else f"{value} {unit}"


def repeat_markdown(
    document: Mapping[str, Any], series: Mapping[str, Any] | None = None
) -> list[str]:
    """repeat: the percentile table, Mermaid charts of it (GitHub renders Mermaid) and of
    the round trips by invocation (``series``, repeat.latency_series)."""
    quantiles = ("p50", "p90", "p95", "p99", "max")
    measures = ("duration-ms", "billed-duration-ms", "elapsed-ms")
    lines = [
        "",
        f"{document['invocations']} invocations: {document['function-errors']} function "
        f"errors, {document['cold-starts']} cold starts, {document['throttles']} throttles",
        "",
        "| ms | " + " | ".join(quantiles) + " |",
        "|---|" + "---|" * len(quantiles),
    ]
    for measure in measures:
        cells = [document.get(f"{measure}-{q}") for q in quantiles]
        lines.append(
            f"| {measure} | " + " | ".join("" if c is None else f"{c:g}" for c in cells) + " |"
        )
    for measure in ("elapsed-ms", "duration-ms"):
        values = [document.get(f"{measure}-{q}") for q in quantiles]
        if any(value is None for value in values):
            continue
        lines += [
            "",
            "```mermaid",
            "xychart-beta",
            f'    title "{measure} percentiles"',
            f"    x-axis [{', '.join(quantiles)}]",
            '    y-axis "ms"',
            f"    bar [{', '.join(f'{value:g}' for value in values)}]",
            "```",
        ]
    if series and series["values"]:
        size = series["size"]
        each = "each invocation" if size == 1 else f"the slowest of each {size}"
        lines += [
            "",
            "```mermaid",
            "xychart-beta",
            f'    title "elapsed-ms by invocation ({each})"',
            f'    x-axis "invocation" 1 --> {max(2, series["count"])}',
            '    y-axis "ms"',
            f"    line [{', '.join(f'{value:g}' for value in series['values'])}]",
            "```",
        ]
    return lines


def summary_markdown(
    function_name: str,
    document: Mapping[str, Any],
    checks: Sequence[CheckResult],
    links: Mapping[str, str] | None = None,
    series: Mapping[str, Any] | None = None,
) -> str:
    error = document["function-error"]
    outcome = f"function error: {error}" if error else "ok"
    rows = [
        ("Function", function_name),
        ("Executed version", document["executed-version"]),
        ("Status", f"{document['status-code']} ({outcome})"),
        ("Duration", _with_unit(document["duration-ms"], "ms")),
        ("Round trip (measured here)", _with_unit(document.get("elapsed-ms"), "ms")),
        ("Billed duration", _with_unit(document["billed-duration-ms"], "ms")),
        ("Max memory used", _with_unit(document["max-memory-used-mb"], "MB")),
        ("Request id", document["request-id"]),
    ]
    if document.get("error-details"):
        rows.append(("Error details", document["error-details"]))
    if document.get("stream-complete") is False:
        rows.append(("Stream", "incomplete: ended before Lambda's InvokeComplete"))
    if checks:
        passed = sum(1 for check in checks if check.passed)
        rows.append(("Assertions", f"{passed}/{len(checks)} passed"))
    lines = ["### Lambda invoke", "", "| | |", "|---|---|"]
    lines += [f"| {markdown_cell(name)} | {markdown_cell(value)} |" for name, value in rows]
    if links:  # our URLs, built from checked parts (links.console_links)
        shown = " · ".join(f"[{name}]({url})" for name, url in links.items())
        lines.append(f"| Console | {shown} |")
    if document.get("invocations"):
        lines += repeat_markdown(document, series)
    if checks:
        lines += ["", "| Check | Result |", "|---|---|"]
        for check in checks:
            mark = "✅ pass" if check.passed else "❌ fail"
            lines.append(f"| {markdown_cell(check.describe())} | {mark} |")
    logs = document.get("logs") or ""
    if logs:
        lines += [
            "",
            "<details><summary>Logs</summary>",
            "",
            f"<pre>{html.escape(logs)}</pre>",
            "",
            "</details>",
        ]
    return "\n".join(lines) + "\n\n"
