"""compare-to: does the candidate answer like the version it replaces? Diffy's way: each
event goes to the candidate and twice to the baseline; what differs between the baseline's
own two answers is noise for that event (timestamps, ids, ordering), what differs between
the candidate's answer and the baseline's, and is not noise, is a regression. Pure: the
answers come in, differences and figures go out (the calls are dispatch's, the gates are
assertions on the outputs made here, the rendering is the reporters' and report's).

Everything compared comes from functions: untrusted, bounded (MAX_DIFFERENCES kept per
event, each value shown cut at SHOWN_CHARS), never evaluated.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lambda_invoke.assertions import decode_document
from lambda_invoke.repeat import figure, percentile
from lambda_invoke.rows import MAX_COMPARED, MAX_SAMPLES
from lambda_invoke.snapshots import Snapshot, record

if TYPE_CHECKING:
    from lambda_invoke.outcome import InvokeResult

#: differences kept for one event (the count goes on past it)
MAX_DIFFERENCES = 200
#: differences kept for a whole run (repeat, suite case): the rest are counted
MAX_KEPT = 1000
#: a value as the log shows it, at most this many characters
SHOWN_CHARS = 200
#: a value as the comparison output keeps it, at most this many characters of its JSON
KEPT_CHARS = 1000


class _Absent:
    """A value one side does not have (a key or an element only the other has)."""

    def __repr__(self) -> str:
        return "(absent)"


ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True)
class Difference:
    pointer: str  # RFC 6901 JSON pointer into the payload ("" the whole of it)
    baseline: Any  # ABSENT: the baseline has no value there
    candidate: Any
    noise: bool = False  # the baseline's own two answers differ there

    def to_dict(self) -> dict[str, Any]:
        """The difference as the reports hold it: an absent side has no key; a value whose
        JSON is longer than KEPT_CHARS is kept as the start of that text (``-cut``)."""
        document: dict[str, Any] = {"pointer": self.pointer, "noise": self.noise}
        for side in ("baseline", "candidate"):
            value = getattr(self, side)
            if value is ABSENT:
                continue
            text = json.dumps(value, ensure_ascii=False, default=str)
            if len(text) <= KEPT_CHARS:
                document[side] = value
            else:
                document[f"{side}-cut"] = text[:KEPT_CHARS]
        return document


def escape(key: str) -> str:
    """A mapping key as one JSON pointer token."""
    return key.replace("~", "~0").replace("/", "~1")


def _kind(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def differences(
    baseline: Any, candidate: Any, *, limit: int = MAX_DIFFERENCES
) -> tuple[list[tuple[str, Any, Any]], int]:
    """Where two JSON documents differ: (pointer, baseline value, candidate value) for the
    first ``limit`` places (in document order) and how many there are in all. Numbers
    compare as JSON numbers (1 and 1.0 are equal); a mapping's keys in any order."""
    found: list[tuple[str, Any, Any]] = []
    total = 0
    stack: list[tuple[str, Any, Any]] = [("", baseline, candidate)]
    while stack:
        pointer, old, new = stack.pop()
        if old is not ABSENT and new is not ABSENT and _kind(old) == _kind(new):
            if isinstance(old, dict):
                keys = [*old, *(key for key in new if key not in old)]
                stack.extend(
                    (f"{pointer}/{escape(str(key))}", old.get(key, ABSENT), new.get(key, ABSENT))
                    for key in reversed(keys)
                )
                continue
            if isinstance(old, list):
                longest = max(len(old), len(new))
                stack.extend(
                    (
                        f"{pointer}/{index}",
                        old[index] if index < len(old) else ABSENT,
                        new[index] if index < len(new) else ABSENT,
                    )
                    for index in reversed(range(longest))
                )
                continue
            if old == new:
                continue
        total += 1
        if len(found) < limit:
            found.append((pointer, old, new))
    return found, total


def _related(pointer: str, noisy: Iterable[str]) -> bool:
    """Whether ``pointer`` is a noisy place or inside one. (A place that holds noisy ones
    but differs in itself, as a body gone, is a regression.)"""
    return any(other in ("", pointer) or pointer.startswith(other + "/") for other in noisy)


@dataclass(frozen=True, slots=True)
class Answer:
    """What one call answered, as a comparison sees it."""

    status_code: int | None
    function_error: str | None
    document: Any  # the payload as JSON, proxy body decoded; the text when it is not JSON
    duration_ms: float | None
    elapsed_ms: float | None
    problem: str = ""  # the call failed (an AWS error): nothing else is known
    is_json: bool = True  # (False: document is the payload's text)


