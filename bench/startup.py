#!/usr/bin/env python3
"""Start-up, side by side: the same single invoke by our CLI, our container (docker run),
``aws lambda invoke`` and a minimal boto3 script, against one local endpoint.

The endpoint is scripts/local_lambda.py on 127.0.0.1 (an echo function). Contenders run
alternately, ``--rounds`` times after one warm-up run each; the table gives the median wall
time and peak memory (max RSS of the process) as ratios to ``aws lambda invoke``, the
image size, and the targets. ``docker run`` needs a Docker engine: the e2e harness uses a
running one or starts one, and builds the image from the Dockerfile (``--no-docker`` skips).

    .venv/bin/python bench/startup.py [--rounds 10] [--no-docker]
    .venv/bin/python bench/startup.py --check   # CLI vs minimal boto3 only; exit 1 if > 1.2x
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchlib import ROOT, bench_env, measure, tool
from support import local_lambda

HANDLER = ROOT / "tests" / "handlers" / "suite_functions.py"
PAYLOAD = '{"hello": "bench"}'
#: the regression budget of the test command: our CLI vs the minimal boto3 script
CHECK_LIMIT = 1.2
#: --check's limit against the minimal botocore script (issue 28's bar is 0.85x, reached at
#: 0.73-0.74x once a run ends without the interpreter's last collections: the limit leaves
#: room for a noisy machine and catches that saving lost, 0.84x without it)
BOTOCORE_CHECK_LIMIT = 0.9

Measure = Callable[[], tuple[float, float | None]]


def process(command: list[str], env: dict[str, str]) -> Measure:
    """Wall seconds and peak RSS (MiB) of one run of ``command`` (which must succeed)."""
    return lambda: measure(command, env)


def compressed_mb(engine: Any, image: str) -> float:
    """The image as a registry would ship it: ``docker save | gzip -c | wc -c`` (counted
    in the pipe: this process must not grow, or its children's peak RSS would too)."""
    done = subprocess.run(
        ["sh", "-c", 'docker save "$1" | gzip -c | wc -c', "sh", image],
        env=engine.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip()) / 1e6


def docker_contenders(
    url: str, env: dict[str, str]
) -> tuple[dict[str, Measure], dict[str, float], object]:
    """``docker run`` of the action's image as the README shows, and docker's own floor
    (the same image running a no-op); sizes (MB) of the image, raw and compressed, split
    into the base and our layers. RSS is not the process's."""
    from harness import base_image, build_action_image, image_size_mb, start_engine

    engine = start_engine()
    base = base_image(engine)
    image = build_action_image(engine, base)
    floor = ["docker", "run", "--rm", "--network", "host", "--entrypoint", "/bin/true", image]
    command = ["docker", "run", "--rm", "--network", "host"]
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        command += ["-e", f"{key}={env[key]}"]
    command += [
        "-e", "AWS_EC2_METADATA_DISABLED=true",
        "-e", "INPUT_FUNCTION-NAME=echo",
        "-e", f"INPUT_ENDPOINT-URL={url}",
        "-e", f"INPUT_PAYLOAD={PAYLOAD}",
        image,
    ]  # fmt: skip
    measures = {}
    for name, argv in (("docker run (action image)", command), ("docker run (no-op)", floor)):
        run = process(argv, engine.env(env))
        measures[name] = lambda run=run: (run()[0], None)
    image_gz, base_gz = compressed_mb(engine, image), compressed_mb(engine, base)
    sizes = {
        "image": image_size_mb(engine, image),
        "image compressed": image_gz,
        "base compressed": base_gz,
        "our layers compressed": image_gz - base_gz,
    }
    return measures, sizes, engine


def median_table(samples: dict[str, list[tuple[float, float | None]]], peer: str) -> list[str]:
    peer_wall = statistics.median(wall for wall, _ in samples[peer])
    peer_rss = statistics.median(rss or 0 for _, rss in samples[peer])
    lines = [
        "| contender | wall ms | wall vs aws | peak MiB | memory vs aws |",
        "|---|---|---|---|---|",
    ]
    for name, values in samples.items():
        wall = statistics.median(w for w, _ in values)
        sizes = [rss for _, rss in values if rss is not None]
        rss_text = "n/a (in the container)"
        ratio_text = ""
        if sizes:
            rss = statistics.median(sizes)
            rss_text, ratio_text = f"{rss:.1f}", f"{rss / peer_rss:.2f}x"
        lines.append(
            f"| {name} | {wall * 1000:.0f} | {wall / peer_wall:.2f}x | {rss_text} | {ratio_text} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--no-docker", action="store_true", help="leave out docker run")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"our CLI vs the minimal boto3 script only; exit 1 above {CHECK_LIMIT}x",
    )
    args = parser.parse_args()
    env = bench_env()
    ours = tool("lambda-invoke")
    # As a pip install would (and the image does): our modules byte-compiled, like the
    # installed packages of the others. The checkout's editable install may lack them.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    engine = None
    sizes: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        local_lambda(Path(tmp), {"echo": f"{HANDLER}:echo"}) as endpoint,
    ):
        url = endpoint.url
        contenders: dict[str, Measure] = {
            "lambda-invoke (CLI)": process(
                [ours, "-f", "echo", "--endpoint-url", url, "-d", PAYLOAD], env
            ),
            "minimal boto3 script": process(
                [sys.executable, str(ROOT / "bench" / "minimal_boto3.py"), url, "echo", PAYLOAD],
                env,
            ),
            "minimal botocore script": process(
                [sys.executable, str(ROOT / "bench" / "minimal_botocore.py"), url, "echo", PAYLOAD],
                env,
            ),
        }
        if not args.check:
            contenders["aws lambda invoke"] = process(
                [
                    tool("aws"), "lambda", "invoke", "--function-name", "echo",
                    "--endpoint-url", url, "--payload", PAYLOAD, "--log-type", "Tail",
                    str(Path(tmp) / "out.json"),
                ],
                env,
            )  # fmt: skip
            if not args.no_docker:
                measures, sizes, engine = docker_contenders(url, env)
                contenders.update(measures)
        try:
            for measure in contenders.values():
                measure()  # warm the file cache once
            samples: dict[str, list[tuple[float, float | None]]] = {n: [] for n in contenders}
            for _ in range(args.rounds):
                for name, measure in contenders.items():
                    samples[name].append(measure())
        finally:
            if engine is not None:
                engine.stop()  # type: ignore[attr-defined]
    cli = statistics.median(w for w, _ in samples["lambda-invoke (CLI)"])
    floor = statistics.median(w for w, _ in samples["minimal boto3 script"])
    botocore = statistics.median(w for w, _ in samples["minimal botocore script"])
    if args.check:
        fast = cli <= CHECK_LIMIT * floor and cli <= BOTOCORE_CHECK_LIMIT * botocore
        verdict = "ok" if fast else "TOO SLOW"
        print(
            f"start-up check: lambda-invoke {cli * 1000:.0f} ms vs minimal boto3 script "
            f"{floor * 1000:.0f} ms = {cli / floor:.2f}x (limit {CHECK_LIMIT}x, median of "
            f"{args.rounds}): {verdict}; vs a minimal botocore script {botocore * 1000:.0f} "
            f"ms: {cli / botocore:.2f}x (limit {BOTOCORE_CHECK_LIMIT}x, aim 0.85x)"
        )
        return 0 if verdict == "ok" else 1
    print(f"one invoke on 127.0.0.1, median of {args.rounds} alternating runs\n")
    print("\n".join(median_table(samples, "aws lambda invoke")))
    aws = statistics.median(w for w, _ in samples["aws lambda invoke"])
    print(f"\nour CLI vs aws lambda invoke: {cli / aws:.2f}x (target <= 0.6x)")
    print(f"our CLI vs minimal boto3 script: {cli / floor:.2f}x (target <= 1.0x)")
    print(f"our CLI vs minimal botocore script: {cli / botocore:.2f}x (aim <= 0.85x)")
    if "docker run (action image)" in samples:
        docker = statistics.median(w for w, _ in samples["docker run (action image)"])
        noop = statistics.median(w for w, _ in samples["docker run (no-op)"])
        print(f"docker run vs our CLI: {docker / cli:.2f}x")
        print(
            f"in the container (docker run - docker's own floor {noop * 1000:.0f} ms): "
            f"{(docker - noop) * 1000:.0f} ms = {(docker - noop) / cli:.2f}x our CLI "
            "(target <= 1.1x)"
        )
        print(
            f"image: {sizes['image']:.0f} MB; compressed {sizes['image compressed']:.1f} MB = "
            f"base {sizes['base compressed']:.1f} MB + our layers "
            f"{sizes['our layers compressed']:.1f} MB (target <= 10 MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
