"""compare-to's and snapshot's comparison, without calls: differences as JSON pointers,
noise learned from the baseline's own two answers (or a snapshot's recording), the
gates' figures, the CLI's diff, a snapshot's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lambda_invoke.comparison import (
    ABSENT,
    MAX_KEPT,
    MAX_SHOWN_EVENTS,
    Answer,
    Tally,
    compare,
    diff_lines,
    differences,
    failed_answer,
)
from lambda_invoke.errors import LambdaInvokeError


def answer(document: object, *, error: str | None = None, ms: float = 10.0) -> Answer:
    return Answer(200, error, document, ms, ms + 5)


def test_differences_are_json_pointers_in_document_order() -> None:
    baseline = {"a": 1, "b/c": {"d": [1, 2]}, "gone": True, "same": "x"}
    candidate = {"a": 1.0, "b/c": {"d": [1, 3, 4]}, "same": "x", "new": None}
    found, total = differences(baseline, candidate)
    assert found == [
        ("/b~1c/d/1", 2, 3),
        ("/b~1c/d/2", ABSENT, 4),
        ("/gone", True, ABSENT),
        ("/new", ABSENT, None),
    ]
    assert total == 4


@pytest.mark.parametrize(
    ("old", "new"), [(1, True), (0, False), (None, False), ("1", 1), ([], {}), ({"a": 1}, [1])]
)
def test_a_change_of_kind_is_a_difference(old: object, new: object) -> None:
    assert differences({"x": old}, {"x": new})[0] == [("/x", old, new)]


def test_the_differences_kept_are_bounded_and_all_counted() -> None:
    found, total = differences(list(range(5000)), [n + 1 for n in range(5000)], limit=10)
    assert len(found) == 10 and total == 5000


def test_noise_is_learned_from_the_baseline_and_not_a_regression() -> None:
    """A field the baseline's two answers disagree on (a timestamp) is noise; a renamed
    status is a regression; a body gone is a regression though fields in it are noisy."""
    primary = answer({"body": {"status": "ok", "at": 1.0}})
    secondary = answer({"body": {"status": "ok", "at": 2.0}})
    renamed = compare("e", answer({"body": {"status": "OK", "at": 3.0}}), primary, secondary)
    assert renamed.noise == ("/body/at",)
    assert [(d.pointer, d.noise) for d in renamed.differences] == [
        ("/body/status", False),
        ("/body/at", True),
    ]
    assert renamed.regressions == 1 and renamed.failed
    same = compare("e", answer({"body": {"status": "ok", "at": 9.0}}), primary, secondary)
    assert same.regressions == 0 and not same.failed
    gone = compare("e", answer({"statusCode": 500}), primary, secondary)
    assert gone.regressions == 2  # /body gone, /statusCode new


def test_a_new_function_error_and_a_status_change_are_reported() -> None:
    primary, secondary = answer({"ok": True}), answer({"ok": True})
    crashed = compare("e", answer({"errorType": "X"}, error="Unhandled"), primary, secondary)
    assert crashed.new_function_error and crashed.function_error == (None, "Unhandled")
    flaky = answer({"ok": True}, error="Unhandled")  # the baseline errs one time in two
    steady = compare("e", answer({"ok": True}, error="Unhandled"), primary, flaky)
    assert not steady.new_function_error and steady.function_error is None


def test_a_failed_baseline_call_is_the_events_problem() -> None:
    event = compare("e", answer({}), failed_answer("the baseline f:live: throttled"), answer({}))
    assert event.problem == "the baseline f:live: throttled" and event.failed
    tally = Tally(against="f:live")
    tally.add(event, answer({}))
    assert tally.differences == 1
    assert tally.outputs()["comparison"]["events"][0]["problem"] == event.problem


def test_the_tally_gives_the_gates_figures() -> None:
    tally = Tally(against="f:live")
    for n in range(20):
        candidate = answer({"n": n}, ms=12.0)
        event = compare(f"invocation {n}", candidate, answer({"n": n}), answer({"n": n}))
        tally.add(event, candidate, answer({"n": n}, ms=10.0), answer({"n": n}, ms=10.0))
    outputs = tally.outputs()
    assert outputs["differences"] == 0 and outputs["new-function-errors"] == 0
    assert outputs["duration-ms-p95-ratio"] == 1.2
    assert outputs["elapsed-ms-p95-ratio"] == round(17 / 15, 3)
    assert outputs["comparison"]["verdict"] == "same"
    assert outputs["comparison"]["compared"] == 20 and outputs["comparison"]["events"] == []


def test_thousands_of_differences_stay_bounded() -> None:
    tally = Tally(against="f:live")
    big = answer({"v": list(range(5000))})
    other = answer({"v": [-n for n in range(5000)]})
    for n in range(MAX_SHOWN_EVENTS + 10):
        tally.add(compare(f"invocation {n}", other, big, big), other, big, big)
    document = tally.outputs()["comparison"]
    assert len(document["events"]) == MAX_SHOWN_EVENTS
    assert document["events-not-shown"] == 10
    assert sum(len(event["differences"]) for event in document["events"]) <= MAX_KEPT
    assert document["differences"] == (MAX_SHOWN_EVENTS + 10) * 4999


def test_the_diff_is_compact_and_inert() -> None:
    primary = answer({"status": "ok", "at": 1})
    event = compare(
        "the event",
        answer({"status": "::error::x" + "y" * 500, "at": 2}),
        primary,
        answer({"status": "ok", "at": 3}),
    )
    lines = diff_lines(event)
    assert lines[:3] == ["--- baseline (the event)", "+++ candidate (the event)", "@@ /status"]
    assert lines[3] == '-"ok"'
    assert lines[4].startswith('+"::error::xyy') and lines[4].endswith("...")
    assert len(lines[4]) <= 201
    assert not any("/at" in line for line in lines)  # noise is not shown


def test_a_long_value_is_kept_cut_in_the_document() -> None:
    from lambda_invoke.comparison import KEPT_CHARS, Difference

    long = "x" * (KEPT_CHARS * 3)
    document = Difference("/a", long, 1).to_dict()
    assert document == {
        "pointer": "/a",
        "noise": False,
        "baseline-cut": '"' + "x" * (KEPT_CHARS - 1),
        "candidate": 1,
    }


def test_the_summary_shows_each_regression_and_the_noise_once() -> None:
    from lambda_invoke.report import COMPARISON_ROWS, comparison_markdown

    tally = Tally(against="f:live")
    for n in range(3):
        primary, secondary = answer({"s": "ok", "at": n}), answer({"s": "ok", "at": n + 1})
        candidate = answer({"s": "O|K`x", "at": n + 2})
        tally.add(compare(f"invocation {n}", candidate, primary, secondary), candidate, primary)
    lines = comparison_markdown(tally.outputs()["comparison"])
    text = "\n".join(lines)
    assert "#### Compared with f:live" in text
    assert "**different**: 3 differences in 3 events" in text
    assert "| invocation 0 | `/s` | &quot;ok&quot; |" not in text  # (quotes stay quotes)
    assert '| invocation 0 | `/s` | "ok" | "O&#124;K&#96;x" | regression |' in text
    assert text.count("| noise |") == 1  # once, from the first event
    assert "xychart-beta" in text and '"candidate p95", "baseline p95"' in text
    many = Tally(against="f:live")
    big, other = answer({"v": list(range(5000))}), answer({"v": [-n for n in range(5000)]})
    many.add(compare("e", other, big, big), other, big, big)
    rows = [
        line
        for line in comparison_markdown(many.outputs()["comparison"])
        if line.startswith("| e |")
    ]
    assert len(rows) == COMPARISON_ROWS


def test_a_snapshot_recording_leaves_the_noise_out_and_sorts_the_keys() -> None:
    from lambda_invoke.snapshots import record

    first = Answer(200, None, {"z": 1, "a": {"at": 5, "k": [1, {"id": "x"}, 3]}}, 1.0, 2.0)
    data = record(200, None, first.document, is_json=True, noise=["/a/at", "/a/k/1", "/nope/x"])
    document = json.loads(data)
    assert document["payload"] == {"a": {"k": [1, None, 3]}, "z": 1}
    assert list(document["payload"]) == ["a", "z"] and document["noise"][0] == "/a/at"
    assert first.document["a"]["at"] == 5  # (the answer itself is left as it was)
    assert data.endswith(b"\n") and b'\n  "status-code": 200,' in data


def test_a_snapshots_known_noise_is_not_a_regression() -> None:
    recorded = Answer(200, None, {"status": "ok"}, None, None)
    candidate = Answer(200, None, {"status": "ok", "at": 7, "esc/~": 1}, 1.0, 1.0)
    event = compare("e", candidate, recorded, recorded, ["/at", "/esc~1~0"])
    assert event.regressions == 0 and [d.noise for d in event.differences] == [True, True]


@pytest.mark.parametrize(
    ("name", "file"),
    [("plain order", "plain-order.json"), ("renamed / status", "renamed-status.json"),
     ("../../etc/passwd", "etc-passwd.json"), ("...", "case.json"),
     ("x" * 300, "x" * 100 + ".json")],
)  # fmt: skip
def test_a_case_names_its_snapshot_file_inside_the_folder(name: str, file: str) -> None:
    from lambda_invoke.snapshots import case_file

    assert case_file(name) == file


def test_a_snapshot_comparison_names_its_side_in_the_summary() -> None:
    from lambda_invoke.report import comparison_markdown

    tally = Tally(against="the snapshot s.json", snapshot=True)
    recorded = Answer(200, None, {"status": "ok"}, None, None)
    candidate = Answer(200, None, {"status": "OK", "at": 1}, 1.0, 1.0)
    tally.add(compare("the event", candidate, recorded, recorded, ["/at"]), candidate)
    text = "\n".join(comparison_markdown(tally.outputs()["comparison"]))
    assert "#### Compared with the snapshot s.json" in text
    assert "noise (as recorded): `/at`" in text
    assert "| event | where | snapshot | candidate | |" in text
    assert '| the event | `/status` | "ok" | "OK" | regression |' in text
    assert "| the event | `/at` | (noise: not recorded) | 1 | noise |" in text
    assert "xychart" not in text  # (no baseline latency: no chart)


def test_a_cases_differences_in_a_suite_summary_are_bounded_and_inert() -> None:
    """A shard's rows are untrusted: their values are shown as escaped JSON, cut; at most
    20 cases get a table."""
    from lambda_invoke.report import summary_markdown
    from lambda_invoke.rows import Row

    hostile = "<img src=x onerror=alert(1)>|`[x](http://evil)`" + "y" * 500
    difference = {"pointer": "/a|b", "noise": False, "baseline": hostile, "candidate": 1}
    comparison = {"against": "fn:live", "snapshot": False, "differences": 1,
                  "new-function-errors": 0, "noise": [],
                  "events": [{"event": "the event", "differences": [difference]}]}  # fmt: skip
    rows = [
        Row(n, f"case {n}", "fn", "failed", 200, None, 1.0, 1.0, 2.0, "r", (), None,
            ("differences",), "{}", comparison=comparison)
        for n in range(25)
    ]  # fmt: skip
    text = summary_markdown(rows)
    assert text.count("differences from fn:live") == 20
    assert "5 more cases differ: outputs.results" in text
    assert "<img" not in text and "&lt;img" in text and "&#124;" in text
    assert "y" * 100 in text and "y" * 200 not in text  # (cut at 200 characters)


def test_a_recorded_snapshot_and_the_folders_made_for_it_go_to_the_workspace_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the runner's Docker layout we run as root: every folder made for a snapshot and
    the file itself are handed to the workspace's owner; a folder already there is not."""
    from lambda_invoke.snapshots import write_snapshot

    given: list[str] = []

    class Layout:
        def give_to_workspace_owner(self, path: str) -> None:
            given.append(path)

    monkeypatch.chdir(tmp_path)
    (tmp_path / "snaps").mkdir()
    write_snapshot("snaps/a/b/s.json", b"{}\n", Layout())  # type: ignore[arg-type]
    assert given == ["snaps/a", "snaps/a/b", "snaps/a/b/s.json"]
    assert (tmp_path / "snaps" / "a" / "b" / "s.json").read_bytes() == b"{}\n"
    (tmp_path / "link.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(LambdaInvokeError, match=r"cannot write the snapshot 'link\.json'"):
        write_snapshot("link.json", b"{}", None)  # (O_NOFOLLOW: not through a link)
    assert not (tmp_path / "elsewhere.json").exists()
