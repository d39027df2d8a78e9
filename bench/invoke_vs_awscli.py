#!/usr/bin/env python3
"""One invoke, side by side: ``lambda-invoke`` vs ``aws lambda invoke`` on the same endpoint.

Starts moto's server on 127.0.0.1 with an echo function, then runs each command
``--rounds`` times, alternating so that machine noise hits both alike, and prints
median wall time and peak memory (max RSS of the process) with the ratio to the AWS CLI.

    .venv/bin/python bench/invoke_vs_awscli.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import bench_env, tool

SERVER = """
import io, json, sys, time, urllib.request, zipfile
import boto3
from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
request = urllib.request.Request(
    url + "/moto-api/config", data=b'{"lambda": {"use_docker": false}}', method="POST"
)
urllib.request.urlopen(request, timeout=10).close()
session = boto3.session.Session(region_name="us-east-1")
role = session.client("iam", endpoint_url=url).create_role(
    RoleName="bench", AssumeRolePolicyDocument="{}"
)["Role"]["Arn"]
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as handle:
    handle.writestr("handler.py", "def handle(event, context):\\n    return event\\n")
session.client("lambda", endpoint_url=url).create_function(
    FunctionName="echo", Runtime="python3.12", Role=role, Handler="handler.handle",
    Code={"ZipFile": archive.getvalue()},
)
print(url, flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
"""


def start_moto() -> tuple[subprocess.Popen[str], str]:
    """moto's server in its own process, so this one stays small (children inherit RSS)."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode()}")  # type: ignore[union-attr]
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(bench_env())
    server, url = start_moto()
    aws, ours = tool("aws"), tool("lambda-invoke")
    payload = '{"hello": "bench"}'
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "lambda-invoke": [ours, "-f", "echo", "--endpoint-url", url, "-d", payload],
            "aws lambda invoke": [
                aws, "lambda", "invoke", "--function-name", "echo", "--endpoint-url", url,
                "--payload", payload,
                "--log-type", "Tail", str(Path(tmp) / "out.json"),
            ],
        }  # fmt: skip
        env = dict(os.environ)
        for command in commands.values():  # warm the file cache once
            measure(command, env)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                samples[name].append(measure(command, env))
    server.communicate("")

    peer_wall = statistics.median(wall for wall, _ in samples["aws lambda invoke"])
    peer_rss = statistics.median(rss for _, rss in samples["aws lambda invoke"])
    print(f"one invoke against moto on 127.0.0.1, median of {args.rounds} alternating runs")
    print(f"{'command':<20} {'wall ms':>9} {'ratio':>7} {'peak MiB':>9} {'ratio':>7}")
    for name, values in samples.items():
        wall = statistics.median(w for w, _ in values)
        rss = statistics.median(r for _, r in values)
        print(
            f"{name:<20} {wall * 1000:>9.0f} {wall / peer_wall:>6.2f}x "
            f"{rss:>9.1f} {rss / peer_rss:>6.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
