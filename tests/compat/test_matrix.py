"""The compatibility matrix: the CLI (a subprocess, as users run it) against Lambda
endpoint software we did not write. Each cell is what the tool must report there; the
README's table "Local endpoints" says the same.

A cell that is None is not applicable: moto's Lambda runs no code (it echoes the event),
so it has no error, timeout or size limit to report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from endpoints import STARTERS, Endpoint, serverless_offline
from support import cli_command, run_command, sandbox_env

ENDPOINTS = tuple(STARTERS)


@dataclass(frozen=True)
class Cell:
    exit_code: int
    says: str = ""  # a line the run must print (stderr)
    function_error: str | None = ""  # the function-error output ("" none, None null)
    status: int = 200


CASES: dict[str, tuple[tuple[str, ...], dict[str, Cell | None]]] = {
    "dict": (
        ("-d", '{"case": "dict"}', "--assert", "$.case: dict"),
        {name: Cell(0, 'PASS $.case equals "dict"') for name in ENDPOINTS},
    ),
    "string": (
        ("-d", '{"case": "string"}', "--assert", '$: "hello"'),
        {
            **{name: Cell(0, 'PASS $ equals "hello"') for name in ENDPOINTS},
            "moto server": None,
        },
    ),
    "raise": (
        ("-d", '{"case": "raise"}'),
        {
            "RIE": Cell(1, "read from the payload", "Unhandled"),
            "SAM local": Cell(1, "ValueError: compat boom", "Unhandled"),
            "serverless-offline": Cell(
                1, "function error (Unhandled): Error: compat boom", "Unhandled"
            ),
            "moto server": None,
        },
    ),
    "timeout": (
        ("-d", '{"case": "timeout"}', "--read-timeout", "20"),
        {
            "RIE": Cell(1, "Task timed out after 2.00 seconds", "Unhandled"),
            "SAM local": Cell(1, "Task timed out after 2.00 seconds", "Unhandled"),
            "serverless-offline": Cell(1, "[504] - Lambda timeout.", "Unhandled"),
            "moto server": None,
        },
    ),
    "7 MB answer": (
        ("-d", '{"case": "big"}', "--read-timeout", "20"),
        {
            "RIE": Cell(1, "Function.ResponseSizeTooLarge", "Unhandled", status=502),
            "SAM local": Cell(1, "Function.ResponseSizeTooLarge", "Unhandled"),
            # no size limit there: the answer arrives whole; the tool warns
            "serverless-offline": Cell(0, "over Lambda's 6291556-byte response limit"),
            "moto server": None,
        },
    ),
    "Event": (
        ("-d", '{"case": "event"}', "-t", "Event", "--assert", "status-code: { in: [200, 202] }"),
        {
            # the emulator ignores the invocation type: it runs the function and answers
            "RIE": Cell(0, "it ran the function synchronously", "", status=200),
            "SAM local": Cell(0, "status 202", None, status=202),
            "serverless-offline": Cell(0, "status 202", None, status=202),
            "moto server": Cell(0, "status 202", None, status=202),
        },
    ),
    "logs assert": (
        ("-d", '{"case": "logs"}', "--assert", 'logs: { not-contains: "ERROR" }'),
        {  # no endpoint here sends a log tail: the check must fail, saying why
            "RIE": Cell(1, "no log tail came back: the endpoint sent no X-Amz-Log-Result"),
            "SAM local": Cell(1, "no log tail came back: log-type is None"),
            "serverless-offline": Cell(
                1, "no log tail came back: the endpoint sent no X-Amz-Log-Result"
            ),
            "moto server": Cell(1, "no log tail came back: the endpoint sent no X-Amz-Log-Result"),
        },
    ),
}
CRASHES_OFFLINE = ("timeout",)
PARAMS = [
    pytest.param(name, case, id=f"{name}-{case}", marks=pytest.mark.compat)
    for case, (_, cells) in CASES.items()
    for name in ENDPOINTS
    if cells[name] is not None
]


def invoke(endpoint: Endpoint, *argv: str) -> tuple[int, dict[str, object], str]:
    done = run_command(
        [*cli_command(), "-f", endpoint.function, "--endpoint-url", endpoint.url, "--json", *argv],
        env=sandbox_env(),
    )
    assert "Traceback" not in done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


@pytest.mark.parametrize(("endpoint", "case"), PARAMS, indirect=["endpoint"])
def test_cell(endpoint: Endpoint, case: str, tmp_path: Path) -> None:
    argv, cells = CASES[case]
    cell = cells[endpoint.name]
    assert cell is not None
    if endpoint.name == "serverless-offline" and case in CRASHES_OFFLINE:
        # serverless-offline 13 dies of an uncaught exception a while after a function
        # timed out: these cases get an instance of their own
        with serverless_offline(tmp_path) as fresh:
            code, document, stderr = invoke(fresh, *argv)
    else:
        code, document, stderr = invoke(endpoint, *argv)
    assert code == cell.exit_code, stderr
    assert cell.says in stderr
    assert document["function-error"] == cell.function_error
    assert document["status-code"] == cell.status


@pytest.mark.compat
@pytest.mark.parametrize("endpoint", ["SAM local"], indirect=True)
def test_sam_refuses_log_tails_and_the_tool_falls_back_once(endpoint: Endpoint) -> None:
    """Default inputs on SAM: the refused Tail is sent once more as None (nothing ran the
    first time), with one warning; `aws lambda invoke` users expect it to work."""
    code, document, stderr = invoke(endpoint, "-d", '{"case": "dict"}')
    assert code == 0, stderr
    assert stderr.count("refused log-type Tail before running the function") == 1
    assert document["logs"] is None
    assert "may have run" not in stderr


SUITE = {
    "cases": [
        {"name": "answers", "payload": {"case": "dict"}, "assert": {"$.case": "dict"}},
        {"name": "says hello", "payload": {"case": "string"}, "assert": {"$": "hello"}},
        {"name": "fails", "payload": {"case": "raise"}, "expect-function-error": True},
        {"name": "queued", "payload": {"case": "event"}, "invocation-type": "Event"},
    ]
}


@pytest.mark.compat
@pytest.mark.parametrize("endpoint", ENDPOINTS, indirect=True)
def test_suite(endpoint: Endpoint, tmp_path: Path) -> None:
    cases = SUITE["cases"]
    if endpoint.name == "moto server":  # it echoes: only what an echo can satisfy
        cases = [cases[0], cases[3]]
    suite = tmp_path / "suite.json"
    suite.write_text(json.dumps({"defaults": {"function-name": endpoint.function}, "cases": cases}))
    done = run_command(
        [
            *cli_command(),
            "suite",
            str(suite),
            "--endpoint-url",
            endpoint.url,
            "--max-concurrency",
            str(endpoint.max_concurrency),  # the emulator serves one request at a time
        ],
        env=sandbox_env(),
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(cases)} passed, 0 failed" in done.stdout
    assert done.stderr.count("refused log-type Tail") == (1 if endpoint.name == "SAM local" else 0)
