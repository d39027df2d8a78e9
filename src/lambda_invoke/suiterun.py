"""A suite's run and a merge of its shards: run the cases (or read the shards) into rows,
and show the rows as one report (show_rows), the same way for both. Imported when a suite
or a merge runs, not on a single invocation's path."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from lambda_invoke import suite as suites
from lambda_invoke.dispatch import ClientFactory
from lambda_invoke.errors import EXIT_AWS, EXIT_FAILED, EXIT_OK, LambdaInvokeError
from lambda_invoke.following import follow_log
from lambda_invoke.inputparse import check_reachable, output_path, parse_bool
from lambda_invoke.interface import DEFAULTS
from lambda_invoke.merge import expand_patterns, load_shards
from lambda_invoke.payload_files import write_file
from lambda_invoke.report import counts, final_line, junit_xml, results_json, summary_markdown
from lambda_invoke.reporters import Reporter, SuiteOutcome
from lambda_invoke.rows import RESULTS_OUTPUT_LIMIT, rows_with_status, shard_document
from lambda_invoke.runner import detect
from lambda_invoke.suitefile import load_suite_settings

if TYPE_CHECKING:
    from lambda_invoke.aws import Connections
    from lambda_invoke.rows import Row
    from lambda_invoke.runner import RunnerLayout
    from lambda_invoke.suitefile import SuiteSettings


def run_suite_inputs(
    values: dict[str, str],
    *,
    environ: Mapping[str, str],
    profile: str | None,
    reporter: Reporter,
    client_factory: ClientFactory | None,
    connections: Connections,
    options: dict[str, Any],
) -> int:
    """The ``suite`` input: load the suite (every case's settings checked) and run it."""
    suite = load_suite_settings(values, environ=environ, profile=profile)
    if client_factory is None:
        client_factory = partial(connections.lambda_client, pool_size=suite.max_concurrency)
    return run_suite(
        suite, reporter, client_factory, connections=connections, invoke_options=options
    )


def run_suite(
    suite: SuiteSettings,
    reporter: Reporter,
    client_factory: ClientFactory,
    *,
    connections: Connections,
    invoke_options: dict[str, Any] | None = None,
) -> int:
    """Run a smoke suite: every case, one report; exit 1 when any case did not pass."""
    _announce(suite, reporter)
    started = time.monotonic()
    rows = suites.execute_cases(
        suite.cases,
        client_factory=client_factory,
        max_concurrency=suite.max_concurrency,
        fail_fast=suite.fail_fast,
        say=reporter.say,
        on_done=_counted(reporter, len(suite.cases)),
        resolve=connections.resolve,
        invoke_options=invoke_options,
        follow=partial(follow_log, client_factory=client_factory, connections=connections),
        max_rate=suite.max_rate,
        tick=reporter.release,
    )
    seconds = time.monotonic() - started
    code = show_rows(
        rows,
        seconds,
        reporter,
        junit_file=suite.junit_file,
        runner=suite.runner,
        summary=suite.summary,
        line=f"{final_line(rows)} in {seconds:.1f} s",
        invoked=True,
    )
    written = _write_results(suite, rows, seconds, reporter)
    return code or written  # a case's failure (1) says more than an unwritten file (3)


def _announce(suite: SuiteSettings, reporter: Reporter) -> None:
    """The cases' warnings (each once) and what is about to run."""
    for warning in dict.fromkeys(w for case in suite.cases for w in case.settings.warnings):
        reporter.warn(warning)
    rate = f", at most {suite.max_rate:g} invocations a second" if suite.max_rate else ""
    reporter.say(
        f"running {len(suite.cases)} cases from {suite.source}, "
        f"up to {suite.max_concurrency} at a time{rate}"
    )


def _counted(reporter: Reporter, total: int) -> Callable[[suites.CaseResult], None]:
    """Each finished case shown with its count (called one at a time)."""
    done = 0

    def on_done(slot: suites.CaseResult) -> None:
        nonlocal done
        done += 1
        reporter.case_done(slot, done, total)

    return on_done


def _write_results(
    suite: SuiteSettings, rows: Sequence[Row], seconds: float, reporter: Reporter
) -> int:
    """The results-file (a shard's rows, for merge); 3 when it cannot be written (the report
    stands), else 0."""
    if not suite.results_file:
        return EXIT_OK
    document = shard_document(
        rows,
        suite=suite.digest,
        shard=suite.shard or (1, 1),
        cases=suite.total_cases,
        seconds=seconds,
    )
    try:
        write_file(
            suite.results_file,
            json.dumps(document, ensure_ascii=False).encode("utf-8"),
            suite.runner,
            what="results-file",
            invoked=True,
        )
    except LambdaInvokeError as error:
        reporter.fail(str(error))
        return EXIT_AWS
    return EXIT_OK


def show_rows(
    rows: Sequence[Row],
    seconds: float,
    reporter: Reporter,
    *,
    junit_file: str | None,
    runner: RunnerLayout | None,
    summary: bool,
    line: str,
    invoked: bool,
    payloads: bool = True,
) -> int:
    """A suite's report from its rows, for a run of the suite and a merge of its shards
    alike: the JUnit file, the outputs, the summary, the lines; and the exit code: 1 when
    a case did not pass or no case passed or failed, 3 when the JUnit file could not be
    written, else 0."""

    junit_failed = bool(junit_file) and not _write_junit(
        junit_file or "", rows, seconds, reporter, runner=runner, invoked=invoked
    )

    def results() -> str:
        text, with_payloads = results_json(rows, payloads=payloads)
        if not with_payloads:
            reporter.warn(
                "outputs.results leaves out the payloads: with them it would be larger than "
                f"{RESULTS_OUTPUT_LIMIT} bytes"
            )
        return text

    passed, failed, _ = counts(rows)
    reporter.show_suite(
        SuiteOutcome(
            failed=rows_with_status(rows, "failed"),
            outputs=_Outputs({"passed": str(passed), "failed": str(failed)}, results=results),
            summary=summary_markdown(rows) if summary else None,
            line=line,
        )
    )
    if rows and passed + failed == 0:  # (a shard may hold no case: that one is a pass)
        reporter.fail(f"no case passed or failed ({len(rows)} not run): not a pass")
    if passed != len(rows):
        return EXIT_FAILED
    return EXIT_AWS if junit_failed else EXIT_OK


class _Outputs(Mapping[str, str]):
    """A suite's outputs, ``results`` made when it is first read: at a terminal only
    ``--json`` reads it (10,000 cases: 2.7 MB of JSON, 5 MB at its making)."""

    def __init__(self, outputs: dict[str, str], *, results: Callable[[], str]) -> None:
        self._outputs, self._results = outputs, results

    def __getitem__(self, name: str) -> str:
        if name == "results" and name not in self._outputs:
            self._outputs[name] = self._results()
        return self._outputs[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*(name for name in self._outputs if name != "results"), "results"])

    def __len__(self) -> int:
        return len(self._outputs.keys() | {"results"})


