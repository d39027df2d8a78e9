#!/usr/bin/env python3
"""repeat and suites against the best 20 lines a user could write (bench/minimal_pool.py:
a thread pool over one botocore client), side by side on one local endpoint
(scripts/local_lambda.py, a fixed delay per Invoke). Rounds alternate the contenders; each
round gives paired ratios (ours / the pool): invocations a second, and CPU per invocation
from the child's rusage. Then memory growth: peak RSS at 1,000 and 10,000 invocations (a
repeat) and cases (a suite), per invocation; and the seconds a suite
of 10,000 cases takes to send its first Invoke.

    .venv/bin/python bench/pool.py [--rounds 3] [--count 2000] [--concurrency 16,64]
    .venv/bin/python bench/pool.py --check   # exit 1 when a ratio passes its limit
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, bench_env, run, tool
from support import local_lambda, machine_slowdown

HANDLER = ROOT / "tests" / "handlers" / "suite_functions.py"
#: --check's limits (ratios to the pool, and KiB of peak RSS per item; not times: these
#: machines are noisy). They guard what was reached with headroom for noise; issue 28's
#: bars (1.0x the pool's rate, 1.05x its CPU, +0.2 / +1 KiB) are the aim.
CHECK_LIMITS = {
    "repeat": {"rate": 0.85, "cpu": 1.15, "growth": 0.5},
    "suite": {"rate": 0.8, "cpu": 1.2, "growth": 1.0},
}
#: the suite whose set-up (its first Invoke, less a 1-case suite's) is measured, and the
#: seconds --check allows it (issue 28's bar is 0.6 s; scaled to a slow machine)
SETUP_CASES = 10_000
SETUP_LIMIT = 0.6


def first_invoke_seconds(folder: Path, env: dict[str, str], cases: int) -> float:
    """Seconds from starting ``lambda-invoke suite`` of ``cases`` cases to its first Invoke
    reaching the endpoint (a socket here that accepts one connection; the child is then
    ended): start-up, the file read, parsed and every case validated."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(60)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        command = [tool("lambda-invoke"), "suite", str(suite_file(folder, cases)),
                   "--endpoint-url", url, "--max-concurrency", "1"]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            connection, _ = listener.accept()
            seconds = time.perf_counter() - started
            connection.close()
        finally:
            child.kill()
            child.wait()
    return seconds


def suite_file(folder: Path, cases: int) -> Path:
    path = folder / f"suite-{cases}.yml"
    if not path.exists():
        lines = ["cases:"] + [f"  - {{name: c{n}, function-name: echo}}" for n in range(cases)]
        path.write_text("\n".join(lines) + "\n")
    return path


def contenders(url: str, folder: Path, count: int, concurrency: int) -> dict[str, list[str]]:
    ours = tool("lambda-invoke")
    common = ["--endpoint-url", url, "--log-type", "None"]
    return {
        "pool": [sys.executable, str(ROOT / "bench" / "minimal_pool.py"), url, "echo",
                 str(count), str(concurrency)],
        "repeat": [ours, "-f", "echo", "-d", "{}", *common, "--repeat", str(count),
                   "--repeat-concurrency", str(concurrency)],
        "suite": [ours, "suite", str(suite_file(folder, count)), *common,
                  "--max-concurrency", str(concurrency), "--summary", "false"],
    }  # fmt: skip


Paired = dict[str, dict[str, list[float]]]


def ratios(args: argparse.Namespace, url: str, folder: Path, env: dict[str, str],
           concurrency: int) -> Paired:  # fmt: skip
    runs = contenders(url, folder, args.count, concurrency)
    for command in runs.values():  # a warm-up each (page cache, the endpoints.json copy)
        run(command, env)
    paired: Paired = {name: {"rate": [], "cpu": []} for name in ("repeat", "suite")}
    for _ in range(args.rounds):
        pool_wall, pool_cpu, _ = run(runs["pool"], env)
        for name in ("repeat", "suite"):
            wall, cpu, _ = run(runs[name], env)
            paired[name]["rate"].append(pool_wall / wall)
            paired[name]["cpu"].append(cpu / pool_cpu)
    return paired


