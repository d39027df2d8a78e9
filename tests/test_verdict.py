"""When an invocation fails, decided once: a single run and a suite case get the same lines."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from lambda_invoke.assertions import evaluate, parse_checks
from lambda_invoke.outcome import InvokeResult, Report
from lambda_invoke.settings import load_settings
from lambda_invoke.verdict import judge

ENV = {"AWS_REGION": "us-east-1"}
OK = InvokeResult(200, "", b'{"ok": true}', None, "1", "r", Report())
CRASH = replace(OK, function_error="Unhandled", payload=b'{"errorType": "E", "errorMessage": "m"}')


def settings(**inputs: str) -> Any:
    return load_settings({"function-name": "fn", **inputs}, environ=ENV)


@pytest.mark.parametrize(
    ("inputs", "result", "aggregates", "expected", "verdict"),
    [
        ({}, OK, {}, False, ((), (), 0)),
        ({}, CRASH, {}, False, (("function error (Unhandled): E: m",), (), 1)),
        (
            {"fail-on-function-error": "false"},
            CRASH,
            {},
            False,
            ((), ("function error (Unhandled): E: m (fail-on-function-error is false)",), 0),
        ),
        (
            {},
            OK,
            {"function-errors": 2, "invocations": 5},
            False,
            (("2 of 5 invocations returned a function error",), (), 1),
        ),
        ({}, CRASH, {}, True, ((), (), 0)),
        ({}, OK, {}, True, (("a function error was expected; the function succeeded",), (), 1)),
        ({}, OK, {}, "Handled", (("function error 'Handled' was expected; got none",), (), 1)),
        (
            {},
            replace(OK, incomplete="the stream broke"),
            {},
            False,
            (
                (
                    "the stream broke: the function may have run. Not retried: a second Invoke "
                    "could run it twice.",
                ),
                (),
                3,
            ),
        ),
        (
            {"invocation-type": "Event", "wait-for-completion": "true"},
            replace(OK, status_code=202),
            {},
            False,
            (
                (
                    "the Event run of fn was not seen to end in its log within "
                    "full-logs-timeout 30 s: its outcome is unknown",
                ),
                (),
                3,
            ),
        ),
    ],
    ids=[
        "ok",
        "crash",
        "crash allowed",
        "a later error",
        "expected, came",
        "expected, none",
        "expected another",
        "incomplete",
        "an Event run not followed",
    ],
)
def test_the_verdict(
    inputs: dict[str, str],
    result: InvokeResult,
    aggregates: dict[str, Any],
    expected: bool | str,
    verdict: tuple[tuple[str, ...], tuple[str, ...], int],
) -> None:
    found = judge(settings(**inputs), result, [], aggregates=aggregates, expected_error=expected)
    assert (found.problems, found.warnings, found.exit_code) == verdict


def test_failed_checks_are_counted_and_an_incomplete_answer_names_its_file() -> None:
    checks = evaluate(
        parse_checks("$.ok: false\n$.n: 1\nstatus-code: 200"), '{"ok": true}', {"status-code": 200}
    )
    found = judge(settings(), OK, checks, aggregates={})
    assert found.problems == (
        "assertion failed (2 of 3): $.ok equals false: got true",
        "assertion failed (2 of 3): $.n equals 1: no match in the payload",
    )
    cut = judge(
        settings(), replace(OK, incomplete="cut"), checks, aggregates={}, payload_file="p.json"
    )
    assert cut.problems == (
        "cut: the function may have run. Not retried: a second Invoke could run it twice. "
        "What arrived is in p.json (outputs.payload-file); no assertion was checked",
    )
