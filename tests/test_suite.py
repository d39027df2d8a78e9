"""Smoke suites: loading and validation (before anything is invoked), layering of
defaults, and the reports (JUnit XML, summary, results output)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from support import REPORT_LOGS, Stubbed

from lambda_invoke.assertions import parse_checks
from lambda_invoke.errors import InputError
from lambda_invoke.outcome import InvokeResult, parse_report
from lambda_invoke.report import final_line, results_json
from lambda_invoke.report import junit_xml as rows_junit_xml
from lambda_invoke.report import summary_markdown as rows_summary
from lambda_invoke.rows import RESULTS_OUTPUT_LIMIT
from lambda_invoke.suite import CaseResult
from lambda_invoke.suitefile import load_suite, load_suite_settings


def junit_xml(results: list[CaseResult], seconds: float) -> str:
    return rows_junit_xml([slot.to_row() for slot in results], seconds)


def summary_markdown(results: list[CaseResult]) -> str:
    return rows_summary([slot.to_row() for slot in results])


ENV = {"AWS_REGION": "us-east-1"}


def suite(text: str, **base: str) -> list:  # type: ignore[type-arg]
    return load_suite(text, base=base, environ=ENV)


def test_defaults_apply_and_a_case_overrides_them(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"from": "file"}')
    cases = suite(
        """
defaults: {function-name: fn, qualifier: live, payload: {a: 1}, assert: {status-code: 200}}
cases:
  - name: plain
  - name: other function and its own event
    function-name: other
    payload-file: event.json
    assert: {$.ok: true}
  - name: event type
    invocation-type: event
    qualifier: "2"
    assert: {status-code: 202}
