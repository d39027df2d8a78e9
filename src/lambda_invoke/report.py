"""How results are rendered: a suite's rows (the final line, the ``results`` output, the
job summary and the JUnit file) and a single invocation's job summary. A run of the whole
suite and a merge of its shards both render through here, from the same rows (rows.Row), so
they render the same.
"""

from __future__ import annotations

import collections
import html
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lambda_invoke.charts import QUANTILES, comparison_chart, percentile_chart, series_chart
from lambda_invoke.links import console_links
from lambda_invoke.outputs import NOISE_LEARNED
from lambda_invoke.repeat import percentile
from lambda_invoke.rows import JUNIT_PAYLOAD, RESULTS_OUTPUT_LIMIT, Row, statuses

if TYPE_CHECKING:
    from lambda_invoke.assertions import CheckResult


def counts(rows: Sequence[Row]) -> tuple[int, int, int]:
    """Passed, failed, not run."""
    tally = collections.Counter(statuses(rows))
    return tally["passed"], tally["failed"], len(rows) - tally["passed"] - tally["failed"]


def final_line(rows: Sequence[Row]) -> str:
    passed, failed, skipped = counts(rows)
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} not run (fail-fast)" if skipped else "")


def results_json(rows: Sequence[Row], *, payloads: bool = True) -> tuple[str, bool]:
    """The ``results`` output, and whether it holds the payloads: they are left out when
    it would be larger than RESULTS_OUTPUT_LIMIT (or ``payloads`` is false: a shard left
    them out). Built a row at a time (a list of every row's output as dicts first took
    3 KiB a case at the end of a suite)."""
    fits = sum(len(row.payload or "") for row in rows) <= RESULTS_OUTPUT_LIMIT  # (cheap)
    if payloads and fits:
        text = _json_list(rows, with_payload=True, limit=RESULTS_OUTPUT_LIMIT)
        if text is not None:
            return text, True
    return _json_list(rows, with_payload=False) or "[]", False


def _json_list(rows: Sequence[Row], *, with_payload: bool, limit: int = 0) -> str | None:
    """The rows' outputs as a JSON list (as ``json.dumps`` writes it); None as soon as it
    is over ``limit`` bytes (0: no limit). Written into one buffer a row at a time: its
    peak is about twice the text."""
    text = io.StringIO()
    size = 2  # the brackets
    for row in rows:
        part = json.dumps(row.output(with_payload=with_payload), ensure_ascii=False, default=str)
        if limit:
            size += len(part.encode()) + (2 if text.tell() else 0)  # and the ", " before it
            if size > limit:
                return None
        text.write(", " if text.tell() else "[")
        text.write(part)
    return (text.getvalue() or "[") + "]"


def junit_xml(rows: Sequence[Row], seconds: float, suite_name: str = "lambda-invoke") -> str:
    """A JUnit XML report: one testcase per case, failures with the details. Every text
    is made XML-safe (names, problems, payloads and logs are untrusted)."""
    from xml.etree import ElementTree

    _, failed, skipped = counts(rows)
    suites = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=suite_name,
        tests=str(len(rows)),
        failures=str(failed),
        errors="0",
        skipped=str(skipped),
        time=f"{seconds:.3f}",
    )
    for row in rows:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=xml_text(row.function),
            name=xml_text(row.name),
            time=f"{row.seconds:.3f}",
        )
        if row.status == "failed":
            failure = ElementTree.SubElement(
                case, "failure", message=xml_text(row.problems[0]), type="failure"
            )
            details = [*row.problems, *_difference_lines(row.comparison)]
            if row.function_error and row.payload is not None:
                details.append(f"payload: {row.payload[:JUNIT_PAYLOAD]}")
            failure.text = xml_text("\n".join(details))
        elif row.status == "skipped":
            ElementTree.SubElement(case, "skipped", message=xml_text(row.problems[0]))
        if row.logs:
            ElementTree.SubElement(case, "system-out").text = xml_text(row.logs)
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        suites, encoding="unicode"
    )


