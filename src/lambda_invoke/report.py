"""How a suite's rows are rendered: the final line, the ``results`` output, the job
summary and the JUnit file. A run of the whole suite and a merge of its shards both render
through here, from the same rows (rows.Row), so they render the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from lambda_invoke.rows import JUNIT_PAYLOAD, RESULTS_OUTPUT_LIMIT, Row


def counts(rows: Sequence[Row]) -> tuple[int, int, int]:
    """Passed, failed, not run."""
    passed = sum(1 for row in rows if row.status == "passed")
    failed = sum(1 for row in rows if row.status == "failed")
    return passed, failed, len(rows) - passed - failed


def final_line(rows: Sequence[Row]) -> str:
    passed, failed, skipped = counts(rows)
    line = f"{passed} passed, {failed} failed"
    return line + (f", {skipped} not run (fail-fast)" if skipped else "")


def results_json(rows: Sequence[Row], *, payloads: bool = True) -> tuple[str, bool]:
    """The ``results`` output, and whether it holds the payloads: they are left out when
    it would be larger than RESULTS_OUTPUT_LIMIT (or ``payloads`` is false: a shard left
    them out)."""
    if payloads:
        text = json.dumps([row.output() for row in rows], ensure_ascii=False, default=str)
        if len(text.encode()) <= RESULTS_OUTPUT_LIMIT:
            return text, True
    lean = [row.output(with_payload=False) for row in rows]
    return json.dumps(lean, ensure_ascii=False, default=str), False


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
            details = list(row.problems)
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


def xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters: drop them (payloads are untrusted)."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def _console_cell(row: Row) -> str:
    """The case's log (and trace) in the console: our links, from checked parts."""
    from lambda_invoke.links import console_links

    if row.region is None:
        return ""
    links = console_links(
        region=row.region,
        function=row.function.rsplit(":function:", 1)[-1].split(":")[0],
        request_id=row.request_id,
        trace_id=row.trace_id,
    )
    return " · ".join(f"[{name}]({url})" for name, url in links.items())


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:g} ms"


def summary_markdown(rows: Sequence[Row]) -> str:
    from lambda_invoke.github import markdown_cell as cell

    lines = [
        f"### Lambda smoke suite: {final_line(rows)}",
        "",
        "| Case | Function | Status | Duration | Billed | Assertions | Result | Console |",
        "|---|---|---|---|---|---|---|---|",
    ]
    marks = {"passed": "✅ pass", "failed": "❌ fail", "skipped": "⏭ skipped"}
    for row in rows:
        status = "" if row.status_code is None else str(row.status_code)
        if row.function_error:
            status += f" ({row.function_error})"
        passed = sum(1 for check in row.assertions if check.get("passed") is True)
        cells = [
            cell(row.name),
            cell(row.function),
            cell(status),
            cell(_ms(row.duration_ms)),
            cell(_ms(row.billed_duration_ms)),
            f"{passed}/{len(row.assertions)}",
            marks[row.status] + (f": {cell(row.problems[0])}" if row.problems else ""),
            _console_cell(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n"