""".replace("event.json", str(event)),
    )
    plain, other, event = cases
    assert [case.name for case in cases] == [
        "plain",
        "other function and its own event",
        "event type",
    ]
    assert plain.settings.function_name == "fn"
    assert plain.settings.qualifier == "live"
    assert json.loads(plain.settings.payload or b"") == {"a": 1}
    # payload-file in the case replaces payload from the defaults (no conflict)
    assert other.settings.function_name == "other"
    assert json.loads(other.settings.payload or b"") == {"from": "file"}
    # assert mappings merge: the defaults' check stays, the case adds its own
    assert [check.target for check in other.settings.checks] == ["status-code", "$.ok"]
    assert event.settings.invocation_type == "Event"
    assert event.settings.qualifier == "2"
    assert [(c.target, c.expected) for c in event.settings.checks] == [("status-code", 202)]


def test_run_inputs_are_the_lowest_layer() -> None:
    first, second = suite(
        "defaults: {region: eu-west-1}\n"
        "cases: [{function-name: a}, {function-name: b, region: us-west-2}]",
        **{"function": "ignored-key", "region": "us-east-2", "read-timeout": "30"},
    )
    assert first.settings.region == "eu-west-1"
    assert second.settings.region == "us-west-2"
    assert first.settings.read_timeout == 30  # from the run's inputs
    assert first.settings.serverless is None  # function-name of the case replaced function


def test_case_names_default_to_their_position_and_expect_function_error() -> None:
    cases = suite(
        "cases: [{function-name: a}, {function-name: b, expect-function-error: true},"
        " {function-name: c, expect-function-error: Handled}]"
    )
    assert [case.name for case in cases] == ["case 1", "case 2", "case 3"]
    assert [case.expect_function_error for case in cases] == [False, True, "Handled"]


def test_env_and_context_values_may_be_mappings(tmp_path: Path) -> None:
    (case,) = suite(
        "cases: [{function-name: a, client-context: {custom: {k: v}}, payload: [1, 2], raw: false}]"
    )
    assert case.settings.context == {"custom": {"k": "v"}}
    assert json.loads(case.settings.payload or b"") == [1, 2]


BAD_SUITES = [
    ("cases: [", "is not valid YAML"),
    ("- a\n- b", "must be a mapping with a list of cases"),
    ("cases: []", "has no cases"),
    ("cases: [{function-name: a}]\nsteps: []", "unknown key 'steps'"),
    ("defaults: [1]\ncases: [{function-name: a}]", "defaults must be a mapping"),
    ("defaults: {name: x}\ncases: [{function-name: a}]", "defaults: unknown field 'name'"),
    ("cases: [{function-name: a, paylod: {}}]", "case 1 (case 1): unknown field 'paylod'"),
    ("cases: [{function-name: a}, 3]", "case 2 is not a mapping"),
    ("cases: [{name: x, function-name: a}, {name: x, function-name: b}]", "the name is used twice"),
    (
        "cases: [{function-name: a}, {name: bad json, function-name: b, payload: '{\"a\": '}]",
        "case 2 (bad json): field 'payload':",
    ),
    (
        "defaults: {invocation-type: Sync}\ncases: [{function-name: a}]",
        "defaults: field 'invocation-type'",
    ),
    ("cases: [{name: nameless}]", "case 1 (nameless): field 'function-name':"),
    ("cases: [{function-name: a, assert: {'$.a[': 1}}]", "field 'assert'"),
    ("cases: [{function-name: a, expect-function-error: [1]}]", "expect-function-error must be"),
    (
        "cases: [{function-name: a, qualifier: x, function-name: 'a:y'}]",
        "the key 'function-name' twice",
    ),
    ("cases: [{function-name: 'a:y', qualifier: x}]", "field 'qualifier': 'x' conflicts"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SUITES, ids=[m for _, m in BAD_SUITES])
def test_a_bad_suite_names_the_case_and_field_and_invokes_nothing(
    text: str, message: str, stubbed: Stubbed
) -> None:
    run = stubbed.run(["--suite", text])
    assert run.code == 2
    assert not run.client_created
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("lambda-invoke: error: input 'suite': ")
    assert message in lines[0]
    assert run.stdout == ""


BAD_RUN_INPUTS = [
    ("max-concurrency", ["--max-concurrency", "0"]),
    ("max-concurrency", ["--max-concurrency", "65"]),
    ("max-concurrency", ["--max-concurrency", "lots"]),
    ("fail-fast", ["--fail-fast", "maybe"]),
    ("junit-file", ["--junit-file", "no/such/dir/report.xml"]),
    ("read-timeout", ["--read-timeout", "abc"]),  # a run input: named as itself
    ("suite", []),  # the suite file does not exist
]


@pytest.mark.parametrize(("name", "argv"), BAD_RUN_INPUTS, ids=[n for n, _ in BAD_RUN_INPUTS])
def test_bad_run_inputs_are_named(
    name: str, argv: list[str], stubbed: Stubbed, tmp_path: Path
) -> None:
    path = tmp_path / ("missing.yml" if name == "suite" else "suite.yml")
    if name != "suite":
        path.write_text("cases: [{function-name: a}]")
    run = stubbed.run(["suite", str(path), *argv])
    assert run.code == 2, run.stderr
    assert not run.client_created
    assert run.stderr.strip().splitlines() == [
        run.stderr.strip().splitlines()[0]
    ] and run.stderr.startswith(f"lambda-invoke: error: input '{name}'")


def test_suite_command_needs_a_file(stubbed: Stubbed) -> None:
    run = stubbed.run(["suite", "--max-concurrency", "2"])
    assert run.code == 2
    assert "give the suite file: lambda-invoke suite FILE" in run.stderr


def test_suite_input_from_the_environment_inline(stubbed: Stubbed) -> None:
    stubbed.stubber.add_response("invoke", _response())
    run = stubbed.run([], {"INPUT_SUITE": "cases:\n  - function-name: fn\n"})
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("1 passed, 0 failed")


def _response() -> dict:  # type: ignore[type-arg]
    from support import invoke_response

    return invoke_response(b'{"ok": true}', logs=REPORT_LOGS)


# -- reports -----------------------------------------------------------------------------


def _slot(name: str, status: str, *, error: str = "", problems: tuple[str, ...] = ()) -> CaseResult:
    (case,) = suite(f"cases: [{{name: '{name}', function-name: fn, assert: {{$.ok: true}}}}]")
    result = InvokeResult(
        200,
        error,
        b'{"ok": false, "x": "\\u0001"}',
        REPORT_LOGS + "\x07bell",
        "1",
        "r",
        parse_report(REPORT_LOGS),
    )
    from lambda_invoke.assertions import evaluate

    slot = CaseResult(case, status=status, result=result, problems=list(problems), seconds=0.25)
    slot.checks = evaluate(parse_checks("$.ok: true"), result.payload_text, {})
    return slot


def test_junit_xml_parses_and_carries_the_failure_details() -> None:
    results = [
        _slot("ok <&>", "passed"),
        _slot(
            "broken",
            "failed",
            error="Unhandled",
            problems=("function error (Unhandled)", "assertion failed: $.ok"),
        ),
        CaseResult(
            suite("cases: [{name: later, function-name: fn}]")[0], problems=["not run: fail-fast"]
        ),
    ]
    root = ElementTree.fromstring(junit_xml(results, 1.5))
    (testsuite,) = root.findall("testsuite")
    assert testsuite.attrib | {"time": "x"} == {
        "name": "lambda-invoke",
        "tests": "3",
        "failures": "1",
        "errors": "0",
        "skipped": "1",
        "time": "x",
    }
    cases = testsuite.findall("testcase")
    assert [case.attrib["name"] for case in cases] == ["ok <&>", "broken", "later"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.attrib["message"] == "function error (Unhandled)"
    assert "assertion failed: $.ok" in (failure.text or "")
    assert "payload: " in (failure.text or "")
    assert cases[2].find("skipped") is not None
    system_out = cases[0].findtext("system-out") or ""
    assert "REPORT RequestId" in system_out and "\x07" not in system_out


def test_summary_lists_failures_first_with_cells_escaped() -> None:
    """The verdict in the heading; failed cases first, then the rest in the file's order;
    no Console column when no case has links (an endpoint other than AWS's)."""
    slots = [
        _slot("a | b", "passed"),
        _slot("c", "failed", problems=("x|y",)),
        _slot("d", "passed"),
        _slot("e", "failed", problems=("z",)),
    ]
    lines = summary_markdown(slots).splitlines()
    assert lines[0] == "### ❌ Lambda smoke suite: 2 passed, 2 failed"
    assert lines[2] == "| Case | Function | Status | Duration | Billed | Assertions | Result |"
    assert [line.split(" | ")[0] for line in lines[4:8]] == ["| c", "| e", "| a &#124; b", "| d"]
    assert "| ❌ fail: x&#124;y |" in lines[4]
    assert lines[6].startswith("| a &#124; b | fn | 200 | 2.24 ms | 3 ms | 0/1 | ✅ pass |")
    passing = summary_markdown([_slot("a", "passed")]).splitlines()[0]
    assert passing == "### ✅ Lambda smoke suite: 1 passed, 0 failed"


def test_results_output_leaves_out_large_payloads() -> None:
    small = _slot("small", "passed")
    text, whole = results_json([small.to_row()])
    assert whole and json.loads(text)[0]["payload"].startswith('{"ok"')
    big = _slot("big", "passed")
    big.result = InvokeResult(
        200, "", b"x" * (RESULTS_OUTPUT_LIMIT + 1), "", "1", "r", parse_report("")
    )
    text, whole = results_json([small.to_row(), big.to_row()])
    assert not whole
    assert [entry["payload"] for entry in json.loads(text)] == [None, None]
    assert len(text) < RESULTS_OUTPUT_LIMIT


def test_final_line_counts_cases_not_run() -> None:
    skipped = CaseResult(suite("cases: [{function-name: fn}]")[0], problems=["not run"])
    rows = [slot.to_row() for slot in (_slot("a", "passed"), _slot("b", "failed"), skipped)]
    assert final_line(rows) == ("1 passed, 1 failed, 1 not run (fail-fast)")


def test_load_suite_settings_reads_a_file_or_inline_yaml(tmp_path: Path) -> None:
    path = tmp_path / "smoke.yml"
    path.write_text("cases: [{function-name: fn}]")
    from_file = load_suite_settings({"suite": str(path)}, environ=ENV)
    assert from_file.source == str(path)
    assert (from_file.max_concurrency, from_file.fail_fast, from_file.junit_file) == (
        8,
        False,
        None,
    )
    inline = load_suite_settings({"suite": "{cases: [{function-name: fn}]}"}, environ=ENV)
    assert inline.source == "inline"
    with pytest.raises(InputError, match=r"file 'nope\.yml' does not exist"):
        load_suite_settings({"suite": "nope.yml"}, environ=ENV)


def test_the_suite_summary_links_each_case_to_its_log() -> None:
    from lambda_invoke.outcome import InvokeResult, Report

    (case,) = load_suite(
        "cases:\n  - {name: one, function-name: orders}\n", environ={"AWS_REGION": "eu-west-1"}
    )
    result = InvokeResult(
        200, "", b"{}", None, "$LATEST", "req-9", Report(), trace_id=None, region="eu-west-1"
    )  # (the region of AWS's endpoint that answered: links.console_region)
    slot = CaseResult(case, status="passed", result=result)
    markdown = summary_markdown([slot])
    assert (
        "[logs](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:"
        in markdown
    )
    assert "$2522req-9$2522" in markdown


def test_paths_in_a_suite_file_are_relative_to_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Docker action cannot change directory: services/hello/smoke.yml, run from the
    workspace root, finds its event files and serverless.yml beside it."""
    folder = tmp_path / "services" / "hello"
    folder.mkdir(parents=True)
    (folder / "event.json").write_text('{"from": "beside the suite"}')
    (folder / "context.json").write_text('{"custom": {"k": 1}}')
    (folder / "serverless.yml").write_text(
        "service: svc\nprovider: {name: aws, stage: dev}\nfunctions: {hello: {handler: h.f}}\n"
    )
    (tmp_path / "root-event.json").write_text('{"from": "the step"}')
    (folder / "smoke.yml").write_text(
        "defaults: {function: hello}\n"
        "cases:\n"
        "  - name: file\n    payload-file: event.json\n    context-path: context.json\n"
        "  - name: url\n    payload: file://event.json\n"
        "  - name: step input\n"
    )
    monkeypatch.chdir(tmp_path)
    settings = load_suite_settings(
        {"suite": "services/hello/smoke.yml", "payload-file": "root-event.json"}, environ=ENV
    )
    by_name = {case.name: case.settings for case in settings.cases}
    assert json.loads(by_name["file"].payload or b"") == {"from": "beside the suite"}
    assert by_name["file"].client_context is not None
    assert json.loads(by_name["url"].payload or b"") == {"from": "beside the suite"}
    assert json.loads(by_name["step input"].payload or b"") == {"from": "the step"}
    assert {s.function_name for s in by_name.values()} == {"svc-dev-hello"}
    # inline suites keep the working directory
    inline = load_suite_settings(
        {"suite": "cases:\n  - {function-name: fn, payload-file: root-event.json}"}, environ=ENV
    )
    assert json.loads(inline.cases[0].settings.payload or b"") == {"from": "the step"}


def test_defaults_after_the_cases_still_apply() -> None:
    first, second = suite(
        "cases:\n  - {name: a}\n  - {name: b, qualifier: '3'}\n"
        "defaults: {function-name: fn, qualifier: live}\n"
    )
    assert [first.settings.function_name, first.settings.qualifier] == ["fn", "live"]
    assert second.settings.qualifier == "3"


def test_each_case_is_let_go_once_it_has_run() -> None:
    """A suite's memory at its end is its rows: a case's settings are let go when its row
    is made (a case fail-fast did not run too)."""
    from lambda_invoke.suite import execute_cases
    from lambda_invoke.suitefile import Cases

    cases = Cases(
        suite("cases:\n  - {name: a, function-name: fn}\n  - {name: b, function-name: fn}\n")
    )
    stubbed = Stubbed()
    stubbed.stubber.add_client_error("invoke", "ResourceNotFoundException", http_status_code=404)
    rows = execute_cases(
        cases,
        client_factory=stubbed.factory,
        max_concurrency=1,
        fail_fast=True,
        say=lambda _text: None,
        on_done=lambda _slot: None,
        invoke_options={"sleep": lambda _s: None, "progress_interval": 0},
    )
    assert [(row.name, row.status) for row in rows] == [("a", "failed"), ("b", "skipped")]
    assert rows[1].problems == ("not run: an earlier case failed (fail-fast)",)
    for index in (0, 1):
        with pytest.raises(LookupError, match=f"case {index + 1} has run and was let go"):
            cases[index]
    assert cases.not_let_go() == [] and len(cases) == 2


def test_the_first_cases_client_is_made_before_the_pool_starts() -> None:
    """Made by the thread that starts the pool (then its objects are out of the pool's
    garbage collections), once for the cases that share it."""
    from support import invoke_response

    from lambda_invoke.suite import execute_cases
    from lambda_invoke.suitefile import Cases

    stubbed = Stubbed()
    for _ in range(3):
        stubbed.stubber.add_response("invoke", invoke_response())
    made_on: list[str] = []

    def factory(settings: Any) -> Any:
        made_on.append(threading.current_thread().name)
        return stubbed.client

    text = "cases:\n" + "".join(f"  - {{name: c{n}, function-name: fn}}\n" for n in range(3))
    rows = execute_cases(
        Cases(suite(text)), client_factory=factory, max_concurrency=3, fail_fast=False,
        say=lambda _text: None, on_done=lambda _slot: None,
        invoke_options={"sleep": lambda _s: None, "progress_interval": 0},
    )  # fmt: skip
    assert [row.status for row in rows] == ["passed"] * 3
    assert made_on == [threading.current_thread().name]


def test_a_client_that_cannot_be_made_fails_each_case_that_needs_it() -> None:
    """What goes wrong making the first case's client before the pool is that case's own
    problem, and the next case's: each says it, the suite runs on."""
    from lambda_invoke.errors import AwsError
    from lambda_invoke.suite import execute_cases
    from lambda_invoke.suitefile import Cases

    def factory(settings: Any) -> Any:
        raise AwsError("the config profile (nope) could not be found")

    text = "cases:\n  - {name: a, function-name: fn}\n  - {name: b, function-name: fn}\n"
    rows = execute_cases(
        Cases(suite(text)), client_factory=factory, max_concurrency=2, fail_fast=False,
        say=lambda _text: None, on_done=lambda _slot: None,
    )  # fmt: skip
    assert [(row.name, row.status) for row in rows] == [("a", "failed"), ("b", "failed")]
    assert rows[0].problems == ("the config profile (nope) could not be found",)