def _difference_lines(comparison: Mapping[str, Any] | None) -> list[str]:
    """A case's differences, one a line, for its JUnit failure (noise left out)."""
    if not comparison:
        return []
    lines = [f"differences from {comparison.get('against')}:"]
    for event in comparison.get("events") or []:
        for difference in event.get("differences") or []:
            if not difference.get("noise"):
                old, new = (
                    _side(difference, side, CELL_CHARS) for side in ("baseline", "candidate")
                )
                lines.append(f"  {difference.get('pointer') or '(the payload)'}: {old} -> {new}")
    return lines


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters: drop them (payloads are untrusted)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _console_markdown_cell(row: Row) -> str:
    """The case's log (and trace) in the console: our links, from checked parts."""

    if row.region is None:
        return ""
    links = console_links(
        region=row.region,
        function=row.function.rsplit(":function:", 1)[-1].split(":")[0],
        request_id=row.request_id,
        trace_id=row.trace_id,
        log_group=row.log_group,
    )
    return " · ".join(f"[{name}]({url})" for name, url in links.items())


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:g} ms"


#: the order a suite's summary lists its cases in: what needs a look first
_STATUS_ORDER = {"failed": 0, "skipped": 1, "passed": 2}


_MARKS = {"passed": "✅ pass", "failed": "❌ fail", "skipped": "⏭ skipped"}


def _case_cells(row: Row) -> list[str]:
    """A case's cells in the suite's summary (every text made safe for a table cell)."""
    status = "" if row.status_code is None else str(row.status_code)
    if row.function_error:
        status += f" ({row.function_error})"
    passed = sum(1 for check in row.assertions if check.get("passed") is True)
    problem = f": {markdown_cell(row.problems[0])}" if row.problems else ""
    return [
        markdown_cell(row.name),
        markdown_cell(row.function),
        markdown_cell(status),
        markdown_cell(_ms(row.duration_ms)),
        markdown_cell(_ms(row.billed_duration_ms)),
        f"{passed}/{len(row.assertions)}",
        _MARKS[row.status] + problem,
    ]


def summary_markdown(rows: Sequence[Row]) -> str:
    """A suite's job summary: the verdict in the heading, then every case, failures first
    (the file's order within each status); the Console column only when a case has links
    (an endpoint other than AWS's has no console)."""
    mark = "✅" if counts(rows)[0] == len(rows) else "❌"  # (a shard may hold no case)
    consoles = [_console_markdown_cell(row) for row in rows]
    heads = ["Case", "Function", "Status", "Duration", "Billed", "Assertions", "Result"]
    if any(consoles):
        heads.append("Console")
    lines = [
        f"### {mark} Lambda smoke suite: {final_line(rows)}",
        "",
        "| " + " | ".join(heads) + " |",
        "|" + "---|" * len(heads),
    ]
    order = sorted(range(len(rows)), key=lambda index: _STATUS_ORDER[rows[index].status])
    for index in order:
        cells = _case_cells(rows[index]) + ([consoles[index]] if any(consoles) else [])
        lines.append("| " + " | ".join(cells) + " |")
    lines += suite_comparison_markdown(rows)
    return "\n".join(lines) + "\n\n"


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
    if value is None:
        return "n/a"
    return f"{value:g} {unit}" if isinstance(value, float) else f"{value} {unit}"


def _verdict_heading(function_name: str, problems: Sequence[str], times: int = 1) -> str:
    """The heading: ✅/❌, the function (times N for a repeat) and what failed, if any."""
    what = f"{function_name} × {times}" if times > 1 else function_name
    if not problems:
        return f"### ✅ Lambda invoke: {markdown_cell(what)}"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"### ❌ Lambda invoke: {markdown_cell(what)}: {markdown_cell(problems[0])}{more}"


def _percentiles(document: Mapping[str, Any], measure: str) -> str:
    values = [document.get(f"{measure}-{q}") for q in ("p50", "p95", "max")]
    if all(value is None for value in values):
        return "n/a"
    shown = ["–" if v is None else f"{v:g}" for v in values]
    return f"p50 {shown[0]} · p95 {shown[1]} · max {shown[2]} ms"