def answer_of(result: InvokeResult, ignore: Sequence[Any] = ()) -> Answer:
    """A result as compared: its payload decoded as assertions decode it, the
    ``compare-ignore`` paths taken out."""
    text = result.payload_text
    is_json, document, _ = decode_document(text) if text else (False, None, "")
    if is_json:
        for path in ignore:
            document = path.filter(lambda _value: True, document)
    return Answer(
        status_code=result.status_code,
        function_error=result.function_error or None,
        document=document if is_json else text,
        duration_ms=figure(result.report.duration_ms),
        elapsed_ms=result.elapsed_ms,
        is_json=is_json,
    )


def failed_answer(problem: str) -> Answer:
    return Answer(None, None, None, None, None, problem=problem)


@dataclass(frozen=True, slots=True)
class EventComparison:
    """One event: the candidate's answer against the baseline's two."""

    label: str  # the event: "invocation 3", a case's name
    differences: tuple[Difference, ...]  # regressions and noise, document order
    regressions: int  # differences that are not noise (all of them, kept or not)
    noise: tuple[str, ...]  # where the baseline's own answers differ
    status: tuple[int | None, int | None] | None  # (baseline, candidate) when they differ
    function_error: tuple[str | None, str | None] | None  # likewise
    new_function_error: bool  # the candidate errs where the baseline (both times) did not
    problem: str = ""  # a call failed: no comparison

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.status or self.function_error or self.problem)

    def diff_lines(self, limit: int = 20, baseline: str = "baseline") -> list[str]:
        return diff_lines(self, limit, baseline)


def compare(
    label: str,
    candidate: Answer,
    primary: Answer,
    secondary: Answer,
    known_noise: Sequence[str] = (),
) -> EventComparison:
    """The candidate against the baseline's first answer, noise learned from its second
    (and ``known_noise``: a snapshot's, learned when it was recorded)."""
    problem = next((a.problem for a in (candidate, primary, secondary) if a.problem), "")
    if problem:
        return EventComparison(label, (), 0, (), None, None, False, problem)
    noisy, _ = differences(primary.document, secondary.document, limit=MAX_DIFFERENCES)
    noise = (*known_noise, *(pointer for pointer, _, _ in noisy))
    found, total = differences(primary.document, candidate.document)
    shown = tuple(
        Difference(pointer, old, new, noise=_related(pointer, noise)) for pointer, old, new in found
    )
    regressions = sum(1 for difference in shown if not difference.noise) + (total - len(found))
    steady = primary.status_code == secondary.status_code
    status = (
        (primary.status_code, candidate.status_code)
        if steady and primary.status_code != candidate.status_code
        else None
    )
    errors_steady = primary.function_error == secondary.function_error
    function_error = (
        (primary.function_error, candidate.function_error)
        if errors_steady and primary.function_error != candidate.function_error
        else None
    )
    new_error = bool(
        candidate.function_error and not primary.function_error and not secondary.function_error
    )
    return EventComparison(
        label, shown, regressions, noise, status, function_error, new_error, problem
    )


#: events with something to show kept for the reports (the rest are counted)
MAX_SHOWN_EVENTS = 50


