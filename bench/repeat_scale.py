#!/usr/bin/env python3
"""10,000 invocations of one function with ``lambda-invoke --repeat`` vs
``xargs -P 64 aws lambda invoke`` on 500 of them, on the same local endpoint
(scripts/local_lambda.py with a fixed 20 ms per Invoke).

Reports wall time, invocations a second and our peak memory (RSS of the process: it must
stay flat, as only each invocation's figures are kept), and checks the endpoint's count.

    .venv/bin/python bench/repeat_scale.py [--count 10000] [--concurrency 64] [--aws 500]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from benchlib import ROOT, bench_env, measure, tool
from support import local_lambda

HANDLER = ROOT / "tests" / "handlers" / "suite_functions.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--aws", type=int, default=500)
    parser.add_argument("--delay-ms", type=float, default=20)
    args = parser.parse_args()
    env = bench_env()
    ours, aws = tool("lambda-invoke"), tool("aws")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        functions = {"echo": f"{HANDLER}:echo"}
        with local_lambda(Path(tmp), functions, delay_ms=args.delay_ms) as endpoint:
            for count in (args.count // 10, args.count):
                before = endpoint.stats()["invokes"]
                wall, rss = measure(
                    [ours, "-f", "echo", "--endpoint-url", endpoint.url, "-d", "{}",
                     "--repeat", str(count), "--repeat-concurrency", str(args.concurrency),
                     "--log-type", "None"],
                    dict(env, LAMBDA_INVOKE_PROGRESS_SECONDS="3600"),
                )  # fmt: skip
                sent = endpoint.stats()["invokes"] - before
                assert sent == count, (sent, count)
                rows.append(
                    (f"lambda-invoke --repeat {count} (-P {args.concurrency})", count, wall, rss)
                )
            if args.aws:
                before = endpoint.stats()["invokes"]
                xargs = (
                    f"seq {args.aws} | xargs -P {args.concurrency} -I{{}} {aws} lambda invoke "
                    f"--function-name echo --endpoint-url {endpoint.url} --payload '{{}}' "
                    f"{tmp}/out-{{}}.json"
                )
                wall, rss = measure(["sh", "-c", xargs], env)
                assert endpoint.stats()["invokes"] - before == args.aws
                rows.append(
                    (
                        f"xargs -P {args.concurrency} aws lambda invoke ({args.aws})",
                        args.aws,
                        wall,
                        rss,
                    )
                )
    print(f"{args.delay_ms:g} ms per invoke on 127.0.0.1; {sys.platform}, {os.cpu_count()} CPUs\n")
    print("| contender | invocations | wall s | invocations/s | peak MiB |")
    print("|---|---|---|---|---|")
    for name, count, wall, rss in rows:
        print(f"| {name} | {count} | {wall:.1f} | {count / wall:.0f} | {rss:.0f} |")
    if len(rows) > 2:  # --aws 0 runs no aws contender
        ours_rate = rows[1][1] / rows[1][2]
        aws_rate = rows[2][1] / rows[2][2]
        print(f"\nthroughput: {ours_rate / aws_rate:.1f}x aws lambda invoke under xargs")
    print(
        f"peak memory {rows[0][3]:.0f} MiB at {rows[0][1]} vs {rows[1][3]:.0f} MiB at {rows[1][1]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