def _headline(document: Mapping[str, Any], function_name: str) -> list[tuple[str, Any]]:
    """The headline table: a repeat's aggregates, or the one invocation's figures."""
    if document.get("invocations"):
        return [
            ("Function", f"{function_name} (version {document['executed-version']})"),
            (
                "Invocations",
                f"{document['invocations']}: {document['function-errors']} function errors, "
                f"{document['cold-starts']} cold starts, {document['throttles']} throttles",
            ),
            ("Round trip (measured here)", _percentiles(document, "elapsed-ms")),
            ("Duration (Lambda's REPORT)", _percentiles(document, "duration-ms")),
            ("Billed duration", _percentiles(document, "billed-duration-ms")),
        ]
    error = document["function-error"]
    outcome = f"function error: {error}" if error else "ok"
    rows: list[tuple[str, Any]] = [
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
    return rows


def repeat_markdown(
    document: Mapping[str, Any], series: Mapping[str, Any] | None = None
) -> list[str]:
    """repeat: the percentile table, one chart of it and the round trips by invocation."""
    lines = ["", "| ms | " + " | ".join(QUANTILES) + " |", "|---|" + "---|" * len(QUANTILES)]
    for measure in ("duration-ms", "billed-duration-ms", "elapsed-ms"):
        cells = [
            "" if c is None else f"{c:g}"
            for c in (document.get(f"{measure}-{q}") for q in QUANTILES)
        ]
        lines.append(f"| {measure} | " + " | ".join(cells) + " |")
    return lines + percentile_chart(document) + series_chart(series)


#: rows of a comparison's differences table in a job summary (the rest: outputs.comparison)
COMPARISON_ROWS = 100
#: a value in a summary's cell, at most this many characters of its JSON
CELL_CHARS = 200


def comparison_markdown(comparison: Mapping[str, Any]) -> list[str]:
    """compare-to or snapshot: the verdict line, each differing event's differences
    (pointer, both values, noise or regression) and the latency of both sides as one chart
    (a snapshot has no latency: no chart)."""
    snapshot = comparison.get("snapshot") is True
    different = comparison.get("differences") or 0
    verdict = "**different**" if different else "**answers alike**"
    noise = ", ".join(f"`{markdown_cell(p)}`" for p in comparison.get("noise") or [])
    lines = [
        "",
        f"#### Compared with {markdown_cell(comparison.get('against'))}",
        "",
        f"{verdict}: {different} differences in {comparison.get('compared')} events, "
        f"{comparison.get('new-function-errors')} new function errors"
        + (f"; noise ({NOISE_LEARNED[snapshot]}): {noise}" if noise else ""),
    ]
    lines += _differences_table(comparison, COMPARISON_ROWS)
    return lines + comparison_chart(comparison.get("latency") or {})


def _differences_table(comparison: Mapping[str, Any], most: int) -> list[str]:
    """The differences of each event (pointer, both values, noise or regression; the
    noise once, from the first event), at most ``most`` rows."""
    snapshot = comparison.get("snapshot") is True
    rows = []
    for number, event in enumerate(comparison.get("events") or []):
        label = markdown_cell(event.get("event"))
        if event.get("problem"):
            rows.append(f"| {label} | | {markdown_cell(event['problem'])} | | problem |")
        for name in ("status-code", "function-error"):
            if isinstance(event.get(name), Mapping):
                old, new = event[name].get("baseline"), event[name].get("candidate")
                rows.append(f"| {label} | {name} | {_shown(old)} | {_shown(new)} | regression |")
        for difference in event.get("differences") or []:
            if difference.get("noise") and number:  # the noise once: the first event's
                continue
            kind = "noise" if difference.get("noise") else "regression"
            old, new = (_side(difference, side, CELL_CHARS) for side in SIDES)
            if snapshot and kind == "noise" and old == "(absent)":
                old = "(noise: not recorded)"
            pointer = markdown_cell(difference.get("pointer") or "(the payload)")
            rows.append(f"| {label} | `{pointer}` | {old} | {new} | {kind} |")
    if not rows:
        return []
    side = "snapshot" if snapshot else "baseline"
    lines = ["", f"| event | where | {side} | candidate | |", "|---|---|---|---|---|"]
    lines += rows[:most]
    if len(rows) > most:
        lines.append(f"\n{len(rows) - most} more rows in outputs.comparison")
    return lines


def suite_comparison_markdown(rows: Sequence[Row], most: int = 20) -> list[str]:
    """compare-to or snapshot in a suite: a verdict line, the latency of both sides over
    every compared case as one chart, and each case whose answers differed with its
    differences table (at most ``most`` cases, each at most ``most`` rows: the rest are in
    the results output)."""
    compared = [row for row in rows if row.comparison]
    if not compared:
        return []
    differing = [row for row in compared if (row.comparison or {}).get("differences")]
    against = {str((row.comparison or {}).get("against")) for row in compared}
    errors = sum(int((row.comparison or {}).get("new-function-errors") or 0) for row in compared)
    verdict = "**different**" if differing else "**answers alike**"
    named = against.pop() if len(against) == 1 else "their baselines"
    lines = [
        "",
        f"#### Compared with {markdown_cell(named)}",
        "",
        f"{verdict}: {len(differing)} of {len(compared)} compared cases differ, "
        f"{errors} new function errors",
        *comparison_chart(_pooled_latency(compared)),
    ]
    for row in differing[:most]:
        comparison = row.comparison or {}
        lines += [
            "",
            f"#### {markdown_cell(row.name)}: {comparison.get('differences')} differences "
            f"from {markdown_cell(comparison.get('against'))}",
            *_differences_table(comparison, most),
        ]
    if len(differing) > most:
        lines += ["", f"{len(differing) - most} more cases differ: outputs.results"]
    return lines


def _pooled_latency(rows: Sequence[Row]) -> dict[str, Any]:
    """Each side's p50 and p95 over the latency samples of every compared case."""
    pooled: dict[str, Any] = {}
    for measure in ("duration-ms", "elapsed-ms"):
        pooled[measure] = {}
        for side in SIDES:
            samples = [value for row in rows for value in _samples(row, measure, side)]
            pooled[measure][side] = {"p50": percentile(samples, 50), "p95": percentile(samples, 95)}
    return pooled


def _samples(row: Row, measure: str, side: str) -> list[float]:
    """A case's latency samples of one side (a row's comparison holds them: rows._latency)."""
    latency = (row.comparison or {}).get("latency") or {}
    return list((latency.get(measure) or {}).get(side) or [])


#: the two sides of a difference, as the comparison document names them
SIDES = ("baseline", "candidate")


def _shown(value: Any, limit: int = CELL_CHARS, cell: Callable[[str], str] = markdown_cell) -> str:
    """A value as JSON in a cell (``cell``: made safe for it), cut at ``limit``
    characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return cell(text if len(text) <= limit else text[: limit - 3] + "...")


def _side(
    difference: Mapping[str, Any], side: str, limit: int, cell: Callable[[str], str] = markdown_cell
) -> str:
    """One side of a difference in a cell: its value, the start of a long one, or absent."""
    if side in difference:
        return _shown(difference[side], limit, cell)
    if f"{side}-cut" in difference:
        return cell(str(difference[f"{side}-cut"])[: limit - 3] + "...")
    return "(absent)"


def _problem_list(problems: Sequence[str]) -> list[str]:
    """Every problem, when there is more than the heading's one."""
    if len(problems) < 2:
        return []
    return [*(f"- {markdown_cell(problem)}" for problem in problems), ""]


def _console_row(links: Mapping[str, str] | None, *, first: bool) -> list[str]:
    """Our console links (links.console_links: built from checked parts)."""
    if not links:
        return []
    shown = " · ".join(f"[{name}]({url})" for name, url in links.items())
    return [f"| Console{' (first invocation)' if first else ''} | {shown} |"]


def _checks_table(checks: Sequence[CheckResult]) -> list[str]:
    """Every check, the failed ones first."""
    if not checks:
        return []
    lines = ["", "| Check | Result |", "|---|---|"]
    for check in sorted(checks, key=lambda check: check.passed):
        mark = "✅ pass" if check.passed else "❌ fail"
        lines.append(f"| {markdown_cell(check.describe())} | {mark} |")
    return lines


def _folded_log(logs: str, *, first: bool) -> list[str]:
    if not logs:
        return []
    title = "Log of the first invocation" if first else "Log"
    pre = f"<pre>{html.escape(logs)}</pre>"
    return ["", f"<details><summary>{title}</summary>", "", pre, "", "</details>"]


def invocation_markdown(
    function_name: str,
    document: Mapping[str, Any],
    checks: Sequence[CheckResult],
    *,
    links: Mapping[str, str] | None = None,
    series: Mapping[str, Any] | None = None,
    problems: Sequence[str] = (),
) -> str:
    """A single invocation's (or a repeat's) job summary: the verdict in the heading, the
    headline figures (a repeat's aggregates), the checks with failures first, the charts
    of a repeat, and the log folded away."""
    times = int(document.get("invocations") or 1)
    rows = _headline(document, function_name)
    if checks:
        rows.append(("Assertions", f"{sum(c.passed for c in checks)}/{len(checks)} passed"))
    lines = [_verdict_heading(function_name, problems, times), "", *_problem_list(problems)]
    table = [f"| {markdown_cell(name)} | {markdown_cell(value)} |" for name, value in rows]
    lines += [table[0], "|---|---|", *table[1:]]  # the function's row as the table's head
    lines += _console_row(links, first=times > 1)
    lines += _checks_table(checks)
    if times > 1:
        lines += repeat_markdown(document, series)
    if document.get("comparison"):
        lines += comparison_markdown(document["comparison"])
    lines += _folded_log(document.get("logs") or "", first=times > 1)
    return "\n".join(lines) + "\n\n"
