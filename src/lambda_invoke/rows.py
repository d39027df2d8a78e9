"""The one row shape: what a suite case's result reduces to, in a run of the whole suite,
in a shard's results file and in a merge of shards; and the results document of a shard,
read back as untrusted input (an artifact from another job) and validated field by field.

Every report of a suite (report.py) is rendered from rows, so a merge of shards renders
what one run renders: the same rows, the same columns, the same JUnit.
"""

from __future__ import annotations

import marshal
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from lambda_invoke.errors import InputError

STATUSES = ("passed", "failed", "skipped")
#: a suite has at most this many shards (a GitHub Actions matrix has at most 256 jobs)
MAX_SHARDS = 256
#: a shard document's texts: names and functions are short; a problem is one line
MAX_NAME = 1024
MAX_TEXT = 64 * 1024
#: what a shard's row keeps of a case's log (its end: the REPORT line is last)
LOGS_KEPT = 64 * 1024
#: results output: payloads are left out when the JSON would be larger than this (a shard's
#: document keeps them by the same rule, so a merge leaves them out when one run would)
RESULTS_OUTPUT_LIMIT = 512 * 1024
#: how much of a failed case's payload its JUnit failure quotes (a shard that leaves the
#: payloads out keeps this much of a function error's, so its JUnit is one run's)
JUNIT_PAYLOAD = 2000
#: the largest figure a row may hold (a day in ms is 8.64e7)
MAX_FIGURE = 1e12
_SHARD = re.compile(r"(\d{1,3})/(\d{1,3})")


class Row(NamedTuple):
    """One case's result. (A NamedTuple: a suite makes one a case and reads each again for
    every report; a frozen dataclass took 4 us to make, this 1.5, and it packs as a tuple.)"""

    place: int  # its index in the suite file (``index`` would hide tuple.index)
    name: str
    function: str
    status: str  # passed, failed, skipped
    status_code: int | None
    function_error: str | None
    duration_ms: float | None
    billed_duration_ms: float | None
    elapsed_ms: float | None
    request_id: str | None
    assertions: tuple[Mapping[str, Any], ...]
    repeat: Mapping[str, Any] | None  # repeat: N aggregates
    problems: tuple[str, ...]
    payload: str | None
    seconds: float = 0.0
    logs: str | None = None  # the end of the case's log
    region: str | None = None  # for the console links (None: not AWS's endpoint)
    log_group: str | None = None  # the group the log was read from (full-logs)
    trace_id: str | None = None
    #: compare-to, snapshot: the case's differences (comparison.Tally.case_document)
    comparison: Mapping[str, Any] | None = None

    def output(self, *, with_payload: bool = True) -> dict[str, Any]:
        """The row of the ``results`` output."""
        return {
            "name": self.name,
            "function": self.function,
            "status": self.status,
            "status-code": self.status_code,
            "function-error": self.function_error,
            "duration-ms": self.duration_ms,
            "billed-duration-ms": self.billed_duration_ms,
            "elapsed-ms": self.elapsed_ms,
            "request-id": self.request_id,
            "assertions": list(self.assertions),
            **({"repeat": dict(self.repeat)} if self.repeat else {}),
            "problems": list(self.problems),
            "payload": self.payload if with_payload else None,
            **({"comparison": dict(self.comparison)} if self.comparison else {}),
        }

    def shard_row(self, *, with_payload: bool) -> dict[str, Any]:
        """The row of a shard's results file: the output's row and what the reports need."""
        payload = self.payload
        if not with_payload:
            payload = payload[:JUNIT_PAYLOAD] if payload and self.function_error else None
        return {
            **self.output(),
            "payload": payload,
            "index": self.place,
            "seconds": round(self.seconds, 3),
            "logs": None if self.logs is None else self.logs[-LOGS_KEPT:],
            "region": self.region,
            "log-group": self.log_group,
            "trace-id": self.trace_id,
        }