@dataclass
class Tally:
    """Every event's comparison of a run (a single invoke, each invocation of a repeat, or
    a suite case's) with ``against`` (the baseline, or a snapshot), and the latency of both
    sides side by side, sent together in one run. Bounded: the events with something to
    show are kept up to MAX_SHOWN_EVENTS, their differences up to MAX_KEPT; the rest are
    counted. Thread-safe (a repeat's workers). ``recording``: a snapshot to write instead
    (update-snapshots), nothing compared."""

    against: str = ""
    snapshot: bool = False  # against a snapshot (its noise learned when it was recorded)
    recording: bytes | None = None
    compared: int = 0
    regressions: int = 0
    changed: int = 0  # events whose status or function error changed, or a call failed
    new_function_errors: int = 0
    failed_events: int = 0
    kept: int = 0  # differences kept in ``shown``
    shown: list[EventComparison] = field(default_factory=list)
    noise: dict[str, None] = field(default_factory=dict)  # every noisy place, in order
    candidate_ms: dict[str, list[float]] = field(default_factory=dict)
    baseline_ms: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, event: EventComparison, candidate: Answer, *baseline: Answer) -> None:
        with self.lock:
            self.compared += 1
            self.regressions += event.regressions
            self.changed += bool(event.status or event.function_error or event.problem)
            self.new_function_errors += event.new_function_error
            self.failed_events += event.failed
            for pointer in event.noise[: max(0, MAX_DIFFERENCES - len(self.noise))]:
                self.noise[pointer] = None
            if event.failed and len(self.shown) < MAX_SHOWN_EVENTS:
                kept = event.differences[: max(0, MAX_KEPT - self.kept)]
                self.kept += len(kept)
                self.shown.append(_with(event, kept))
            for measure in ("duration_ms", "elapsed_ms"):
                self._sample(self.candidate_ms, measure, getattr(candidate, measure))
                for side in baseline:
                    self._sample(self.baseline_ms, measure, getattr(side, measure))

    def record(
        self,
        label: str,
        candidate: InvokeResult,
        baseline: Sequence[InvokeResult | str],
        ignore: Sequence[Any] = (),
    ) -> None:
        """One event: the candidate's result against the baseline's two (a text: that
        call failed, why), ``ignore``'s paths left out of all three."""
        sides = [
            failed_answer(side) if isinstance(side, str) else answer_of(side, ignore)
            for side in baseline
        ]
        answer = answer_of(candidate, ignore)
        self.add(compare(label, answer, sides[0], sides[1]), answer, *sides)

    def record_against_snapshot(
        self, label: str, candidate: InvokeResult, snapshot: Snapshot, ignore: Sequence[Any] = ()
    ) -> None:
        """One event: the candidate's result against a recorded snapshot (its noise known
        from the recording; it has no latency)."""
        answer = answer_of(candidate, ignore)
        recorded = Answer(
            snapshot.status_code, snapshot.function_error, snapshot.payload, None, None,
            is_json=snapshot.is_json,
        )  # fmt: skip
        self.add(compare(label, answer, recorded, recorded, snapshot.noise), answer)

    def keep_recording(
        self, first: InvokeResult, second: InvokeResult, ignore: Sequence[Any] = ()
    ) -> None:
        """update-snapshots: the snapshot of one event from two answers to it (what
        differs between them is noise, left out)."""
        answers = [answer_of(result, ignore) for result in (first, second)]
        noisy, _ = differences(answers[0].document, answers[1].document)
        noise = [pointer for pointer, _, _ in noisy]
        kept = answers[0]
        with self.lock:
            self.recording = record(
                kept.status_code, kept.function_error, kept.document,
                is_json=kept.is_json, noise=noise,
            )  # fmt: skip
            self.noise.update(dict.fromkeys(noise[:MAX_DIFFERENCES]))

    @staticmethod
    def _sample(into: dict[str, list[float]], measure: str, value: float | None) -> None:
        if value is not None:
            into.setdefault(measure, []).append(value)

    def detail_line(self, limit: int = 5) -> str:
        """The differences on one line (a suite case's problem, its JUnit failure): the
        first ``limit`` of them, each its pointer and both values."""
        parts: list[str] = []
        for event in self.shown:
            if event.problem:
                parts.append(event.problem)
            for name, change in (
                ("status-code", event.status),
                ("function-error", event.function_error),
            ):
                if change:
                    parts.append(f"{name} {shown(change[0])} -> {shown(change[1])}")
            parts += [
                f"{d.pointer or '(the payload)'} {shown(d.baseline)} -> {shown(d.candidate)}"
                for d in event.differences
                if not d.noise
            ]
        more = f" (and {len(parts) - limit} more)" if len(parts) > limit else ""
        return f"differences from {self.against}: {'; '.join(parts[:limit])}{more}"

    def case_document(self, limit: int = MAX_COMPARED) -> dict[str, Any] | None:
        """A suite case's comparison as its row keeps it (None: nothing was compared, a
        snapshot was recorded): the figures, the noise, the first ``limit`` events with
        differences, each with its first ``limit`` differences, and up to MAX_SAMPLES
        latency samples a side (the suite's chart pools them), so that a suite of many
        cases stays small."""
        if not self.compared:
            return None
        document = self.outputs()["comparison"]
        events = [
            {
                "event": event["event"],
                "differences": event["differences"][:limit],
                **{key: event[key] for key in ("status-code", "function-error", "problem")
                   if key in event},
            }
            for event in document["events"][:limit]
        ]  # fmt: skip
        keys = ("against", "snapshot", "differences", "new-function-errors")
        latency = {
            measure.replace("_", "-"): {
                "candidate": self.candidate_ms.get(measure, [])[:MAX_SAMPLES],
                "baseline": self.baseline_ms.get(measure, [])[:MAX_SAMPLES],
            }
            for measure in ("duration_ms", "elapsed_ms")
        }
        return {
            **{key: document[key] for key in keys},
            "noise": document["noise"][:limit],
            "events": events,
            "latency": latency,
        }

    @property
    def differences(self) -> int:
        """What the ``differences`` gate counts: regressions and changed events."""
        return self.regressions + self.changed

    def outputs(self) -> dict[str, Any]:
        """The comparison's outputs: the figures assertions gate on and the document."""
        latency = {
            measure.replace("_", "-"): {
                "candidate": _quantiles(self.candidate_ms.get(measure, [])),
                "baseline": _quantiles(self.baseline_ms.get(measure, [])),
            }
            for measure in ("duration_ms", "elapsed_ms")
        }
        ratios = {
            measure: _ratio(sides["candidate"]["p95"], sides["baseline"]["p95"])
            for measure, sides in latency.items()
        }
        document = {
            "against": self.against,
            "snapshot": self.snapshot,
            "verdict": "different" if self.differences else "same",
            "compared": self.compared,
            "differences": self.differences,
            "new-function-errors": self.new_function_errors,
            "noise": list(self.noise),
            "events": [_event_document(event) for event in self.shown],
            "events-not-shown": self.failed_events - len(self.shown),
            "latency": latency,
            "duration-ms-p95-ratio": ratios["duration-ms"],
            "elapsed-ms-p95-ratio": ratios["elapsed-ms"],
        }
        return {
            "differences": self.differences,
            "new-function-errors": self.new_function_errors,
            "duration-ms-p95-ratio": ratios["duration-ms"],
            "elapsed-ms-p95-ratio": ratios["elapsed-ms"],
            "comparison": document,
        }


