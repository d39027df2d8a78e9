"""``lambda-invoke merge FILE...``: the results documents of a suite's shards (a GitHub
Actions matrix of ``shard: I/N`` jobs) as one report: the final line, the outputs, the job
summary, a JUnit file and the exit code, as one run of the whole suite would give them.

Refused (exit 2, nothing merged): shards of different suite versions, a shard missing or
given twice, a file that is not a results document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lambda_invoke.errors import InputError
from lambda_invoke.loading import parse_json, read_file

#: at most this many files are merged (a matrix has at most 256 jobs)
MAX_SHARD_FILES = 256


def expand_patterns(lines: Sequence[str]) -> list[str]:
    """The ``merge`` input's files: each line a path or a glob pattern (sorted matches)."""
    import glob

    paths: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if glob.has_magic(line):
            matches = sorted(glob.glob(line))
            if not matches:
                raise InputError("merge", f"'{line}' matches no file")
            paths += matches
        else:
            paths.append(line)
        if len(paths) > MAX_SHARD_FILES:
            raise InputError("merge", f"more than {MAX_SHARD_FILES} files to merge")
    if not paths:
        raise InputError("merge", "give the shards' results files")
    return paths


def load_shards(paths: Sequence[str]) -> tuple[list[dict[str, Any]], float]:
    """Every case's row in the suite's order, and the longest shard's seconds."""
    if not paths:
        raise InputError("merge", "give the shards' results files: lambda-invoke merge FILE...")
    documents = []
    for path in paths:
        try:
            document = parse_json(read_file("merge", path))
        except ValueError as error:
            raise InputError("merge", f"'{path}' is not a results document: {error}") from None
        if not isinstance(document, dict) or not {"suite", "shard", "results"} <= set(document):
            raise InputError("merge", f"'{path}' is not a results document (results-file)")
        documents.append((path, document))
    first_path, first = documents[0]
    for path, document in documents[1:]:
        if document["suite"] != first["suite"]:
            raise InputError(
                "merge",
                f"'{path}' and '{first_path}' are shards of different suite versions "
                f"({document['suite']} and {first['suite']})",
            )
    _check_shards([(path, str(document["shard"])) for path, document in documents])
    rows = sorted(
        (row for _, document in documents for row in document["results"]),
        key=lambda row: int(row.get("index", 0)),
    )
    seconds = max(float(document.get("seconds", 0)) for _, document in documents)
    return rows, seconds


def _check_shards(shards: list[tuple[str, str]]) -> None:
    counts = {shard.split("/")[1] for _, shard in shards}
    if len(counts) != 1:
        raise InputError("merge", f"shards of different counts: {', '.join(sorted(counts))}")
    total = int(counts.pop())
    seen: dict[str, str] = {}
    for path, shard in shards:
        if shard in seen:
            raise InputError("merge", f"shard {shard} is given twice ({seen[shard]}, {path})")
        seen[shard] = path
    missing = [f"{i}/{total}" for i in range(1, total + 1) if f"{i}/{total}" not in seen]
    if missing:
        raise InputError("merge", f"shard {', '.join(missing)} is missing")


def counts(rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    passed = sum(1 for row in rows if row.get("status") == "passed")
    failed = sum(1 for row in rows if row.get("status") == "failed")
    return passed, failed


def summary_markdown(rows: Sequence[dict[str, Any]]) -> str:
    from lambda_invoke.github import markdown_cell as cell

    passed, failed = counts(rows)
    lines = [
        f"### Lambda smoke suite (merged shards): {passed} passed, {failed} failed",
        "",
        "| Case | Function | Status | Duration | Result |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        mark = {"passed": "✅ pass", "failed": "❌ fail"}.get(row.get("status", ""), "⏭ skipped")
        problems = row.get("problems") or []
        duration = row.get("duration-ms")
        lines.append(
            f"| {cell(row.get('name'))} | {cell(row.get('function'))} | "
            f"{cell(row.get('status-code'))} | {'' if duration is None else f'{duration:g} ms'} | "
            f"{mark}{': ' + cell(problems[0]) if problems else ''} |"
        )
    return "\n".join(lines) + "\n\n"


def junit_xml(rows: Sequence[dict[str, Any]], seconds: float) -> str:
    from xml.etree import ElementTree

    passed, failed = counts(rows)
    suites = ElementTree.Element("testsuites")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name="lambda-invoke",
        tests=str(len(rows)),
        failures=str(failed),
        errors="0",
        skipped=str(len(rows) - passed - failed),
        time=f"{seconds:.3f}",
    )
    for row in rows:
        case = ElementTree.SubElement(
            suite, "testcase", name=str(row.get("name")), classname=str(row.get("function"))
        )
        if row.get("status") == "failed":
            failure = ElementTree.SubElement(case, "failure", message="; ".join(row["problems"]))
            failure.text = json.dumps(row.get("assertions", []), indent=1)
        elif row.get("status") != "passed":
            ElementTree.SubElement(case, "skipped")
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True)
