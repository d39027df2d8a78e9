#!/usr/bin/env python3
"""Faults side by side: how many Invokes ``lambda-invoke`` and ``aws lambda invoke`` send.

Each fault is scripted on a counting Lambda-compatible endpoint on 127.0.0.1
(tests/support.py's ScriptedLambda); both tools run against it in the same run.
Prints a Markdown table: fault -> Invokes received -> exit code -> message.

    .venv/bin/python bench/faults.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from benchlib import bench_env, tool  # noqa: E402
from support import Answer, ScriptedLambda, function_answer, lambda_error  # noqa: E402

OK = function_answer({"ok": True})
THROTTLED = lambda_error(429, "TooManyRequestsException", "Rate exceeded")
FAULTS: list[tuple[str, tuple[Answer, ...], list[str], list[str]]] = [
    # name, answers, our extra options, the AWS CLI's extra options
    (
        "function runs 3 s, read timeout 1 s",
        (Answer(delay=3),),
        ["--read-timeout", "1"],
        ["--cli-read-timeout", "1"],
    ),
    ("connection dropped after the request", (Answer(drop=True),), [], []),
    ("5xx (500 ServiceException)", (lambda_error(500, "ServiceException", "internal"),), [], []),
    (
        "5xx (502 EC2UnexpectedException)",
        (lambda_error(502, "EC2UnexpectedException", "x"),),
        [],
        [],
    ),
    ("throttled 3 times, then ok", (THROTTLED, THROTTLED, THROTTLED, OK), [], []),
    ("always throttled", (THROTTLED,), [], []),
    (
        "function being updated (409), then ready",
        (lambda_error(409, "ResourceConflictException", "update in progress"), OK),
        ["--wait-timeout", "10"],
        [],
    ),
    ("unknown function (404)", (lambda_error(404, "ResourceNotFoundException", "nope"),), [], []),
]


def run(command: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return done.returncode, (lines[-1] if lines else ""), time.monotonic() - started


def main() -> int:
    aws, ours = tool("aws"), tool("lambda-invoke")
    env = bench_env()
    print("| fault | lambda-invoke: Invokes | exit | message | aws lambda invoke: Invokes | exit |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, answers, our_options, aws_options in FAULTS:
            counts = []
            results = []
            for command in (
                [ours, "-f", "fn", *our_options],
                [aws, "lambda", "invoke", "--function-name", "fn", *aws_options, f"{tmp}/out"],
            ):
                with ScriptedLambda(*answers) as endpoint:
                    code, last_line, _ = run([*command, "--endpoint-url", endpoint.url], env)
                    time.sleep(0.2)  # let a retry that is on its way arrive
                counts.append(endpoint.invocations)
                results.append((code, last_line))
            message = results[0][1].removeprefix("lambda-invoke: ").replace("|", "/")
            print(
                f"| {name} | {counts[0]} | {results[0][0]} | {message} "
                f"| {counts[1]} | {results[1][0]} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