class PackedRows(Sequence[Row]):
    """A suite's rows, each kept as one ``marshal`` string until it is read (every report
    reads them again): 0.2 KiB a case instead of 0.6 (a Row, its payload, request id and
    figures, each an object). The strings are made here, in this process, and read only
    here; a row marshal cannot hold (an odd mapping in its checks) is kept as it is."""

    def __init__(self, count: int) -> None:
        self._rows: list[bytes | Row | None] = [None] * count
        self._statuses: list[str] = [""] * count  # (counted and filtered without unpacking)

    def __len__(self) -> int:
        return len(self._rows)

    def put(self, index: int, row: Row) -> None:
        fields: tuple[Any, ...] = tuple(row)  # (marshal takes exactly a tuple)
        try:
            self._rows[index] = marshal.dumps(fields)
        except ValueError:  # (marshal: "unmarshallable object")
            self._rows[index] = row
        self._statuses[index] = row.status

    def statuses(self) -> list[str]:
        return list(self._statuses)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        return self._unpacked(index, self._rows[index])

    def __iter__(self) -> Iterator[Row]:
        for index, kept in enumerate(self._rows):
            yield self._unpacked(index, kept)

    @staticmethod
    def _unpacked(index: int, kept: bytes | Row | None) -> Row:
        if kept is None:
            raise LookupError(f"row {index + 1} is not there yet")
        return kept if isinstance(kept, Row) else Row(*marshal.loads(kept))  # noqa: S302


def statuses(rows: Sequence[Row]) -> list[str]:
    """Each row's status, in order; packed rows are not unpacked for it (a report asks
    for the counts and the failed rows several times: 2,000 rows took 5 ms a pass)."""
    if isinstance(rows, PackedRows):
        return rows.statuses()
    return [row.status for row in rows]


def rows_with_status(rows: Sequence[Row], status: str) -> Iterator[Row]:
    """The rows of one status, in order, only those unpacked."""
    return (rows[index] for index, of in enumerate(statuses(rows)) if of == status)


def shard_document(
    rows: Sequence[Row], *, suite: str, shard: tuple[int, int], cases: int, seconds: float
) -> dict[str, Any]:
    """A shard's results document (``results-file``). Payloads are kept by the rule of
    the results output: all of them when the whole document stays under the limit."""
    document: dict[str, Any] = {
        "suite": suite,
        "shard": f"{shard[0]}/{shard[1]}",
        "cases": cases,
        "seconds": round(seconds, 3),
        "with-payloads": True,
        "results": [row.shard_row(with_payload=True) for row in rows],
    }
    size = sum(len(row.payload or "") for row in rows)
    if size > RESULTS_OUTPUT_LIMIT:
        document["with-payloads"] = False
        document["results"] = [row.shard_row(with_payload=False) for row in rows]
    return document


# -- a shard's results document, read back --------------------------------------------


@dataclass(frozen=True, slots=True)
class ShardDocument:
    path: str
    suite: str  # the suite text's digest
    shard: tuple[int, int]
    cases: int  # cases in the whole suite
    seconds: float
    rows: tuple[Row, ...]
    with_payloads: bool


class _Bad(ValueError):
    """A field that is not what a results document holds: the message names it."""


def parse_shard_document(path: str, document: Any) -> ShardDocument:
    """A shard's results document, every field checked; else an InputError (exit 2)
    naming the file and the field."""
    try:
        return _document(path, document)
    except _Bad as error:
        raise InputError("merge", f"'{path}' is not a results document: {error}") from None


def _document(path: str, document: Any) -> ShardDocument:
    top = _mapping(document, "the document")
    suite = _text(top, "suite", limit=64)
    shard_text = _text(top, "shard", limit=64)
    match = _SHARD.fullmatch(shard_text)
    if not match or not 1 <= int(match[1]) <= int(match[2]) <= MAX_SHARDS:
        raise _Bad(
            f"field 'shard' must be I/N with 1 <= I <= N <= {MAX_SHARDS}, got {shard_text!r}"
        )
    cases = _integer(top, "cases", 1, 10_000_000)
    seconds = _figure(top, "seconds", required=True) or 0.0
    with_payloads = _boolean(top, "with-payloads")
    results = top.get("results")
    if not isinstance(results, list):
        raise _Bad("field 'results' must be a list of rows")
    if len(results) > cases:
        raise _Bad(f"{len(results)} rows for a suite of {cases} cases")
    rows = tuple(_row(item, number, cases) for number, item in enumerate(results, start=1))
    return ShardDocument(
        path, suite, (int(match[1]), int(match[2])), cases, seconds, rows, with_payloads
    )


