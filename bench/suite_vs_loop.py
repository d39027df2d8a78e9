#!/usr/bin/env python3
"""A 100-case smoke suite in one ``lambda-invoke suite`` vs a shell loop of 100
``aws lambda invoke`` calls, on the same local endpoint (scripts/local_lambda.py with a
fixed 50 ms per Invoke standing for a real function's run time).

Contenders run alternately, ``--rounds`` times; the table gives median wall times and
the ratio to the loop. The endpoint's counter checks that every run sent exactly the
cases' Invokes.

    .venv/bin/python bench/suite_vs_loop.py [--cases 100] [--delay-ms 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, bench_env, tool
from support import local_lambda

HANDLER = ROOT / "examples" / "hello" / "handler.py"


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)[:200]} failed:\n{done.stdout}{done.stderr}")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = bench_env()
    aws, ours = tool("aws"), tool("lambda-invoke")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        functions = {"smoke": f"{HANDLER}:hello"}
        with local_lambda(directory, functions, delay_ms=args.delay_ms) as endpoint:
            url = endpoint.url
            suite = directory / "suite.yml"
            cases = [
                {"name": f"case {i}", "payload": {"name": f"n{i}"}, "assert": {"$.statusCode": 200}}
                for i in range(args.cases)
            ]
            suite.write_text(json.dumps({"defaults": {"function-name": "smoke"}, "cases": cases}))
            loop = (
                f"for i in $(seq {args.cases}); do "
                f"{shlex.quote(aws)} lambda invoke --function-name smoke "
                f'--endpoint-url {url} --payload "{{\\"name\\": \\"n$i\\"}}" '
                f"--log-type Tail {shlex.quote(str(directory / 'out.json'))} >/dev/null || exit 1; "
                "done"
            )
            contenders = {
                "lambda-invoke suite (max-concurrency 8)": [
                    ours, "suite", str(suite), "--endpoint-url", url,
                ],
                "lambda-invoke suite (max-concurrency 1)": [
                    ours, "suite", str(suite), "--endpoint-url", url, "--max-concurrency", "1",
                ],
                f"shell loop of {args.cases} aws lambda invoke": ["bash", "-c", loop],
            }  # fmt: skip
            samples: dict[str, list[float]] = {name: [] for name in contenders}
            for _ in range(args.rounds):
                for name, command in contenders.items():
                    before = endpoint.stats()["invokes"]
                    samples[name].append(timed(command, env))
                    sent = endpoint.stats()["invokes"] - before
                    if sent != args.cases:
                        raise SystemExit(f"{name}: the endpoint received {sent} Invokes")
    loop_wall = statistics.median(samples[f"shell loop of {args.cases} aws lambda invoke"])
    print(
        f"{args.cases} invokes, {args.delay_ms:g} ms each at the endpoint (127.0.0.1), "
        f"median of {args.rounds} alternating runs"
    )
    print(f"{'contender':<42} {'wall s':>8} {'faster than the loop':>22}")
    for name, values in samples.items():
        wall = statistics.median(values)
        print(f"{name:<42} {wall:>8.2f} {loop_wall / wall:>21.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
