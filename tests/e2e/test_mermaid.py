"""The job summary's Mermaid charts, rendered by the Mermaid CLI (npm: @mermaid-js/mermaid-cli,
tests/e2e/mermaid) in Debian's chromium: GitHub draws them with the same library, and a
chart it cannot parse shows as an error box in the summary instead of a picture."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from support import (
    ROOT,
    action_env,
    cli_command,
    local_lambda,
    run_command,
    skip_or_fail,
)

MMDC = ROOT / "tests" / "e2e" / "mermaid" / "node_modules" / ".bin" / "mmdc"
#: chromium as the machine's probe starts it: no sandbox as root, no network of its own
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def mermaid_cli(tmp_path: Path) -> list[str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not MMDC.exists() or browser is None:
        skip_or_fail(
            "MERMAID CHARTS NOT RENDERED: "
            + ("no chromium on PATH" if browser is None else f"{MMDC} is missing (npm ci)")
        )
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"executablePath": browser, "args": CHROMIUM_ARGS}))
    return [str(MMDC), "--quiet", "--puppeteerConfigFile", str(config)]


def test_every_chart_of_a_repeat_summary_renders(tmp_path: Path) -> None:
    handler = tmp_path / "fn.py"
    handler.write_text("def handler(event, context):\n    return {'ok': True}\n")
    summary = tmp_path / "summary.md"
    with local_lambda(tmp_path, {"fn": f"{handler}:handler"}, delay_ms=5) as endpoint:
        done = run_command(
            [*cli_command(), "-f", "fn", "--endpoint-url", endpoint.url, "--repeat", "150",
             "--repeat-concurrency", "4"],
            env=action_env(GITHUB_OUTPUT=str(tmp_path / "out"),
                            GITHUB_STEP_SUMMARY=str(summary)),
            cwd=tmp_path,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    markdown = summary.read_text()
    blocks = re.findall(r"```mermaid\n(.*?)```", markdown, re.S)
    titles = [re.search(r'title "(.*)"', block)[1] for block in blocks]  # type: ignore[index]
    assert titles == [
        "duration-ms (bars), elapsed-ms (line)",  # one percentile chart, from zero
        "elapsed-ms by invocation (the slowest of each 3)",  # 150 invocations in 50 points
    ]
    assert 'x-axis "invocation" 1 --> 150' in blocks[1]
    assert len(re.search(r"line \[(.*)\]", blocks[1])[1].split(", ")) == 50  # type: ignore[index]

    command = mermaid_cli(tmp_path)
    for number, block in enumerate(blocks, 1):
        source = tmp_path / f"chart-{number}.mmd"
        source.write_text(block)
        picture = tmp_path / f"chart-{number}.svg"
        rendered = subprocess.run(
            [*command, "--input", str(source), "--output", str(picture)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rendered.returncode == 0, f"{titles[number - 1]}:\n{rendered.stderr[-2000:]}"
        svg = picture.read_text()
        assert svg.startswith("<svg") and titles[number - 1] in svg
        assert "Syntax error" not in svg
        # the colours readable on GitHub's light and dark themes, not Mermaid's pale ones
        assert "#3b82f6" in svg.lower() or "rgb(59, 130, 246)" in svg


def test_the_renderer_refuses_a_broken_chart(tmp_path: Path) -> None:
    """The check above can fail: a chart cut short is refused with Mermaid's parse error."""
    source = tmp_path / "broken.mmd"
    source.write_text('xychart-beta\n    title "cut"\n    line [1, 2\n')
    rendered = subprocess.run(
        [*mermaid_cli(tmp_path), "--input", str(source), "--output", str(tmp_path / "x.svg")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rendered.returncode != 0 and "Parse error" in rendered.stderr