def _row(item: Any, number: int, cases: int) -> Row:
    where = f"row {number}"
    row = _mapping(item, where)
    try:
        status = _text(row, "status", limit=16)
        if status not in STATUSES:
            raise _Bad(f"field 'status' must be one of {', '.join(STATUSES)}, got {status!r}")
        assertions = _list_of(row, "assertions", dict, "objects")
        problems = _list_of(row, "problems", str, "texts")
        if status != "passed" and not problems:
            raise _Bad(f"a {status} case without problems")
        repeat = row.get("repeat")
        if repeat is not None:
            repeat = _repeat(_mapping(repeat, "field 'repeat'"))
        return Row(
            place=_integer(row, "index", 0, cases - 1),
            name=_text(row, "name", limit=MAX_NAME),
            function=_text(row, "function", limit=MAX_NAME),
            status=status,
            status_code=_optional_integer(row, "status-code"),
            function_error=_text(row, "function-error", limit=MAX_NAME, optional=True),
            duration_ms=_figure(row, "duration-ms"),
            billed_duration_ms=_figure(row, "billed-duration-ms"),
            elapsed_ms=_figure(row, "elapsed-ms"),
            request_id=_text(row, "request-id", limit=MAX_NAME, optional=True),
            assertions=tuple(assertions),
            repeat=repeat,
            problems=tuple(_cut(problem) for problem in problems),
            payload=_text(row, "payload", limit=None, optional=True),
            seconds=_figure(row, "seconds") or 0.0,
            logs=_text(row, "logs", limit=LOGS_KEPT, optional=True),
            region=_text(row, "region", limit=64, optional=True),
            log_group=_text(row, "log-group", limit=MAX_NAME, optional=True),
            trace_id=_text(row, "trace-id", limit=MAX_NAME, optional=True),
            comparison=_comparison(row.get("comparison")),
        )
    except _Bad as error:
        raise _Bad(f"{where}: {error}") from None


#: a case's comparison in a shard: events, differences of each and noise places kept
MAX_COMPARED = 20


def _comparison(value: Any) -> dict[str, Any] | None:
    """A case's comparison, as suite._execute keeps it: figures, noise and up to
    MAX_COMPARED events of up to MAX_COMPARED differences; the values are any JSON (shown
    cut, never evaluated)."""
    if value is None:
        return None
    top = _mapping(value, "field 'comparison'")
    try:
        events = _list_of(top, "events", dict, "objects")
        noise = _list_of(top, "noise", str, "texts")
        if len(events) > MAX_COMPARED or len(noise) > MAX_COMPARED:
            raise _Bad(f"over {MAX_COMPARED} events or noise places")
        return {
            "against": _text(top, "against", limit=MAX_NAME),
            "snapshot": _boolean(top, "snapshot"),
            "differences": _integer(top, "differences", 0, 10**12),
            "new-function-errors": _integer(top, "new-function-errors", 0, 10**12),
            "noise": [_cut(place) for place in noise],
            "events": [_compared_event(event) for event in events],
            "latency": _latency(top.get("latency")),
        }
    except _Bad as error:
        raise _Bad(f"field 'comparison': {error}") from None


#: latency samples a case's comparison keeps of each side and measure
MAX_SAMPLES = 50


def _latency(value: Any) -> dict[str, dict[str, list[float]]]:
    """A case's latency samples: duration-ms and elapsed-ms, candidate and baseline, each
    at most MAX_SAMPLES figures."""
    top = _mapping(value, "field 'latency'")
    latency: dict[str, dict[str, list[float]]] = {}
    for measure in ("duration-ms", "elapsed-ms"):
        sides = _mapping(top.get(measure), f"field '{measure}'")
        latency[measure] = {}
        for side in ("candidate", "baseline"):
            samples = sides.get(side)
            if not isinstance(samples, list) or len(samples) > MAX_SAMPLES:
                raise _Bad(f"field '{measure}.{side}' must be a list of at most {MAX_SAMPLES}")
            name = f"{measure}.{side}"
            latency[measure][side] = [
                _figure({name: item}, name, required=True) for item in samples
            ]
    return latency


def _compared_event(event: Mapping[str, Any]) -> dict[str, Any]:
    differences = _list_of(event, "differences", dict, "objects")
    if len(differences) > MAX_COMPARED:
        raise _Bad(f"an event with over {MAX_COMPARED} differences")
    kept: dict[str, Any] = {
        "event": _text(event, "event", limit=MAX_NAME),
        "differences": [_difference(item) for item in differences],
    }
    for name in ("status-code", "function-error"):
        if event.get(name) is not None:
            change = _mapping(event[name], f"field '{name}'")
            kept[name] = {side: change.get(side) for side in ("baseline", "candidate")}
    problem = _text(event, "problem", limit=MAX_TEXT, optional=True)
    if problem:
        kept["problem"] = problem
    return kept


