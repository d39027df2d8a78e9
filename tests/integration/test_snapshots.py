"""snapshot and update-snapshots against real answers: scripts/local_lambda.py serving
orders:candidate (tests/handlers/versions.py), whose answers carry a fresh timestamp and id
each time and rename a status on ask. Recorded, a snapshot leaves the noise out; compared,
a renamed status is reported and the noise is not."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import ROOT, LocalLambda, cli_command, run_command, sandbox_env
from support import local_lambda as start_local_lambda

pytestmark = pytest.mark.integration
VERSIONS = ROOT / "tests" / "handlers" / "versions.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLambda]:
    functions = {"orders:candidate": f"{VERSIONS}:candidate"}
    with start_local_lambda(tmp_path_factory.mktemp("versions"), functions) as running:
        yield running


def invoke(server: LocalLambda, cwd: Path, *argv: str, **env: str):  # type: ignore[no-untyped-def]
    command = [*cli_command(), "--endpoint-url", server.url, "-f", "orders:candidate", *argv]
    return run_command(command, env=sandbox_env(**env), cwd=cwd)


def test_a_snapshot_round_trips(server: LocalLambda, tmp_path: Path) -> None:
    """Missing outside CI: recorded from two calls (the timestamp and id are noise, left
    out); then the same answer passes with one call, and a renamed status fails."""
    before = server.stats()["invokes"]
    done = invoke(server, tmp_path, "--snapshot", "snaps/orders.json", "-d", "{}")
    assert done.returncode == 0, done.stderr
    assert server.stats()["invokes"] - before == 2
    assert (
        "recorded the snapshot snaps/orders.json (noise left out: /body/at, /body/id): "
        "review it and commit it" in done.stderr
    )
    text = (tmp_path / "snaps" / "orders.json").read_text()
    assert json.loads(text) == {
        "format": "lambda-invoke snapshot 1",
        "status-code": 200,
        "function-error": None,
        "payload-format": "json",
        "payload": {"body": {"items": [1, 2, 3], "status": "ok"}, "statusCode": 200},
        "noise": ["/body/at", "/body/id"],
    }
    assert text.index('"items"') < text.index('"status"')  # keys sorted, for a readable diff

    before = server.stats()["invokes"]
    same = invoke(server, tmp_path, "--snapshot", "snaps/orders.json", "-d", "{}", "--json")
    assert same.returncode == 0, same.stderr
    assert server.stats()["invokes"] - before == 1
    document = json.loads(same.stdout)
    assert document["differences"] == 0
    assert document["comparison"]["against"] == "the snapshot snaps/orders.json"
    assert document["comparison"]["noise"] == ["/body/at", "/body/id"]
    assert "PASS differences equals 0" in same.stderr

    renamed = invoke(
        server, tmp_path, "--snapshot", "snaps/orders.json", "-d", '{"rename": true}', "--json"
    )
    assert renamed.returncode == 1
    assert "--- snapshot (the event)" in renamed.stderr
    assert '@@ /body/status\nlambda-invoke: -"ok"\nlambda-invoke: +"OK"' in renamed.stderr
    assert "noise (as recorded): /body/at, /body/id" in renamed.stderr
    assert json.loads(renamed.stdout)["differences"] == 1
    assert (tmp_path / "snaps" / "orders.json").read_text() == text  # compared, not written


def test_update_snapshots_records_anew_and_skips_the_gates(
    server: LocalLambda, tmp_path: Path
) -> None:
    invoke(server, tmp_path, "--snapshot", "s.json", "-d", "{}")
    done = invoke(
        server, tmp_path, "--snapshot", "s.json", "-d", '{"rename": true}',
        "--update-snapshots", "--assert", "differences: 0", CI="true",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "recording the snapshot s.json: differences not checked" in done.stderr
    assert json.loads((tmp_path / "s.json").read_text())["payload"]["body"]["status"] == "OK"


def test_a_missing_snapshot_fails_in_ci_before_any_call(
    server: LocalLambda, tmp_path: Path
) -> None:
    before = server.stats()["invokes"]
    done = invoke(server, tmp_path, "--snapshot", "snaps/orders.json", CI="true")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lambda-invoke: error: input 'snapshot': 'snaps/orders.json' does not exist (in CI a "
        "missing snapshot fails, it is not recorded): record it with update-snapshots: true "
        "(on the command line --update-snapshots), review the file and commit it"
    )
    assert server.stats()["invokes"] == before and not (tmp_path / "snaps").exists()


def test_a_suite_keeps_one_file_per_case_and_a_case_may_opt_out(
    server: LocalLambda, tmp_path: Path
) -> None:
    """snapshot in the defaults is a folder (relative to the suite file); a case's file is
    named from the case; a case with side effects says snapshot: none and is sent once."""
    suites = tmp_path / "suites"
    suites.mkdir()

    def run(rename: str) -> tuple[object, int]:
        (suites / "smoke.yml").write_text(
            "defaults: {function-name: orders:candidate, snapshot: ../snaps}\n"
            "cases:\n"
            "  - {name: plain order, payload: {}}\n"
            f"  - {{name: renamed / status, payload: {{rename: {rename}}}}}\n"
            "  - {name: writes, snapshot: none, payload: {}}\n"
        )
        before = server.stats()["invokes"]
        command = [*cli_command(), "suite", "suites/smoke.yml", "--endpoint-url", server.url,
                   "--max-concurrency", "1", "--summary", "false"]  # fmt: skip
        done = run_command(command, env=sandbox_env(), cwd=tmp_path)
        return done, server.stats()["invokes"] - before

    recorded, sent = run("false")
    assert recorded.returncode == 0, recorded.stderr  # type: ignore[attr-defined]
    assert sent == 5  # two each for the recorded cases, one for the opted-out case
    assert sorted(os.listdir(tmp_path / "snaps")) == ["plain-order.json", "renamed-status.json"]

    compared, sent = run("true")
    assert compared.returncode == 1  # type: ignore[attr-defined]
    assert sent == 3
    assert (
        "FAIL [2/3] renamed / status (orders:candidate): differences from the snapshot "
        'snaps/renamed-status.json: /body/status "ok" -> "OK"'
    ) in compared.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("make", "argv", "line"),
    [
        (lambda d: os.mkfifo(d / "fifo.json"), ("--snapshot", "fifo.json"),
         "input 'snapshot': 'fifo.json' is not a regular file (a FIFO, device or socket)"),
        (lambda d: os.symlink("/etc/hostname", d / "out.json"), ("--snapshot", "out.json"),
         "input 'snapshot': 'out.json' is a symbolic link: a snapshot is a plain file"),
        (lambda d: os.symlink("/tmp", d / "away"), ("--snapshot", "away/s.json"),
         "input 'snapshot': 'away/s.json' is outside the workspace"),
        (lambda d: None, ("--snapshot", "../s.json"),
         "input 'snapshot': '../s.json' is outside the workspace"),
        (lambda d: (d / "s.json").write_text('{"format": "lambda-invoke snapshot 1"}'),
         ("--snapshot", "s.json"),
         "input 'snapshot': 's.json' is not a snapshot: field 'status-code' is missing"),
        (lambda d: (d / "s.json").write_text("[" * 200 + "]" * 200), ("--snapshot", "s.json"),
         "input 'snapshot': 's.json' is not a snapshot: nested deeper than 128 levels"),
        (lambda d: (d / "s.json").write_bytes(b" " * (8 * 1024 * 1024 + 1)),
         ("--snapshot", "s.json"), "input 'snapshot': file 's.json' is 8388609 bytes; at most"),
        (lambda d: (d / "dir.json").mkdir(), ("--snapshot", "dir.json"),
         "input 'snapshot': 'dir.json' is a folder: one invoke's snapshot is a file"),
        (lambda d: None, ("--update-snapshots",),
         "input 'update-snapshots': is read with snapshot: give snapshot too"),
        (lambda d: None, ("--snapshot", "s.json", "--compare-to", "live"),
         "input 'snapshot': give compare-to or snapshot, not both"),
        (lambda d: None, ("--snapshot", "s.json", "--update-snapshots", "--repeat", "3"),
         "input 'update-snapshots': records one event: not with repeat"),
        (lambda d: None, ("--snapshot", "s.json", "--invocation-type", "Event"),
         "input 'snapshot': compares answers: invocation-type Event has none"),
    ],
)  # fmt: skip
def test_bad_snapshots_exit_2_before_any_call(
    tmp_path: Path, make: object, argv: tuple[str, ...], line: str
) -> None:
    make(tmp_path)  # type: ignore[operator]
    command = [*cli_command(), "--endpoint-url", "http://127.0.0.1:9", "-f", "fn", *argv]
    done = run_command(command, env=sandbox_env(), cwd=tmp_path)  # nothing listens at :9
    assert done.returncode == 2, done.stderr
    assert line in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_suite_snapshot_folder_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "snaps")
    (tmp_path / "s.yml").write_text("cases: [{name: a, function-name: fn}]\n")
    command = [*cli_command(), "suite", "s.yml", "--snapshot", "snaps",
               "--endpoint-url", "http://127.0.0.1:9"]  # fmt: skip
    done = run_command(command, env=sandbox_env(), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "lambda-invoke: error: input 'snapshot': 'snaps' is not a folder: a suite's snapshot "
        "is a folder, a file a case"
    )
