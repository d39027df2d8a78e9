"""GitHub I/O: outputs, annotations, log groups and the job summary, read back from files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from support import REPORT_LOGS, Stubbed, invoke_response, read_github_output

from lambda_invoke.app import PAYLOAD_OUTPUT_LIMIT
from lambda_invoke.github import (
    GitHubActions,
    escape_data,
    escape_property,
    heredoc_delimiter,
)


def github(tmp_path: Path) -> tuple[GitHubActions, io.StringIO]:
    stream = io.StringIO()
    return GitHubActions(str(tmp_path / "out"), str(tmp_path / "summary"), stream), stream


def test_multiline_values_round_trip(tmp_path: Path) -> None:
    gh, _ = github(tmp_path)
    values = {"payload": '{\n  "a": 1\n}\n', "logs": "line1\r\nline2", "empty": ""}
    gh.set_outputs(values)
    assert read_github_output(tmp_path / "out") == values


def test_value_holding_a_delimiter_cannot_end_the_block(tmp_path: Path) -> None:
    gh, _ = github(tmp_path)
    hostile = "before\nghadelimiter_0123456789abcdef0123456789abcdef\ninjected<<EOF\nx\nEOF\nafter"
    gh.set_outputs({"payload": hostile, "status-code": "200"})
    assert read_github_output(tmp_path / "out") == {"payload": hostile, "status-code": "200"}


def test_delimiter_is_never_in_the_value() -> None:
    value = "x" * 100
    delimiter = heredoc_delimiter(value)
    assert re.fullmatch(r"ghadelimiter_[0-9a-f]{32}", delimiter)
    assert delimiter not in value


def test_annotation_escaping() -> None:
    assert escape_data("50% done\r\n::error::x") == "50%25 done%0D%0A::error::x"
    assert escape_property("a:b,c\nd") == "a%3Ab%2Cc%0Ad"


def test_error_annotation_is_one_line(tmp_path: Path) -> None:
    gh, stream = github(tmp_path)
    gh.error("line one\n::set-output name=x::pwned", title="t:1,2")
    assert stream.getvalue() == "::error title=t%3A1%2C2::line one%0A::set-output name=x::pwned\n"


def test_untrusted_group_stops_commands(tmp_path: Path) -> None:
    gh, stream = github(tmp_path)
    gh.untrusted_group("Logs", "::add-mask::secret\n::error::boom")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "::group::Logs"
    token = lines[1].removeprefix("::stop-commands::")
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert lines[2:4] == ["::add-mask::secret", "::error::boom"]
    assert lines[4:] == [f"::{token}::", "::endgroup::"]


def actions_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "LAMBDA_INVOKE_AS_ACTION": "true",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "INPUT_FUNCTION-NAME": "fn",
    }


def test_actions_run_writes_outputs_summary_and_groups(stubbed: Stubbed, tmp_path: Path) -> None:
    payload = {"statusCode": 200, "body": json.dumps({"message": "hi | <b>"})}
    stubbed.stubber.add_response(
        "invoke", invoke_response(json.dumps(payload).encode(), logs=REPORT_LOGS, version="3")
    )
    env = actions_env(tmp_path) | {
        "INPUT_ASSERT": "$.body.message: {contains: hi}\nduration-ms: {lt: 1}",
    }
    run = stubbed.run([], env)
    assert run.code == 1  # the second check fails
    outputs = read_github_output(tmp_path / "out")
    assert json.loads(outputs["payload"]) == payload
    assert outputs["status-code"] == "200"
    assert outputs["executed-version"] == "3"
    assert outputs["logs"] == REPORT_LOGS
    assert outputs["duration-ms"] == "2.24"
    assert outputs["init-duration-ms"] == "113.49"
    checks = json.loads(outputs["assertions"])
    assert [c["passed"] for c in checks] == [True, False]
    assert checks[1] == {
        "path": "duration-ms",
        "operator": "lt",
        "expected": 1,
        "actual": 2.24,
        "passed": False,
    }
    result = json.loads(outputs["result"])
    assert result["status-code"] == 200
    assert result["assertions"] == checks
    assert "::error title=lambda-invoke::assertion failed (1 of 2): duration-ms lt 1: got 2.24" in (
        run.stdout
    )
    assert "::group::Logs" in run.stdout
    summary = (tmp_path / "summary").read_text()
    assert summary.startswith(
        "### ❌ Lambda invoke: fn: assertion failed (1 of 2): duration-ms lt 1: got 2.24\n"
    )
    assert "| Function | fn |" in summary
    assert "| Duration | 2.24 ms |" in summary
    assert "| Assertions | 1/2 passed |" in summary
    assert "❌ fail" in summary
    assert "<details><summary>Log</summary>" in summary
    assert "<b>" not in summary  # untrusted text is escaped


def test_summary_can_be_switched_off(stubbed: Stubbed, tmp_path: Path) -> None:
    stubbed.stubber.add_response("invoke", invoke_response())
    run = stubbed.run([], actions_env(tmp_path) | {"INPUT_SUMMARY": "false"})
    assert run.code == 0
    assert not (tmp_path / "summary").exists()


def test_payload_over_the_output_limit_goes_to_a_file(
    stubbed: Stubbed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    big = json.dumps({"data": "x" * (PAYLOAD_OUTPUT_LIMIT + 10)}).encode()
    stubbed.stubber.add_response("invoke", invoke_response(big))
    run = stubbed.run([], actions_env(tmp_path))
    assert run.code == 0
    outputs = read_github_output(tmp_path / "out")
    assert outputs["payload"] == ""
    path = tmp_path / outputs["payload-file"]
    assert path.read_bytes() == big
    assert json.loads(outputs["result"])["payload"] is None
    assert json.loads(outputs["result"])["payload-file"] == outputs["payload-file"]
    assert "::warning title=lambda-invoke::the payload (" in run.stdout
    total = (tmp_path / "out").stat().st_size
    assert total < 64 * 1024
    assert "(cut here in the log only)" in run.stdout


def test_a_log_over_the_output_limit_goes_to_a_file_and_outputs_keep_its_end(
    stubbed: Stubbed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = "".join(f"line {n:07d}\n" for n in range(PAYLOAD_OUTPUT_LIMIT // 13 + 1)) + REPORT_LOGS
    stubbed.stubber.add_response("invoke", invoke_response(logs=log))
    run = stubbed.run([], actions_env(tmp_path))
    assert run.code == 0, run.stdout
    outputs = read_github_output(tmp_path / "out")
    assert (tmp_path / outputs["logs-file"]).read_text() == log
    assert outputs["logs"] == log[-64 * 1024 :] and outputs["duration-ms"] == "2.24"
    document = json.loads(outputs["result"])
    assert document["logs-file"] == outputs["logs-file"] and "result" not in document
    assert "::warning title=lambda-invoke::the log (" in run.stdout
    small = json.loads(read_github_output(tmp_path / "out")["result"])
    assert small["payload"] == '{"ok": true}'  # the payload still fits: in the outputs


def test_output_file_is_the_payload_file(stubbed: Stubbed, tmp_path: Path) -> None:
    stubbed.stubber.add_response("invoke", invoke_response(b'{"a": 1}'))
    target = tmp_path / "response.json"
    run = stubbed.run([], actions_env(tmp_path) | {"INPUT_OUTPUT-FILE": str(target)})
    assert run.code == 0
    assert target.read_bytes() == b'{"a": 1}'
    assert read_github_output(tmp_path / "out")["payload-file"] == str(target)


def test_hostile_payload_and_logs_cannot_run_commands(stubbed: Stubbed, tmp_path: Path) -> None:
    hostile = "::set-output name=status-code::pwned\n::add-mask::x\n::error::fake\n"
    stubbed.stubber.add_response(
        "invoke",
        invoke_response(json.dumps({"msg": hostile}).encode(), logs=hostile, version="1"),
    )
    run = stubbed.run([], actions_env(tmp_path))
    assert run.code == 0
    # every hostile line sits between stop-commands and its resume token
    active = True
    token = ""
    for line in run.stdout.splitlines():
        if line.startswith("::stop-commands::"):
            token, active = line.removeprefix("::stop-commands::"), False
        elif not active and line == f"::{token}::":
            active = True
        elif active and line.startswith("::"):
            assert line.split("::")[1].split(" ")[0] in {"group", "endgroup"}, line
    outputs = read_github_output(tmp_path / "out")
    assert outputs["status-code"] == "200"
    assert outputs["logs"] == hostile


def test_a_repeat_summary_heads_with_the_aggregates_not_the_first_invocation() -> None:
    from lambda_invoke.report import invocation_markdown as summary_markdown

    document: dict[str, object] = {
        "function-error": "", "executed-version": "1", "status-code": 200, "duration-ms": 5,
        "billed-duration-ms": 6, "max-memory-used-mb": 40, "request-id": "r",
        "invocations": 100, "function-errors": 0, "cold-starts": 3, "throttles": 1,
    }  # fmt: skip
    for measure in ("duration-ms", "billed-duration-ms", "elapsed-ms"):
        for q, value in zip(
            ("p50", "p90", "p95", "p99", "max"), (50, 90, 95, 99, 100), strict=True
        ):
            document[f"{measure}-{q}"] = float(value)
    markdown = summary_markdown("fn", document, [], problems=("duration-ms-p95 lt 80: got 95",))
    assert markdown.startswith(
        "### ❌ Lambda invoke: fn × 100: duration-ms-p95 lt 80: got 95\n\n"
        "| Function | fn (version 1) |\n|---|---|\n"
        "| Invocations | 100: 0 function errors, 3 cold starts, 1 throttles |\n"
        "| Round trip (measured here) | p50 50 · p95 95 · max 100 ms |\n"
        "| Duration (Lambda's REPORT) | p50 50 · p95 95 · max 100 ms |\n"
    )
    assert "| Duration | 5 ms |" not in markdown  # the first invocation's is not the run's
    assert "| elapsed-ms | 50 | 90 | 95 | 99 | 100 |" in markdown
    assert markdown.count("```mermaid") == 1 and "    bar [50, 90, 95, 99, 100]" in markdown


def test_a_repeat_summary_draws_the_round_trips_by_invocation() -> None:
    from lambda_invoke.report import repeat_markdown

    document = {"invocations": 2, "function-errors": 0, "cold-starts": 0, "throttles": 0}
    lines = repeat_markdown(document, {"values": [3.0, 1.5], "size": 1, "count": 2})
    chart = "\n".join(lines[lines.index("xychart-beta") :])
    assert 'title "elapsed-ms by invocation (each invocation)"' in chart
    assert 'x-axis "invocation" 1 --> 2' in chart and "line [3, 1.5]" in chart
    assert "line [" not in "\n".join(repeat_markdown(document, None))


# -- what mutation testing found untested (issue 20) ----------------------------------


def test_the_heredoc_delimiter_is_random_and_never_in_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    from lambda_invoke import github

    first, second = github.heredoc_delimiter("x"), github.heredoc_delimiter("x")
    assert re.fullmatch(r"ghadelimiter_[0-9a-f]{32}", first) and first != second
    tokens = iter(["a" * 32, "b" * 32])
    monkeypatch.setattr(github.secrets, "token_hex", lambda size: next(tokens))
    value = f"payload\nghadelimiter_{'a' * 32}\nmore"
    assert github.heredoc_delimiter(value) == f"ghadelimiter_{'b' * 32}"


def test_outputs_are_heredocs_whose_value_cannot_end_the_block(tmp_path: Path) -> None:
    from lambda_invoke.github import GitHubActions

    path = tmp_path / "out"
    hostile = "None\nEOF\nghadelimiter_\nset=1"
    GitHubActions(str(path), None, io.StringIO()).set_outputs({"payload": hostile, "x": "1"})
    assert read_github_output(path) == {"payload": hostile, "x": "1"}
    head = path.read_text().split("\n")[0]
    assert head.startswith("payload<<ghadelimiter_") and len(head) == len("payload<<") + 45


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("`code` [link](x) *bold*", "&#96;code&#96; &#91;link](x) &#42;bold&#42;"),
        ("a|b <img src=x>", "a&#124;b &lt;img src=x&gt;"),
        ("two\nlines\r\n  spaced", "two lines spaced"),
        (None, ""),
        (3.5, "3.5"),
    ],
)
def test_a_markdown_cell_cannot_link_format_or_break_the_table(text: object, cell: str) -> None:
    from lambda_invoke.report import markdown_cell

    assert markdown_cell(text) == cell


def test_the_summary_of_one_invocation_row_by_row() -> None:
    from lambda_invoke.assertions import evaluate, parse_checks
    from lambda_invoke.report import invocation_markdown as summary_markdown

    document: dict[str, object] = {
        "function-error": "Unhandled", "executed-version": "3", "status-code": 200,
        "duration-ms": 5, "elapsed-ms": None, "billed-duration-ms": 6,
        "max-memory-used-mb": 40, "request-id": "r-1", "error-details": "boom",
        "stream-complete": False, "logs": "<b>line</b> & more",
    }  # fmt: skip
    checks = evaluate(parse_checks("$.a: 1\n$.b: 2"), '{"a": 1, "b": 3}', {})
    problems = ("function error (Unhandled): boom", "assertion failed (1 of 2): $.b equals 2")
    markdown = summary_markdown(
        "fn", document, checks, links={"Logs": "https://console.example/logs"}, problems=problems
    )
    assert markdown.startswith(
        "### ❌ Lambda invoke: fn: function error (Unhandled): boom (and 1 more)\n\n"
        "- function error (Unhandled): boom\n- assertion failed (1 of 2): $.b equals 2\n\n"
        "| Function | fn |\n|---|---|\n"
    )
    for row in (
        "| Executed version | 3 |",
        "| Status | 200 (function error: Unhandled) |",
        "| Duration | 5 ms |",
        "| Round trip (measured here) | n/a |",
        "| Billed duration | 6 ms |",
        "| Max memory used | 40 MB |",
        "| Request id | r-1 |",
        "| Error details | boom |",
        "| Stream | incomplete: ended before Lambda's InvokeComplete |",
        "| Assertions | 1/2 passed |",
        "| Console | [Logs](https://console.example/logs) |",
        "| Check | Result |\n|---|---|\n| $.b equals 2: got 3 | ❌ fail |\n"
        "| $.a equals 1 | ✅ pass |",  # failures first
        "<pre>&lt;b&gt;line&lt;/b&gt; &amp; more</pre>",
    ):
        assert row in markdown, row
    assert markdown.endswith("</details>\n\n")
    ok = summary_markdown("fn", {**document, "function-error": "", "stream-complete": True,
                                 "error-details": None, "logs": ""}, [])  # fmt: skip
    assert ok.startswith("### ✅ Lambda invoke: fn\n\n| Function | fn |\n")
    assert "| Status | 200 (ok) |" in ok and "Stream" not in ok and "Assertions" not in ok
    assert "Error details" not in ok and "<details>" not in ok and "| Check |" not in ok


def test_commands_escape_their_data_and_properties() -> None:
    from lambda_invoke.github import GitHubActions

    stream = io.StringIO()
    actions = GitHubActions(None, None, stream)
    actions.warning("50% done\r\nnext", title="a:b,c")
    actions.line("::error::not a command ##[error]x")
    actions.line("plain\nline")
    lines = stream.getvalue().split("\n")
    assert lines[0] == "::warning title=a%3Ab%2Cc::50%25 done%0D%0Anext"
    assert lines[1] == "\u2060::error::not a command ##\u2060[error]x"
    assert lines[2] == "plain line"


def test_without_runner_files_nothing_is_written(tmp_path: Path) -> None:
    from lambda_invoke.github import GitHubActions

    actions = GitHubActions(None, None, io.StringIO())
    actions.set_outputs({"a": "1"})
    actions.append_summary("# x")
    assert list(tmp_path.iterdir()) == []
    summary = tmp_path / "summary.md"
    with_files = GitHubActions(None, str(summary), io.StringIO())
    with_files.append_summary("one\n")
    with_files.append_summary("two\n")
    assert summary.read_text() == "one\ntwo\n"  # appended, as the runner expects


def test_a_group_ends_its_text_on_a_line_of_its_own_and_takes_a_new_token_each_time(
    tmp_path: Path,
) -> None:
    gh, stream = github(tmp_path)
    gh.untrusted_group("A %title%\n", "no newline at the end")
    gh.untrusted_group("B", "ends with one\n")
    gh.untrusted_group("C", "")
    lines = stream.getvalue().split("\n")
    assert lines[0] == "::group::A %25title%25%0A"
    first, second = lines[1], lines[6]
    assert lines[2:5] == ["no newline at the end", f"::{first.split('::')[2]}::", "::endgroup::"]
    assert first != second and second.startswith("::stop-commands::")
    assert lines[7] == "ends with one" and lines[8] == f"::{second.split('::')[2]}::"
    assert lines[10:14] == ["::group::C", lines[11], f"::{lines[11].split('::')[2]}::",
                            "::endgroup::"]  # fmt: skip


def test_a_command_without_properties_has_none() -> None:
    from lambda_invoke.github import GitHubActions

    stream = io.StringIO()
    GitHubActions(None, None, stream).command("notice", "hi ##[x]")
    assert stream.getvalue() == "::notice::hi ##\u2060[x]\n"


def test_the_repeat_table_leaves_missing_figures_empty_and_charts_only_whole_rows() -> None:
    from lambda_invoke.report import repeat_markdown

    document: dict[str, object] = {"invocations": 3, "function-errors": 1, "cold-starts": 0,
                                   "throttles": 2}  # fmt: skip
    for q, value in zip(("p50", "p90", "p95", "p99", "max"), (1.5, 2, 2, 2, 2.25), strict=True):
        document[f"elapsed-ms-{q}"] = value
    lines = repeat_markdown(document)
    assert "| ms | p50 | p90 | p95 | p99 | max |" in lines and "|---|---|---|---|---|---|" in lines
    assert "| elapsed-ms | 1.5 | 2 | 2 | 2 | 2.25 |" in lines
    assert "| duration-ms |  |  |  |  |  |" in lines
    text = "\n".join(lines)
    assert text.count("```mermaid") == 1 and 'title "elapsed-ms (bars)"' in text
    assert "x-axis [p50, p90, p95, p99, max]" in text and "bar [1.5, 2, 2, 2, 2.25]" in text
    assert 'y-axis "ms" 0 --> 3' in text  # from zero: bars drawn to scale


def test_the_whole_repeat_section_as_github_renders_it() -> None:
    """Every line of it: one percentile chart (Lambda's duration as bars, the round trip as
    a line, from zero), in colours readable on GitHub's light and dark themes; the charts'
    syntax is checked by the Mermaid CLI (tests/e2e)."""
    from lambda_invoke.report import repeat_markdown

    document: dict[str, object] = {"invocations": 8, "function-errors": 0, "cold-starts": 1,
                                   "throttles": 0}  # fmt: skip
    for n, measure in enumerate(("duration-ms", "billed-duration-ms", "elapsed-ms")):
        for q, value in zip(("p50", "p90", "p95", "p99", "max"), (1, 2, 3, 4, 5), strict=True):
            document[f"{measure}-{q}"] = value + 10 * n
    series = {"values": [22.5, 30.0, 21.0, 25.0], "size": 2, "count": 8}
    palette = (
        "%%{init: {'themeVariables': {'xyChart': {'plotColorPalette': '#3b82f6, #f97316'}}}}%%"
    )
    assert "\n".join(repeat_markdown(document, series)) == "\n".join([
        "",
        "| ms | p50 | p90 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
        "| duration-ms | 1 | 2 | 3 | 4 | 5 |",
        "| billed-duration-ms | 11 | 12 | 13 | 14 | 15 |",
        "| elapsed-ms | 21 | 22 | 23 | 24 | 25 |",
        "",
        "```mermaid",
        palette,
        "xychart-beta",
        '    title "duration-ms (bars), elapsed-ms (line)"',
        "    x-axis [p50, p90, p95, p99, max]",
        '    y-axis "ms" 0 --> 28',
        "    bar [1, 2, 3, 4, 5]",
        "    line [21, 22, 23, 24, 25]",
        "```",
        "",
        "```mermaid",
        palette,
        "xychart-beta",
        '    title "elapsed-ms by invocation (the slowest of each 2)"',
        '    x-axis "invocation" 1 --> 8',
        '    y-axis "ms" 0 --> 33',
        "    line [22.5, 30, 21, 25]",
        "```",
    ])  # fmt: skip
    no_elapsed = {k: v for k, v in document.items() if not k.startswith("elapsed-ms")}
    text = "\n".join(repeat_markdown(no_elapsed))
    assert text.count("```mermaid") == 1 and 'title "duration-ms (bars)"' in text


def test_the_round_trip_row_and_properties_joined_by_commas() -> None:
    from lambda_invoke.github import GitHubActions
    from lambda_invoke.report import invocation_markdown as summary_markdown

    document = {"function-error": "", "executed-version": "1", "status-code": 200,
                "duration-ms": 1, "elapsed-ms": 12.5, "billed-duration-ms": 1,
                "max-memory-used-mb": 1, "request-id": "r"}  # fmt: skip
    assert "| Round trip (measured here) | 12.5 ms |" in summary_markdown("fn", document, [])
    stream = io.StringIO()
    GitHubActions(None, None, stream).command("error", "m", title="t", file="a.py")
    assert stream.getvalue() == "::error title=t,file=a.py::m\n"


def test_the_whole_summary_of_a_repeat_with_checks_links_and_logs() -> None:
    from lambda_invoke.assertions import evaluate, parse_checks
    from lambda_invoke.report import invocation_markdown as summary_markdown
    from lambda_invoke.report import repeat_markdown

    document: dict[str, object] = {
        "function-error": "", "executed-version": "1", "status-code": 200, "duration-ms": 1,
        "elapsed-ms": 2, "billed-duration-ms": 1, "max-memory-used-mb": 30, "request-id": "r",
        "logs": "a < b", "invocations": 2, "function-errors": 0, "cold-starts": 0,
        "throttles": 0,
    }  # fmt: skip
    series = {"values": [2.0, 3.0], "size": 1, "count": 2}
    checks = evaluate(parse_checks("$.ok: true"), '{"ok": true}', {})
    links = {"Logs": "https://l.example", "Trace": "https://t.example"}
    markdown = summary_markdown("fn", document, checks, links=links, series=series)
    head = "\n".join([
        "### ✅ Lambda invoke: fn × 2", "", "| Function | fn (version 1) |", "|---|---|",
        "| Invocations | 2: 0 function errors, 0 cold starts, 0 throttles |",
        "| Round trip (measured here) | n/a |", "| Duration (Lambda's REPORT) | n/a |",
        "| Billed duration | n/a |", "| Assertions | 1/1 passed |",
        "| Console (first invocation) | [Logs](https://l.example) · [Trace](https://t.example) |",
        "", "| Check | Result |", "|---|---|", "| $.ok equals true | ✅ pass |",
    ])  # fmt: skip
    tail = "\n".join([
        "", "<details><summary>Log of the first invocation</summary>", "",
        "<pre>a &lt; b</pre>", "", "</details>",
    ])  # fmt: skip
    middle = "\n".join(repeat_markdown(document, series))
    assert markdown == f"{head}\n{middle}\n{tail}\n\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # the runner reads a line to \r as well as to \n: both become one space, nothing else
        # changes (two spaces stay two)
        ("a  b\r::error::boom", "a  b ::error::boom"),
        ("a  b\n::error::boom", "a  b ::error::boom"),
        ("a\r\nb", "a  b"),
        # the runner trims a line before it looks for "::": an indented command still acts
        ("  ::error::boom", "\u2060  ::error::boom"),
        ("::add-mask::x  ", "\u2060::add-mask::x  "),
        ("see ##[error]x", "see ##\u2060[error]x"),
        ("plain text ::", "plain text ::"),
    ],
)
def test_a_quoted_line_is_one_line_that_cannot_act(tmp_path: Path, text: str, shown: str) -> None:
    gh, stream = github(tmp_path)
    gh.line(text)
    assert stream.getvalue() == shown + "\n"


def test_bare_urls_in_untrusted_text_are_not_links_on_github() -> None:
    """GitHub's own renderer (cmark-gfm, with its autolink extension) makes a link of a
    bare https:// or www. in a table cell; a payload's value must not become one. Our
    console links stay links."""
    import cmarkgfm

    from lambda_invoke.report import invocation_markdown as summary_markdown
    from lambda_invoke.report import markdown_cell

    hostile = "click https://evil.example/login or www.evil.example or HTTP://EVIL.EXAMPLE"
    bare = f"| x |\n|---|\n| {hostile} |\n"
    assert "<a href" in cmarkgfm.github_flavored_markdown_to_html(bare)  # what GitHub does
    cell = f"| x |\n|---|\n| {markdown_cell(hostile)} |\n"
    assert "<a " not in cmarkgfm.github_flavored_markdown_to_html(cell)
    document = {
        "function-error": "Unhandled",
        "executed-version": "https://evil.example/v",
        "status-code": 200,
        "duration-ms": None,
        "billed-duration-ms": None,
        "max-memory-used-mb": None,
        "request-id": "www.evil.example",
        "error-details": hostile,
        "logs": hostile,
    }
    links = {"logs": "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1"}
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        summary_markdown("fn", document, [], links=links)
    )
    assert rendered.count("<a ") == 1 and f'<a href="{links["logs"]}">' in rendered


def test_annotations_stop_at_githubs_ten_and_the_last_says_how_many_more() -> None:
    import io

    from lambda_invoke.github import GitHubActions

    stream = io.StringIO()
    github = GitHubActions(None, None, stream)
    for number in range(25):
        github.error(f"case {number} failed")
    github.warning("one warning")
    github.finish()
    lines = stream.getvalue().splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[-1] == (
        "::error title=lambda-invoke::16 more errors are in the log only (GitHub shows 10 a step)"
    )
    assert "error (lambda-invoke): case 24 failed" in lines  # in the log, not lost
    assert [line for line in lines if line.startswith("::warning ")] == [
        "::warning title=lambda-invoke::one warning"
    ]


def test_outputs_together_stay_under_githubs_limit(tmp_path: Path) -> None:
    import io

    from lambda_invoke.github import OUTPUTS_LIMIT, GitHubActions

    stream = io.StringIO()
    github = GitHubActions(str(tmp_path / "output"), None, stream)
    github.set_outputs({"results": "r" * 900_000, "result": "x" * 600_000, "passed": "3"})
    outputs = read_github_output(tmp_path / "output")
    assert outputs == {"results": "", "result": "x" * 600_000, "passed": "3"}
    assert (tmp_path / "output").stat().st_size < OUTPUTS_LIMIT
    assert "outputs.results (900000 bytes) is empty and it is left out" in stream.getvalue()


def test_a_summary_over_githubs_limit_is_cut_with_its_fences_closed(tmp_path: Path) -> None:
    import io

    from lambda_invoke.github import SUMMARY_LIMIT, GitHubActions

    rows = "".join(f"| case {n} | ❌ fail: {'y' * 200} |\n" for n in range(20_000))
    markdown = "### suite\n\n| Case | Result |\n|---|---|\n" + rows + "\n<pre>\nlogs\n</pre>\n"
    github = GitHubActions(None, str(tmp_path / "summary.md"), io.StringIO())
    github.append_summary(markdown)
    written = (tmp_path / "summary.md").read_text()
    assert len(written.encode()) <= SUMMARY_LIMIT
    assert written.startswith("### suite\n\n| Case | Result |")
    assert "> The job summary was cut here: it was" in written
    cut_inside = "```mermaid\n" + "a\n" * 600_000
    github.summary_path = str(tmp_path / "fence.md")
    github.append_summary(cut_inside)
    assert (tmp_path / "fence.md").read_text().count("```") == 2