def _write_junit(
    path: str,
    rows: Sequence[Row],
    seconds: float,
    reporter: Reporter,
    *,
    runner: RunnerLayout | None,
    invoked: bool,
) -> bool:
    """The JUnit file; False (and a line) when it cannot be written."""
    try:
        write_file(
            path, junit_xml(rows, seconds).encode("utf-8"), runner, what="junit-file",
            invoked=invoked,
        )  # fmt: skip
    except LambdaInvokeError as error:
        reporter.fail(str(error))
        return False
    return True


def run_merge(
    patterns: list[str],
    values: Mapping[str, str],
    environ: Mapping[str, str],
    reporter: Reporter,
) -> int:
    """The shards' results (merge: files or glob patterns) as one report, rendered as one
    run of the suite renders; the inputs it reads (summary, junit-file) checked first."""

    summary = parse_bool("summary", values.get("summary", DEFAULTS["summary"]).strip())
    runner = detect(environ)
    paths = expand_patterns(patterns)
    for path in paths:
        check_reachable("merge", path, runner)
    junit = output_path("junit-file", values.get("junit-file", "").strip(), runner)
    rows, seconds, payloads = load_shards(paths)
    return show_rows(
        rows,
        seconds,
        reporter,
        junit_file=junit,
        runner=runner,
        summary=summary,
        line=f"{final_line(rows)} in {seconds:.1f} s (merged {len(paths)} shards)",
        invoked=False,
        payloads=payloads,
    )
