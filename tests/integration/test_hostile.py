"""Hostile input and hostile endpoints, one table: each case as a subprocess against a
counting endpoint on 127.0.0.1, with its exit code, its one line, the requests it made, and
bounds on time and peak memory (a GitHub-hosted runner has about 7 GB; these were the
cases that took minutes and gigabytes, or hung, or were invoked before being refused)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import (
    UNDER_MUTATION,
    Answer,
    ScriptedLambda,
    action_env,
    cli_command,
    collect_mutation_hits,
    function_answer,
    lambda_error,
    payload_chunk,
    sandbox_env,
    time_budget,
)

pytestmark = pytest.mark.integration

BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_YAML = "{a: " * 5000 + "1" + "}" * 5000  # flow style: not JSON (keys unquoted)
BIG_NUMBER = "9" * 5001
ALIAS_LIMIT = "its aliases expand to more than"
ODD_REPORT = "REPORT RequestId: r\tDuration: 1.2.3 ms\tBilled Duration: 2 ms\n"
SUITE_BOMB = BOMB + "cases:\n  - {name: one, function-name: fn, payload: *i}\n"


@dataclass
class Case:
    name: str
    argv: tuple[str, ...]
    exit_code: int
    message: str
    requests: int = 0
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    answer: Answer | None = None
    baseline: Answer | None = None  # compare-to live's answer (?Qualifier=live)
    links: dict[str, str] = field(default_factory=dict)  # symbolic links: name -> target
    fifo: str = ""  # a FIFO made here, which nothing writes to
    seconds: float = 2.0  # wall time bound, process start included
    memory_mb: float = 150.0  # peak RSS bound


def shard(index: int, count: int, names: tuple[str, ...] = ("a",), **fields: object) -> str:
    """A results document of a shard, as suite --results-file writes it (cases: the suite's
    whole count), with ``fields`` replaced."""
    total = fields.pop("cases", count * len(names))
    rows = [
        {"name": name, "function": "fn", "status": "passed", "status-code": 200,
         "function-error": None, "duration-ms": 1, "billed-duration-ms": 1, "elapsed-ms": 2.5,
         "request-id": "r", "assertions": [], "problems": [], "payload": "{}",
         "index": (index - 1) * len(names) + number, "seconds": 0.1, "logs": None,
         "region": None, "trace-id": None}
        for number, name in enumerate(names)
    ]  # fmt: skip
    document = {"suite": "0123456789abcdef", "shard": f"{index}/{count}", "cases": total,
                "seconds": 0.5, "with-payloads": True, "results": rows, **fields}  # fmt: skip
    return json.dumps(document)


def snapshot_file(payload: object, noise: list[str] | None = None, **fields: object) -> str:
    """A snapshot file as update-snapshots writes it, with ``fields`` replaced."""
    document = {"format": "lambda-invoke snapshot 1", "status-code": 200,
                "function-error": None, "payload-format": "json", "payload": payload,
                "noise": noise or [], **fields}  # fmt: skip
    return json.dumps(document, indent=2)


def compared_shard(comparison: object) -> str:
    """A shard whose one (failed) case carries ``comparison``."""
    document = json.loads(shard(1, 1))
    document["results"][0].update(status="failed", problems=["differences"], comparison=comparison)
    return json.dumps(document)


COMPARED = {"against": "fn:live", "snapshot": False, "differences": 1, "new-function-errors": 0,
            "noise": [], "events": []}  # fmt: skip

OVER = "gives more than 8388608 bytes"
SHARD_REFUSED = "input 'merge': 'a.json' is not a results document"
CASES = [
    Case(
        "a 100-byte shard of 1/100000000",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: field 'shard' must be I/N with 1 <= I <= N <= 256, got '1/100000000'",
        files={"a.json": '{"suite": "x", "shard": "1/100000000", "results": []}'},
    ),
    Case(
        "a shard of 1/10000000 with a valid rest",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: field 'shard' must be I/N",
        files={"a.json": shard(1, 1, shard="1/10000000")},
    ),
    Case(
        "shard 'a/b'",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: field 'shard' must be I/N",
        files={"a.json": shard(1, 1, shard="a/b")},
    ),
    Case(
        "results as text",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: field 'results' must be a list of rows",
        files={"a.json": shard(1, 1, results="all fine")},
    ),
    Case(
        "rows as numbers",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1 must be an object",
        files={"a.json": shard(1, 1, results=[1])},
    ),
    Case(
        "1/1 and 2/1: 4 passed for a 2-case suite before",
        ("merge", "a.json", "b.json"),
        2,
        "input 'merge': 'b.json' is not a results document: field 'shard' must be I/N",
        files={"a.json": shard(1, 1, ("a", "b")), "b.json": shard(2, 1, ("c", "d"), cases=2)},
    ),
    Case(
        "0/0",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: field 'shard' must be I/N",
        files={"a.json": shard(1, 1, shard="0/0")},
    ),
    Case(
        "the same cases in 1/2 and 2/2 count twice before",
        ("merge", "a.json", "b.json"),
        2,
        "input 'merge': case 'a' is in both 'a.json' and 'b.json'",
        files={"a.json": shard(1, 2, ("a",), cases=2), "b.json": shard(2, 2, ("a",), cases=2)},
    ),
    Case(
        "a merge whose cases were none passed or failed",
        ("merge", "a.json"),
        1,
        "no case passed or failed (1 not run): not a pass",
        files={
            "a.json": shard(1, 1)
            .replace('"passed"', '"skipped"')
            .replace('"problems": []', '"problems": ["not run"]')
        },
    ),
    Case(
        "a row whose status is neither passed nor failed",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1: field 'status' must be one of passed, failed, skipped",
        files={"a.json": shard(1, 1).replace('"passed"', '"green"')},
    ),
    Case(
        "a glob over a symbolic link loop",
        ("merge", "loop/*/*/*/*/*/*/*/*/*.json"),
        2,
        "input 'merge': 'loop/*/*/*/*/*/*/*/*/*.json' looks at more than 100000 directory entries",
        links={f"loop/l{n}": "." for n in range(8)},
        files={"loop/.keep": ""},
        seconds=15.0,
    ),
    Case(
        "the CLI merge of 300 files",
        ("merge", *(f"s{n}.json" for n in range(300))),
        2,
        "input 'merge': more than 256 files to merge",
    ),
    Case(
        "alias bomb in payload-file", ("-p", "bomb.yml"), 2, ALIAS_LIMIT, files={"bomb.yml": BOMB}
    ),
    Case("alias bomb inline", ("-d", BOMB), 2, ALIAS_LIMIT),
    Case("alias bomb in assert (before invoking)", ("--assert", BOMB), 2, ALIAS_LIMIT),
    Case("alias bomb in a suite", ("suite", "s.yml"), 2, ALIAS_LIMIT, files={"s.yml": SUITE_BOMB}),
    Case("/dev/zero as payload-file", ("-p", "/dev/zero"), 2, f"the device '/dev/zero' {OVER}"),
    Case("file:///dev/zero", ("-d", "file:///dev/zero"), 2, f"the device '/dev/zero' {OVER}"),
    Case("fileb:///dev/zero", ("-d", "fileb:///dev/zero"), 2, f"the device '/dev/zero' {OVER}"),
    Case("/dev/zero as context-path", ("-x", "/dev/zero"), 2, "input 'context-path'"),
    Case(
        "/dev/zero as suite",
        ("suite", "/dev/zero"),
        2,
        f"input 'suite': the device '/dev/zero' {OVER}",
    ),
    *(
        Case(
            f"a FIFO with no writer as {what}: blocked for ever before",
            argv,
            2,
            f"input '{name}': 'fifo' is a pipe with nothing to read (no writer, or it wrote "
            "nothing)",
            fifo="fifo",
        )
        for what, argv, name in (
            ("payload-file", ("-p", "fifo"), "payload-file"),
            ("file://", ("-d", "file://fifo"), "payload"),
            ("fileb://", ("-d", "fileb://fifo"), "payload"),
            ("context-path", ("-x", "fifo"), "context-path"),
            ("suite", ("suite", "fifo"), "suite"),
            ("a schema file", ("--assert", "$: {schema: fifo}"), "assert"),
            ("a shard file", ("merge", "fifo"), "merge"),
        )
    ),
    Case(
        "--config /dev/zero", ("--function", "hello", "--config", "/dev/zero"), 2, "input 'config'"
    ),
    Case(
        "JSON nested 100,000 deep",
        ("-p", "deep.json"),
        2,
        "nested deeper than 128 levels",
        files={"deep.json": DEEP_JSON},
    ),
    Case(
        "YAML nested 5,000 deep",
        ("-p", "deep.yml"),
        2,
        "nested deeper than 128 levels",
        files={"deep.yml": DEEP_YAML},
    ),
    Case("5,001-digit number in the payload", ("-d", f'{{"n": {BIG_NUMBER}}}'), 2, "5001 digits"),
    Case("5,001-digit number in assert", ("--assert", f"$.n: {BIG_NUMBER}"), 2, "input 'assert'"),
    Case(
        "5,001-digit number in a suite",
        ("suite", "s.yml"),
        2,
        "input 'suite'",
        files={"s.yml": f"cases:\n  - {{name: one, function-name: fn, payload: {BIG_NUMBER}}}\n"},
    ),
    Case("NaN in the payload", ("-d", '{"n": NaN}'), 2, "NaN is not JSON"),
    Case("Infinity in the payload", ("-d", '{"n": 1e999}'), 2, "too large for a number"),
    Case("read-timeout 1e12", ("--read-timeout", "1e12"), 2, "must be at most 3600"),
    Case("max-attempts 1000000000", ("--max-attempts", "1000000000"), 2, "must be at most 20"),
    Case("YAML that does not parse", ("-d", "a: [1, 2"), 2, "is neither JSON (Expecting"),
    Case(
        "output-file is a directory",
        ("--output-file", "."),
        2,
        "cannot write '.': it is a directory",
    ),
    Case("-p - with empty standard input", ("-p", "-"), 2, "standard input was empty"),
    Case(
        "INPUT_FUNCTION-NAME and INPUT_FUNCTION_NAME disagree",
        (),
        2,
        "INPUT_FUNCTION-NAME and INPUT_FUNCTION_NAME are both set, to different values",
        env={"INPUT_FUNCTION-NAME": "one", "INPUT_FUNCTION_NAME": "two"},
    ),
    Case(
        "regex backtracking: ^(a|a)*$ on 40 a's and a ! (2**40 ways)",
        ("-d", json.dumps({"v": "a" * 40 + "!"}), "--assert", "$.v: { matches: '^(a|a)*$' }"),
        1,
        "the regular expression ran past its 1 s limit on this value",
        requests=1,
        answer=function_answer({"v": "a" * 40 + "!"}),
        seconds=6.0,
    ),
    Case(
        "-f on the command line wins over INPUT_FUNCTION-NAME",
        ("-f", "missing"),
        0,
        "invoked missing",
        requests=1,
        env={"INPUT_FUNCTION-NAME": "echo"},
    ),
    Case(
        "an unwritable junit-file fails the step",
        ("suite", "s.yml", "--junit-file", "/dev/full"),
        3,
        "cannot write junit-file '/dev/full'",
        requests=1,
        files={"s.yml": "cases:\n  - {name: one, function-name: fn}\n"},
    ),
    Case(
        "suite --results-file /dev/full: 'cannot write the payload' before",
        ("suite", "s.yml", "--results-file", "/dev/full"),
        3,
        "invoked, but cannot write results-file '/dev/full': No space left on device",
        requests=1,
        files={"s.yml": "cases:\n  - {name: one, function-name: fn}\n"},
    ),
    Case(
        "merge --junit-file /dev/full: 'invoked, but cannot write the payload' before",
        ("merge", "--junit-file", "/dev/full", "a.json"),
        3,
        "error: cannot write junit-file '/dev/full': No space left on device",
        files={"a.json": shard(1, 1)},
    ),
    Case(
        "a log tail that is not base64: logs lost with a warning, payload kept",
        ("--json",),
        0,
        "X-Amz-Log-Result) is not base64",
        requests=1,
        answer=Answer(body=b'{"kept": true}', headers={"X-Amz-Log-Result": "%%% not base64"}),
    ),
    Case(
        "max-rate 0.0001 with repeat 10: a silent 25-hour wait before",
        ("--repeat", "10", "--max-rate", "0.0001"),
        2,
        "input 'max-rate': 10 invocations at 0.0001 a second would wait 9e+04 s for pacing "
        "alone, over the 3600 s a run may wait: raise max-rate to at least 0.0025 or lower repeat",
    ),
    Case(
        "max-rate 1e-300 with repeat 2: invoked, then OverflowError before",
        ("--repeat", "2", "--max-rate", "1e-300"),
        2,
        "input 'max-rate': 2 invocations at 1e-300 a second would wait 1e+300 s",
    ),
    Case(
        "a logs endpoint answering empty pages with a token for ever (full-logs-timeout 3)",
        ("-f", "fn", "--full-logs", "--full-logs-timeout", "3", "--json"),
        0,
        "did not reach its REPORT line in /aws/lambda/fn within full-logs-timeout 3 s",
        requests=1,
        env={"LOGS_ENDLESS": "1"},
        seconds=6.0,
    ),
    Case(
        "a schema $ref to http://: fetched after invoking before",
        ("--assert", '$: {schema: {"$ref": "http://127.0.0.1:9/s.json"}}'),
        2,
        "input 'assert': $: the schema's $ref \"http://127.0.0.1:9/s.json\" points outside",
    ),
    Case(
        "a schema $ref to file:///dev/zero: read to 1.3 GB before",
        ("--assert", '$: {schema: {"$ref": "file:///dev/zero"}}'),
        2,
        "points outside the schema",
    ),
    Case(
        "a schema pattern ^(a|a)*$ on 40 a's and a !: still running at 30 s before",
        (
            "-d",
            json.dumps({"v": "a" * 40 + "!"}),
            "--assert",
            '$: {schema: {properties: {v: {pattern: "^(a|a)*$"}}}}',
        ),
        1,
        "ran past its 1 s limit on this value",
        requests=1,
        answer=function_answer({"v": "a" * 40 + "!"}),
        seconds=8.0,
    ),
    Case(
        "a response stream that does not end (25 MiB sent): 1.46 GB and MemoryError before",
        ("--invoke-mode", "stream"),
        3,
        "(it passed 20971520 bytes, the most read of a streamed answer: the rest was not read)",
        requests=1,
        answer=Answer(stream=tuple((0.0, payload_chunk(b"x" * 1024 * 1024)) for _ in range(25))),
        seconds=10.0,
        memory_mb=200.0,
    ),
    Case(
        "a REPORT line with Duration: 1.2.3 ms: left out with a warning, after invoking",
        ("--json",),
        0,
        "the REPORT line's duration-ms is not a number Lambda writes",
        requests=1,
        answer=function_answer({"ok": True}, logs=ODD_REPORT),
    ),
    Case(
        "a REPORT line with a 400-digit duration in a suite: the report is kept",
        ("suite", "s.yml"),
        0,
        "1 passed, 0 failed",
        requests=1,
        answer=function_answer(
            {"ok": True}, logs=f"REPORT RequestId: r\tDuration: {'9' * 400} ms\n"
        ),
        files={"s.yml": "cases:\n  - {name: one, function-name: fn}\n"},
    ),
    Case(
        "a 1 MB header says so",
        (),
        3,
        "a header line over 65536 bytes",
        requests=1,
        answer=Answer(headers={"X-Big": "a" * (1024 * 1024)}),
    ),
    Case(
        "a payload nested 50,000 deep, checked and printed: one failure line (it crashed)",
        ("--assert", "$[0]: 1"),
        1,
        "the payload is not read as JSON: nested deeper than 128 levels",
        requests=1,
        answer=Answer(body=b"[" * 50_000 + b"]" * 50_000),
    ),
    Case(
        "a shard row's comparison with events as text",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1: field 'comparison': field 'events' must be a list of objects",
        files={"a.json": compared_shard({**COMPARED, "events": "many"})},
    ),
    Case(
        "a shard row's comparison of 10,000 events",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1: field 'comparison': over 20 events or noise places",
        files={"a.json": compared_shard({**COMPARED, "events": [{}] * 10_000})},
    ),
    Case(
        "a shard row's difference with a pointer of a number",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1: field 'comparison': field 'pointer' must be",
        files={
            "a.json": compared_shard(
                {
                    **COMPARED,
                    "events": [{"event": "e", "differences": [{"pointer": 7, "noise": False}]}],
                }
            )
        },
    ),
    Case(
        "a shard row's comparison with 100,000 latency samples",
        ("merge", "a.json"),
        2,
        f"{SHARD_REFUSED}: row 1: field 'comparison': field 'duration-ms.candidate' must be a "
        "list of at most 50",
        files={
            "a.json": compared_shard(
                {
                    **COMPARED,
                    "latency": {"duration-ms": {"candidate": [1.0] * 100_000, "baseline": []}},
                }
            )
        },
    ),
    # compare-to: the candidate's answer, and the baseline's (?Qualifier=live) each time
    Case(
        "compare-to: 200,000 differences between 5 MB answers, bounded in the outputs",
        ("--compare-to", "live", "--json"),
        1,
        "differences equals 0: got 199999",  # (0 and -0 are one number)
        requests=3,
        answer=function_answer(list(range(200_000))),
        baseline=function_answer([-n for n in range(200_000)]),
        seconds=8.0,
        memory_mb=300.0,
    ),
    Case(
        "compare-to: nested 50,000 deep on one side, compared as text",
        ("--compare-to", "live"),
        1,
        "@@ (the payload)",
        requests=3,
        answer=Answer(body=b"[" * 50_000 + b"]" * 50_000),
        baseline=function_answer([1]),
    ),
    Case(
        "compare-to: not JSON on one side only",
        ("--compare-to", "live"),
        1,
        '+"<html>oops</html>"',
        requests=3,
        answer=Answer(body=b"<html>oops</html>"),
        baseline=function_answer({"ok": True}),
    ),
    Case(
        "compare-to: the baseline throttled until the attempts run out: its problem, shown",
        ("--compare-to", "live", "--max-attempts", "2"),
        1,
        "! the baseline fn:live: ",
        requests=5,
        baseline=lambda_error(429, "TooManyRequestsException", "Rate Exceeded."),
        seconds=6.0,
    ),
    Case(
        "compare-to: a baseline answer of workflow commands stays inert",
        ("--compare-to", "live", "--json"),
        1,
        '-"::error::owned"',
        requests=3,
        answer=function_answer({"ok": "x"}),
        baseline=function_answer({"ok": "::error::owned"}),
    ),
    # snapshot: the file or folder is checked before anything is sent
    Case(
        "snapshot: a FIFO, refused unread",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': 's.json' is not a regular file (a FIFO, device or socket)",
        fifo="s.json",
    ),
    Case(
        "snapshot: a symbolic link out of the workspace",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': 's.json' is a symbolic link: a snapshot is a plain file",
        links={"s.json": "/etc/hostname"},
    ),
    Case(
        "snapshot: a suite's folder that is a FIFO",
        ("suite", "s.yml", "--snapshot", "snaps"),
        2,
        "input 'snapshot': 'snaps' is not a folder",
        files={"s.yml": "cases: [{name: a, function-name: fn}]\n"},
        fifo="snaps",
    ),
    Case(
        "snapshot: a suite's folder linked out of the workspace",
        ("suite", "s.yml"),
        2,
        "input 'suite': defaults: field 'snapshot': 'snaps/a.json' is outside the workspace",
        files={"s.yml": "defaults: {snapshot: snaps}\ncases: [{name: a, function-name: fn}]\n"},
        links={"snaps": "/tmp"},
    ),
    Case(
        "snapshot: a 9 MB file, refused unread",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': file 's.json' is 9000000 bytes; at most 8388608",
        files={"s.json": " " * 9_000_000},
    ),
    Case(
        "snapshot: nested 100,000 deep",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': 's.json' is not a snapshot: nested deeper than 128 levels",
        files={"s.json": DEEP_JSON},
    ),
    Case(
        "snapshot: 100,000 noise pointers",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': 's.json' is not a snapshot: noise names 100000 places; at most 200",
        files={"s.json": snapshot_file({"ok": True}, noise=[f"/{n}" for n in range(100_000)])},
    ),
    Case(
        "snapshot: a field of the wrong type",
        ("--snapshot", "s.json"),
        2,
        "input 'snapshot': 's.json' is not a snapshot: status-code must be a number or null",
        files={"s.json": snapshot_file({"ok": True}, **{"status-code": "200"})},
    ),
    Case(
        "snapshot: 200,000 differences from a 2 MB snapshot, bounded in the outputs",
        ("--snapshot", "s.json", "--json"),
        1,
        "differences equals 0: got 199999",
        requests=1,
        files={"s.json": snapshot_file([-n for n in range(200_000)])},
        answer=function_answer(list(range(200_000))),
        seconds=8.0,
        memory_mb=300.0,
    ),
    Case(
        "snapshot: recorded workflow commands stay inert",
        ("--snapshot", "s.json"),
        1,
        '-"::error::owned"',
        requests=1,
        files={"s.json": snapshot_file({"ok": "::error::owned"})},
        answer=function_answer({"ok": "x"}),
    ),
]


#: runs a command and reports its peak RSS (KiB) as the last line of stderr
MEASURE = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(f'PEAK {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}', file=sys.stderr); "
    "sys.exit(done.returncode)"
)


def run_measured(
    command: list[str], env: dict[str, str], cwd: Path, stdin: bytes
) -> tuple[int, str, str, float, float]:
    """Exit code, stdout, stderr, wall seconds and peak RSS (MiB) of one run."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    seconds = time.monotonic() - started
    collect_mutation_hits()
    *lines, last = done.stderr.decode().rstrip("\n").split("\n")
    assert last.startswith("PEAK "), done.stderr[-500:]
    stderr = "\n".join(lines) + ("\n" if lines else "")
    return done.returncode, done.stdout.decode(), stderr, seconds, int(last[5:]) / 1024


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile(case: Case, tmp_path: Path) -> None:
    for name, text in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    for name, target in case.links.items():
        (tmp_path / name).symlink_to(target)
    if case.fifo:
        os.mkfifo(tmp_path / case.fifo)
    answer = case.answer or function_answer({"ok": True})
    qualified = {"live": case.baseline} if case.baseline else None
    with contextlib.ExitStack() as stack, ScriptedLambda(answer, qualified=qualified) as endpoint:
        argv = list(case.argv)
        if argv[:1] == ["merge"]:
            command = [*cli_command(), *argv]
        elif argv[:1] == ["suite"]:
            command = [*cli_command(), *argv, "--endpoint-url", endpoint.url]
        else:
            named = case.env or "-f" in argv or "--function" in argv
            command = [*cli_command(), *([] if named else ["-f", "fn"]), *argv]
            command += ["--endpoint-url", endpoint.url]
        env = {**sandbox_env(), **case.env}
        if env.pop("LOGS_ENDLESS", None):  # CloudWatch Logs: empty pages, a token each time
            endless = ScriptedLambda(Answer(body=b'{"events": [], "nextToken": "more"}'))
            stack.enter_context(endless)
            env["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = endless.url
        code, stdout, stderr, seconds, peak = run_measured(command, env, tmp_path, case.stdin)
        requests = endpoint.invocations
    print(f"{case.name}: exit {code}, {requests} requests, {seconds:.2f} s, {peak:.0f} MiB")
    assert code == case.exit_code, stderr
    assert case.message in stderr + stdout
    assert requests == case.requests
    # under mutmut the child also imports mutmut (about 20 MiB and 0.5 s more)
    assert seconds < time_budget(case.seconds) + (2.0 if UNDER_MUTATION else 0.0)
    assert peak < case.memory_mb + (40.0 if UNDER_MUTATION else 0.0)
    assert "Traceback" not in stderr and "unexpected" not in stderr
    if case.exit_code == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr


def test_process_substitution_is_read_as_aws_lambda_invoke_users_expect(tmp_path: Path) -> None:
    """-p <(jq . event.json): a pipe with a writer, read to its end (it was refused)."""
    import shlex

    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        command = " ".join(shlex.quote(word) for word in cli_command())
        done = subprocess.run(
            ["bash", "-c", f"{command} -f fn -p <(sleep 0.3; echo '{{\"from\": \"a pipe\"}}') "
             f"--endpoint-url {endpoint.url}"],
            env=sandbox_env(), cwd=tmp_path, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
        sent = [body for _, path, body in endpoint.requests if path.endswith("invocations")]
    assert done.returncode == 0, done.stderr
    assert [json.loads(body) for body in sent] == [{"from": "a pipe"}]


def test_an_8_mib_shard_stays_within_githubs_limits(tmp_path: Path) -> None:
    """One 8 MiB shard file of 19,000 failed cases, merged as the action: before, a 9.4 MB
    results output, a 4.4 MB summary and 124,790 ::error lines (GitHub takes 1 MiB of
    outputs, 1024 KiB of summary and shows 10 annotations a step)."""
    rows = [
        {"name": f"case {n}", "function": "fn", "status": "failed", "status-code": 200,
         "function-error": None, "duration-ms": 1, "billed-duration-ms": 1, "elapsed-ms": 2.5,
         "request-id": "r", "assertions": [], "problems": [f"assertion failed: {'x' * 80}"],
         "payload": "{}", "index": n, "seconds": 0.1, "logs": None, "region": None,
         "trace-id": None}
        for n in range(19_000)
    ]  # fmt: skip
    document = {"suite": "0123456789abcdef", "shard": "1/1", "cases": len(rows), "seconds": 1,
                "with-payloads": True, "results": rows}  # fmt: skip
    (tmp_path / "big.json").write_text(json.dumps(document))
    assert 7 * 2**20 < (tmp_path / "big.json").stat().st_size < 8 * 2**20
    env = {**action_env(), "GITHUB_OUTPUT": "out",
           "GITHUB_STEP_SUMMARY": "summary.md", "INPUT_MERGE": "big.json"}  # fmt: skip
    code, stdout, _, seconds, peak = run_measured(cli_command(), env, tmp_path, b"")
    print(f"8 MiB shard: exit {code}, {seconds:.2f} s, {peak:.0f} MiB")
    assert code == 1, stdout[-2000:]
    assert (tmp_path / "out").stat().st_size < 1000 * 1000
    assert (tmp_path / "summary.md").stat().st_size <= 1000 * 1024
    annotations = [line for line in stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 10
    assert annotations[-1].endswith(
        "18991 more errors are in the log only (GitHub shows 10 a step)"
    )
    spilled = re.search(r"outputs\.results \((\d+) bytes\) is empty and it is in (\S+):", stdout)
    assert spilled, stdout[-3000:]
    assert len(json.loads((tmp_path / spilled[2]).read_text())) == 19_000  # nothing lost
    assert seconds < time_budget(30) and peak < 600


def test_thousands_of_differences_stay_within_githubs_limits(tmp_path: Path) -> None:
    """compare-to as the action, 200,000 differences between two 5 MB answers: the job
    summary and the outputs stay within GitHub's limits (100 rows of differences shown, the
    rest counted), and the step fails on them."""
    answer = function_answer([f"new {n}" for n in range(200_000)])
    live = function_answer([f"old {n}" for n in range(200_000)])
    with ScriptedLambda(answer, qualified={"live": live}) as endpoint:
        env = {**action_env(), "GITHUB_OUTPUT": "out", "GITHUB_STEP_SUMMARY": "summary.md",
               "INPUT_FUNCTION-NAME": "fn", "INPUT_COMPARE-TO": "live",
               "INPUT_ENDPOINT-URL": endpoint.url}  # fmt: skip
        code, stdout, _, seconds, peak = run_measured(cli_command(), env, tmp_path, b"")
        sent = endpoint.invocations
    print(f"200,000 differences as the action: exit {code}, {seconds:.2f} s, {peak:.0f} MiB")
    summary = (tmp_path / "summary.md").read_text()
    assert code == 1 and sent == 3, stdout[-2000:]
    assert "**different**: 200000 differences in 1 events" in summary
    assert summary.count("| regression |") == 100
    assert len(summary.encode()) <= 1000 * 1024
    assert (tmp_path / "out").stat().st_size < 1000 * 1000
    assert seconds < time_budget(10) and peak < 400
