#!/usr/bin/env python3
"""What compare-to costs: a 100-case suite with `compare-to: live` against the same suite
without it, side by side on one local endpoint (scripts/local_lambda.py serving
orders:candidate and orders:live from tests/handlers/versions.py, a fixed delay per
Invoke). Each compared case sends three Invokes (the candidate's at the same time as the
baseline's two) and diffs the answers; the bar is under 2.2x the suite's wall time.
Rounds alternate the two; ratios are paired (with / without), medians and ranges.

    .venv/bin/python bench/compare.py [--rounds 5] [--cases 100] [--delay-ms 20]
    .venv/bin/python bench/compare.py --check   # exit 1 when the median passes CHECK_LIMIT
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, bench_env, run, tool
from support import local_lambda

VERSIONS = ROOT / "tests" / "handlers" / "versions.py"
#: issue 29's bar: a suite with comparison under 2.2x the same suite without it
CHECK_LIMIT = 2.2


def suite_file(folder: Path, cases: int, compare: bool) -> Path:
    path = folder / f"suite-{cases}-{'compare' if compare else 'plain'}.yml"
    lines = ["defaults:", "  function-name: orders:candidate"]
    lines += ["  compare-to: live"] if compare else []
    lines += ["cases:"] + [f"  - {{name: c{n}, payload: {{n: {n}}}}}" for n in range(cases)]
    path.write_text("\n".join(lines) + "\n")
    return path


def command(suite: Path, url: str, args: argparse.Namespace) -> list[str]:
    return [tool("lambda-invoke"), "suite", str(suite), "--endpoint-url", url,
            "--max-concurrency", str(args.concurrency), "--summary", "false",
            "--log-type", "None"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay-ms", type=float, default=20)
    parser.add_argument("--check", action="store_true", help=f"exit 1 above {CHECK_LIMIT}x")
    args = parser.parse_args()
    env = bench_env()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        functions = {
            "orders:live": f"{VERSIONS}:live",
            "orders:candidate": f"{VERSIONS}:candidate",
        }
        with local_lambda(folder, functions, delay_ms=args.delay_ms) as endpoint:
            commands = {
                compare: command(suite_file(folder, args.cases, compare), endpoint.url, args)
                for compare in (False, True)
            }
            for each in commands.values():  # a warm-up each
                run(each, env)
            walls, cpus = [], []
            for _ in range(args.rounds):
                plain = run(commands[False], env)[:2]
                compared = run(commands[True], env)[:2]
                walls.append(compared[0] / plain[0])
                cpus.append(compared[1] / plain[1])
    median = statistics.median(walls)
    print(
        f"{args.cases} cases, {args.concurrency} at once, {args.delay_ms:g} ms an Invoke, "
        f"{args.rounds} rounds; {os.cpu_count()} CPUs\n"
        f"with compare-to vs without: wall {median:.2f}x ({min(walls):.2f}-{max(walls):.2f}), "
        f"CPU {statistics.median(cpus):.2f}x ({min(cpus):.2f}-{max(cpus):.2f})"
    )
    if args.check and median >= CHECK_LIMIT:
        print(f"compare check failed: {median:.2f}x (limit {CHECK_LIMIT}x)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
