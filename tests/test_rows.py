"""A shard's results document is an artifact of another job: every malformed field is an
input error naming the file and the field (exit 2), never an unexpected error."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lambda_invoke.errors import InputError
from lambda_invoke.rows import (
    PackedRows,
    Row,
    merged_rows,
    parse_shard_document,
    rows_with_status,
    shard_document,
    statuses,
)

ROW: dict[str, Any] = {
    "name": "a", "function": "fn", "status": "passed", "status-code": 200,
    "function-error": None, "duration-ms": 1.5, "billed-duration-ms": 2, "elapsed-ms": 3.25,
    "request-id": "r", "assertions": [], "problems": [], "payload": "{}", "index": 0,
    "seconds": 0.1, "logs": None, "region": None, "trace-id": None,
}  # fmt: skip
DOCUMENT: dict[str, Any] = {
    "suite": "0123456789abcdef", "shard": "1/1", "cases": 1, "seconds": 0.5,
    "with-payloads": True, "results": [ROW],
}  # fmt: skip


def changed(path: tuple[Any, ...], value: Any) -> Any:
    document = copy.deepcopy(DOCUMENT)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


BAD = [
    ("a list", ["not", "a", "document"], "the document must be an object"),
    ("no suite", changed(("suite",), KeyError), "field 'suite' must be text"),
    ("shard a/b", changed(("shard",), "a/b"), "field 'shard' must be I/N"),
    ("shard 0/0", changed(("shard",), "0/0"), "field 'shard' must be I/N"),
    ("shard 2/1", changed(("shard",), "2/1"), "field 'shard' must be I/N"),
    ("shard 1/257", changed(("shard",), "1/257"), "field 'shard' must be I/N"),
    ("shard a number", changed(("shard",), 1), "field 'shard' must be text"),
    ("no cases", changed(("cases",), KeyError), "field 'cases' must be a whole number"),
    ("cases 0", changed(("cases",), 0), "field 'cases' must be a whole number from 1"),
    ("seconds text", changed(("seconds",), "1"), "field 'seconds' must be a number"),
    ("with-payloads text", changed(("with-payloads",), "yes"), "'with-payloads' must be true"),
    ("results text", changed(("results",), "all fine"), "field 'results' must be a list"),
    ("more rows than cases", changed(("results",), [ROW, ROW]), "2 rows for a suite of 1"),
    ("a row a number", changed(("results",), [7]), "row 1 must be an object"),
    ("problems a mapping", changed(("results", 0, "problems"), {"a": 1}), "'problems' must be"),
    ("problems of numbers", changed(("results", 0, "problems"), [1]), "'problems' must be"),
    ("assertions text", changed(("results", 0, "assertions"), "x"), "'assertions' must be"),
    ("status green", changed(("results", 0, "status"), "green"), "field 'status' must be one of"),
    ("status-code text", changed(("results", 0, "status-code"), "200"), "'status-code' must be"),
    ("status-code 1000", changed(("results", 0, "status-code"), 1000), "'status-code' must be"),
    ("duration text", changed(("results", 0, "duration-ms"), "fast"), "'duration-ms' must be"),
    ("duration negative", changed(("results", 0, "duration-ms"), -1), "'duration-ms' must be"),
    ("duration huge", changed(("results", 0, "duration-ms"), 1e300), "'duration-ms' must be"),
    ("index -1", changed(("results", 0, "index"), -1), "field 'index' must be a whole number"),
    ("index past cases", changed(("results", 0, "index"), 5), "field 'index' must be a whole"),
    ("index true", changed(("results", 0, "index"), True), "field 'index' must be a whole"),
    ("name a number", changed(("results", 0, "name"), 5), "field 'name' must be text"),
    ("name huge", changed(("results", 0, "name"), "n" * 2000), "'name' is over 1024"),
    ("payload a number", changed(("results", 0, "payload"), 5), "field 'payload' must be text"),
    ("logs a list", changed(("results", 0, "logs"), ["x"]), "field 'logs' must be text"),
    ("repeat a list", changed(("results", 0, "repeat"), [1]), "field 'repeat' must be an obj"),
    ("repeat figure text", changed(("results", 0, "repeat"), {"p": "x"}), "field 'p' must be"),
    ("failed, no problem", changed(("results", 0, "status"), "failed"), "a failed case without"),
]


@pytest.mark.parametrize(("document", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_malformed_shard_document_is_an_input_error(document: Any, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_shard_document("shard.json", document)
    line = str(raised.value)
    assert line.startswith("input 'merge': 'shard.json' is not a results document: ")
    assert message in line


def test_a_row_goes_through_its_shard_document_unchanged() -> None:
    row = Row(
        place=0, name="a", function="fn", status="failed", status_code=200,
        function_error="Unhandled", duration_ms=1.5, billed_duration_ms=2, elapsed_ms=3.25,
        request_id="r", assertions=({"path": "$.ok", "passed": False},),
        repeat={"invocations": 3, "duration-ms-p50": 1.0}, problems=("x",), payload='{"e": 1}',
        seconds=0.25, logs="START\nEND\n", region="eu-west-1", trace_id="Root=1-abc",
        comparison={"against": "fn:live", "snapshot": False, "differences": 2,
                    "new-function-errors": 1, "noise": ["/at"],
                    "events": [{"event": "the event",
                                "differences": [{"pointer": "/s", "noise": False,
                                                 "baseline": {"a": [1]}, "candidate-cut": "x"}],
                                "function-error": {"baseline": None, "candidate": "Unhandled"},
                                "problem": "p"}],
                    "latency": {"duration-ms": {"candidate": [1.5], "baseline": [1.0, 2]},
                                "elapsed-ms": {"candidate": [], "baseline": []}}},
    )  # fmt: skip
    document = shard_document([row], suite="s", shard=(1, 1), cases=1, seconds=0.25)
    read = parse_shard_document("p", document)
    rows, payloads = merged_rows([read])
    assert rows == [row] and payloads


def test_a_shard_over_the_payload_limit_keeps_only_a_function_errors_start() -> None:
    big = Row(
        place=0, name="big", function="fn", status="failed", status_code=200,
        function_error="Unhandled", duration_ms=None, billed_duration_ms=None, elapsed_ms=None,
        request_id=None, assertions=(), repeat=None, problems=("x",), payload="p" * 600_000,
    )  # fmt: skip
    fine = Row(
        place=1, name="fine", function="fn", status="passed", status_code=200,
        function_error=None, duration_ms=None, billed_duration_ms=None, elapsed_ms=None,
        request_id=None, assertions=(), repeat=None, problems=(), payload="{}",
    )  # fmt: skip
    document = shard_document([big, fine], suite="s", shard=(1, 1), cases=2, seconds=1)
    assert document["with-payloads"] is False
    assert [row["payload"] for row in document["results"]] == ["p" * 2000, None]


def test_packed_rows_read_back_as_they_were_put() -> None:
    """A suite keeps its rows packed (marshal); each reads back equal, in its place; a row
    marshal cannot hold is kept as it is; a place never filled says so."""
    row = Row(
        place=1, name="a", function="fn", status="failed", status_code=200,
        function_error="Unhandled", duration_ms=1.5, billed_duration_ms=2, elapsed_ms=3.25,
        request_id="r", assertions=({"path": "$.ok", "passed": False, "actual": [1, None]},),
        repeat={"invocations": 3, "duration-ms-p50": 1.0}, problems=("x",), payload='{"e": 1}',
        seconds=0.25, logs="START\nEND\n", region="eu-west-1", trace_id="Root=1-abc",
    )  # fmt: skip
    odd = row._replace(place=0, assertions=({"actual": object()},))
    rows = PackedRows(3)
    rows.put(1, row)
    rows.put(0, odd)
    assert rows[1] == row and rows[0] is odd and len(rows) == 3
    assert list(rows[:2]) == [odd, row]
    with pytest.raises(LookupError, match="row 3 is not there yet"):
        rows[2]


def test_statuses_and_rows_of_a_status_read_packed_rows_as_plain_ones() -> None:
    """Counts and the failed cases come from the statuses kept beside the packed rows:
    the same answers as from the rows themselves, in order, only those rows unpacked."""
    fields = dict(function="fn", status_code=200, function_error=None, duration_ms=1.5,
                  billed_duration_ms=2, elapsed_ms=3.25, request_id="r", assertions=(),
                  repeat=None, problems=(), payload="{}")  # fmt: skip
    plain = [
        Row(place=n, name=f"c{n}", status=status, **fields)
        for n, status in enumerate(["passed", "failed", "skipped", "failed"])
    ]
    packed = PackedRows(len(plain))
    for n, row in enumerate(plain):
        packed.put(n, row)
    for rows in (plain, packed):
        assert statuses(rows) == ["passed", "failed", "skipped", "failed"]
        assert [row.name for row in rows_with_status(rows, "failed")] == ["c1", "c3"]
    assert list(rows_with_status(packed, "failed")) == [plain[1], plain[3]]