def growth(url: str, folder: Path, env: dict[str, str], concurrency: int) -> dict[str, float]:
    """KiB of peak RSS per invocation (repeat) and per case (suite) between two sizes."""
    sizes = {"repeat": (1_000, 10_000), "suite": (1_000, 10_000)}
    per = {}
    for name, (small, large) in sizes.items():
        peaks = []
        for count in (small, large):
            _, _, rss = run(contenders(url, folder, count, concurrency)[name], env)
            peaks.append(rss)
        per[name] = (peaks[1] - peaks[0]) * 1024 / (large - small)
        print(f"{name}: peak {peaks[0]:.0f} MiB at {small}, {peaks[1]:.0f} MiB at {large}")
    return per


def setup(folder: Path, env: dict[str, str], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds to the first Invoke: a 1-case suite (start-up) and a 10,000-case one."""
    small, large = [], []
    for _ in range(rounds):
        small.append(first_invoke_seconds(folder, env, 1))
        large.append(first_invoke_seconds(folder, env, SETUP_CASES))
    return small, large


def _spread(values: list[float], unit: str = "x") -> str:
    return f"{statistics.median(values):.2f}{unit} ({min(values):.2f}-{max(values):.2f})"


def report(paired: dict[int, Paired], per: dict[str, float],
           first: tuple[list[float], list[float]]) -> list[str]:  # fmt: skip
    """Print the table; the limits --check holds (concurrency 64 only)."""
    print("| ours vs the pool | at once | invocations/s (median, range) | CPU per invocation |")
    print("|---|---|---|---|")
    failed = []
    for concurrency, modes in paired.items():
        for name, values in modes.items():
            rate_text, cpu_text = _spread(values["rate"]), _spread(values["cpu"])
            print(f"| {name} | {concurrency} | {rate_text} | {cpu_text} |")
            rate, cpu = statistics.median(values["rate"]), statistics.median(values["cpu"])
            limits = CHECK_LIMITS[name]
            if concurrency == 64 and rate < limits["rate"]:
                failed.append(f"{name}: {rate:.2f}x the pool's rate (limit {limits['rate']}x)")
            if concurrency == 64 and cpu > limits["cpu"]:
                failed.append(f"{name}: {cpu:.2f}x the pool's CPU (limit {limits['cpu']}x)")
    for name, kib in per.items():
        item = "invocation" if name == "repeat" else "case"
        print(f"memory growth, {name}: {kib:+.2f} KiB per {item}")
        if kib > CHECK_LIMITS[name]["growth"]:
            limit = CHECK_LIMITS[name]["growth"]
            failed.append(f"{name}: {kib:.2f} KiB more per {item} (limit {limit})")
    small, large = first
    beyond = [b - a for a, b in zip(small, large, strict=True)]
    print(f"first Invoke of a {SETUP_CASES}-case suite after {_spread(large, ' s')}; "
          f"of a 1-case suite {_spread(small, ' s')}: set-up {_spread(beyond, ' s')}")  # fmt: skip
    if statistics.median(beyond) > SETUP_LIMIT * machine_slowdown():
        failed.append(f"set-up of {SETUP_CASES} cases {statistics.median(beyond):.2f} s")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", default="16,64", help="comma-separated")
    parser.add_argument("--delay-ms", type=float, default=20)
    parser.add_argument("--check", action="store_true", help="exit 1 past the limits")
    args = parser.parse_args()
    env = dict(bench_env(), LAMBDA_INVOKE_PROGRESS_SECONDS="3600")
    levels = [int(text) for text in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        functions = {"echo": f"{HANDLER}:echo"}
        with local_lambda(folder, functions, delay_ms=args.delay_ms) as endpoint:
            paired = {n: ratios(args, endpoint.url, folder, env, n) for n in levels}
            per = growth(endpoint.url, folder, env, max(levels))
        first = setup(folder, env, args.rounds)
    print(
        f"\n{args.count} invocations, {args.delay_ms:g} ms each, {args.rounds} rounds; "
        f"{os.cpu_count()} CPUs\n"
    )
    failed = report(paired, per, first)
    if args.check and failed:
        print("pool check failed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