def _with(event: EventComparison, kept: tuple[Difference, ...]) -> EventComparison:
    return EventComparison(
        event.label, kept, event.regressions, event.noise, event.status,
        event.function_error, event.new_function_error, event.problem,
    )  # fmt: skip


def _quantiles(values: Sequence[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    return {"p50": percentile(ordered, 50), "p95": percentile(ordered, 95), "n": len(ordered)}


def _ratio(candidate: Any, baseline: Any) -> float | None:
    if not isinstance(candidate, (int, float)) or not isinstance(baseline, (int, float)):
        return None
    if baseline <= 0:
        return None
    return round(candidate / baseline, 3)


def _event_document(event: EventComparison) -> dict[str, Any]:
    document: dict[str, Any] = {
        "event": event.label,
        "regressions": event.regressions,
        "differences": [difference.to_dict() for difference in event.differences],
        "noise": list(event.noise),
    }
    if event.status:
        document["status-code"] = {"baseline": event.status[0], "candidate": event.status[1]}
    if event.function_error:
        document["function-error"] = {
            "baseline": event.function_error[0],
            "candidate": event.function_error[1],
        }
    if event.problem:
        document["problem"] = event.problem
    return document


def shown(value: Any) -> str:
    """A value on one line, JSON, cut at SHOWN_CHARS (untrusted: never evaluated)."""
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def diff_lines(event: EventComparison, limit: int = 20, baseline: str = "baseline") -> list[str]:
    """The CLI's compact unified diff of one event: ``-`` the baseline (or the
    snapshot), ``+`` the candidate; the noise is not shown (the verdict line names where
    it was)."""
    lines = [f"--- {baseline} ({event.label})", f"+++ candidate ({event.label})"]
    if event.problem:
        return [*lines, f"! {event.problem}"]
    if event.status:
        lines += ["@@ status-code", f"-{event.status[0]}", f"+{event.status[1]}"]
    if event.function_error:
        old, new = event.function_error
        lines += ["@@ function-error", f"-{old or '(none)'}", f"+{new or '(none)'}"]
    regressions = [difference for difference in event.differences if not difference.noise]
    for difference in regressions[:limit]:
        lines.append(f"@@ {difference.pointer or '(the payload)'}")
        if difference.baseline is not ABSENT:
            lines.append(f"-{shown(difference.baseline)}")
        if difference.candidate is not ABSENT:
            lines.append(f"+{shown(difference.candidate)}")
    more = event.regressions - min(limit, len(regressions))
    if more > 0:
        lines.append(f"... and {more} more differences (outputs.comparison)")
    return lines