def _difference(item: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {
        "pointer": _text(item, "pointer", limit=MAX_NAME),
        "noise": _boolean(item, "noise"),
    }
    for side in ("baseline", "candidate"):
        if side in item:
            kept[side] = item[side]
        elif f"{side}-cut" in item:
            kept[f"{side}-cut"] = _text(item, f"{side}-cut", limit=MAX_TEXT)
    return kept


def _list_of(row: Mapping[str, Any], key: str, kind: type, what: str) -> list[Any]:
    value = row.get(key)
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise _Bad(f"field '{key}' must be a list of {what}")
    return value


def _repeat(values: Mapping[str, Any]) -> dict[str, Any]:
    for key in values:
        if not isinstance(key, str) or len(key) > 64:
            raise _Bad("field 'repeat' has a key that is not a figure's name")
        _figure(values, key)
    return dict(values)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"{what} must be an object")
    return value


def _text(row: Mapping[str, Any], key: str, *, limit: int | None, optional: bool = False) -> Any:
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _Bad(f"field '{key}' must be text")
    if limit is not None and len(value) > limit:
        raise _Bad(f"field '{key}' is over {limit} characters")
    return value


def _integer(row: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = row.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Bad(f"field '{key}' must be a whole number from {low} to {high}")
    return value


def _optional_integer(row: Mapping[str, Any], key: str) -> int | None:
    return None if row.get(key) is None else _integer(row, key, 0, 999)


def _boolean(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    if not isinstance(value, bool):
        raise _Bad(f"field '{key}' must be true or false")
    return value


def _figure(row: Mapping[str, Any], key: str, *, required: bool = False) -> Any:
    value = row.get(key)
    if value is None and not required:
        return None
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or not 0 <= value <= MAX_FIGURE:  # type: ignore[arg-type, operator]
        raise _Bad(f"field '{key}' must be a number from 0 to {MAX_FIGURE:g}")
    return value


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."


def merged_rows(documents: Sequence[ShardDocument]) -> tuple[list[Row], bool]:
    """The rows of every shard in the suite's order, after checking that the shards are
    one suite's, each once, complete, and that each case came once. Also whether every
    shard kept its payloads (the rule one run applies to its results output)."""
    first = documents[0]
    for document in documents[1:]:
        if document.suite != first.suite or document.cases != first.cases:
            raise InputError(
                "merge",
                f"'{document.path}' and '{first.path}' are shards of different suite versions "
                f"({document.suite}, {document.cases} cases and {first.suite}, "
                f"{first.cases} cases)",
            )
    _check_every_shard_once(documents)
    rows = _rows_once(documents)
    if len(rows) != first.cases:
        raise InputError(
            "merge",
            f"the shards hold {len(rows)} of the suite's {first.cases} cases: a shard file is "
            "not the whole results of its shard",
        )
    ordered = [rows[index] for index in sorted(rows)]
    return ordered, all(document.with_payloads for document in documents)


def _check_every_shard_once(documents: Sequence[ShardDocument]) -> None:
    """The shards are of one count, and each of them is here once."""
    counts = sorted({document.shard[1] for document in documents})
    if len(counts) != 1:
        raise InputError(
            "merge", f"shards of different counts: {', '.join(f'I/{n}' for n in counts)}"
        )
    total = counts[0]
    seen: dict[int, str] = {}
    for document in documents:
        index = document.shard[0]
        if index in seen:
            raise InputError(
                "merge", f"shard {index}/{total} is given twice ({seen[index]}, {document.path})"
            )
        seen[index] = document.path
    missing = [f"{i}/{total}" for i in range(1, total + 1) if i not in seen]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise InputError("merge", f"shard {', '.join(missing[:5])}{more} is missing")


def _rows_once(documents: Sequence[ShardDocument]) -> dict[int, Row]:
    """Every shard's rows by index; a case (by index or name) in two files is refused."""
    rows: dict[int, Row] = {}
    where: dict[object, str] = {}  # a case's index and name -> the file that holds it
    for document in documents:
        for row in document.rows:
            for key in (row.place, row.name):
                if key in where:
                    raise InputError(
                        "merge",
                        f"case {row.name!r} is in both '{where[key]}' and '{document.path}': "
                        "a case runs in one shard only",
                    )
                where[key] = document.path
            rows[row.place] = row
    return rows
