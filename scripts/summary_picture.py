#!/usr/bin/env python3
"""The README's picture of a job summary, made from a real run.

The example service (examples/hello) on a local Lambda endpoint (scripts/local_lambda.py),
run as the action does on GitHub's runner: its smoke suite, then a repeat with a latency
gate, both writing to one GITHUB_STEP_SUMMARY. The Markdown is kept in
docs/images/summary.md and drawn to docs/images/summary.png as GitHub draws it: cmark-gfm
(GitHub's Markdown renderer) and Mermaid (the library GitHub draws charts with) in
headless chromium.

    .venv/bin/python scripts/summary_picture.py           # write summary.md and summary.png
    .venv/bin/python scripts/summary_picture.py --check   # exit 1 when summary.md is stale

``--check`` (run by the tests) makes the Markdown again and compares it with the kept one,
figures aside: a change to what a summary shows fails it until the picture is made again.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hello"
IMAGES = ROOT / "docs" / "images"
MARKDOWN = IMAGES / "summary.md"
PICTURE = IMAGES / "summary.png"
NODE_MODULES = ROOT / "tests" / "e2e" / "mermaid" / "node_modules"
MERMAID = NODE_MODULES / "mermaid" / "dist"
#: GitHub draws the summary's emoji in colour; this chromium draws no colour font (COLRv1
#: renders blank here), so they are drawn in Noto Emoji's outlines
EMOJI = NODE_MODULES / "@fontsource" / "noto-emoji" / "index.css"
#: puppeteer (the Mermaid CLI's) in Debian's chromium: a screenshot of the whole page
SHOT = """\
import puppeteer from "puppeteer";
const [page_url, picture, browser_path] = process.argv.slice(2);
const browser = await puppeteer.launch({executablePath: browser_path,
  args: ["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"]});
const page = await browser.newPage();
await page.setViewport({width: 1004, height: 600, deviceScaleFactor: 1});
await page.goto(page_url, {waitUntil: "networkidle0"});
await page.waitForFunction(() => document.querySelectorAll(".mermaid svg").length ===
  document.querySelectorAll(".mermaid").length, {timeout: 30000});
await page.screenshot({path: picture, fullPage: true});
await browser.close();
"""
#: a figure: a number with an optional fraction (timings, counts, percentiles)
_FIGURE = re.compile(r"\d+(\.\d+)?")
#: what changes from run to run besides figures: request ids, dates in log streams
_VOLATILE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

CSS = """
body { font-family: "Noto Emoji", -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial,
       sans-serif;  /* the emoji font first: its unicode-range keeps it to emoji */
       font-size: 14px; line-height: 1.5; color: #1f2328; background: #fff;
       margin: 0; padding: 24px 32px; width: 940px; }
h3 { font-size: 1.25em; margin: 24px 0 12px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
a { color: #0969da; text-decoration: none; }
details { margin: 0 0 16px; }
.mermaid { margin: 0 0 16px; max-width: 640px; }
"""


def _env(**extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_REGION": "eu-west-1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.update(extra)
    return env


#: a checkout function that takes what such functions take: 60-120 ms, and every eighth
#: call slowed by its database (the latency gate below is set to catch that); the same
#: timings every run, so the picture's verdict is always the same
CHECKOUT = """\
import time

calls = 0

def checkout(event, context):
    global calls
    calls += 1
    slow = 0.25 if calls % 8 == 0 else 0.0
    time.sleep(0.06 + (calls * 37 % 60) / 1000 + slow)
    return {"statusCode": 200, "body": '{"order": "accepted"}'}
"""


def make_markdown(work: Path) -> str:
    """The job summary of the example's smoke suite and of a repeat with a latency gate
    that fails (p95 under 150 ms), as one job's steps would write it."""
    url_file = work / "url"
    (work / "checkout.py").write_text(CHECKOUT)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "local_lambda.py"), "--url-file", str(url_file),
         "--function", f"hello-service-dev-hello={EXAMPLE / 'handler.py'}:hello",
         "--function", f"hello-service-dev-broken={EXAMPLE / 'handler.py'}:fail",
         "--function", f"shop-prod-checkout={work / 'checkout.py'}:checkout"],
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            if url_file.exists() and url_file.read_text().strip():
                break
            time.sleep(0.05)
        endpoint = url_file.read_text().strip()
        summary = work / "summary.md"
        env = _env(
            GITHUB_ACTIONS="true",
            LAMBDA_INVOKE_AS_ACTION="true",
            GITHUB_OUTPUT=str(work / "outputs"),
            GITHUB_STEP_SUMMARY=str(summary),
        )
        command = [sys.executable, "-m", "lambda_invoke", "--endpoint-url", endpoint]
        runs = [
            ["suite", "smoke.yml"],
            ["--function-name", "shop-prod-checkout", "--repeat", "80",
             "--repeat-concurrency", "1", "--assert",
             "duration-ms-p95: { lt: 150 }\nfunction-errors: 0\n$.statusCode: 200"],
        ]  # fmt: skip
        for argv in runs:
            subprocess.run(
                [*command, *argv], env=env, cwd=EXAMPLE, capture_output=True, timeout=120,
                check=False,
            )  # fmt: skip
        return summary.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)


def shape(markdown: str) -> str:
    """The summary with its figures and ids replaced: what a drift check compares."""
    return _FIGURE.sub("N", _VOLATILE.sub("ID", markdown))


def emoji_faces() -> str:
    """Noto Emoji's @font-face rules kept to pictographs: its ranges also hold the digits,
    # and * (keycap bases), which must stay in the text's own font."""

    def pictographs(match: re.Match[str]) -> str:
        kept = [
            part
            for part in match[1].split(",")
            if int(part.strip().removeprefix("U+").split("-")[0], 16) >= 0x2000
        ]
        return f"unicode-range: {','.join(kept) or 'U+E000'};"

    css = EMOJI.read_text().replace("url(./files/", f"url({EMOJI.parent.as_uri()}/files/")
    return re.sub(r"unicode-range: ([^;]*);", pictographs, css)


def render(markdown: str, picture: Path, work: Path) -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    body = re.sub(
        r'<pre lang="mermaid"><code>(.*?)</code></pre>',
        lambda match: f'<div class="mermaid">{match[1]}</div>',
        body,
        flags=re.S,
    )
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    node = shutil.which("node")
    if browser is None or node is None or not EMOJI.exists():
        raise SystemExit("summary_picture: needs chromium, node and tests/e2e/mermaid (npm ci)")
    page = work / "summary.html"
    page.write_text(
        f"<!doctype html><meta charset='utf-8'><style>{emoji_faces()}{CSS}</style>{body}"
        f"<script src='{(MERMAID / 'mermaid.min.js').as_uri()}'></script>"
        "<script>mermaid.initialize({startOnLoad: true});</script>"
    )
    script = NODE_MODULES.parent / ".summary-shot.mjs"  # beside node_modules: puppeteer found
    script.write_text(SHOT)
    try:
        subprocess.run(
            [node, str(script), page.as_uri(), str(picture), browser],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    finally:
        script.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with summary.md only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        markdown = make_markdown(work)
        if args.check:
            if shape(markdown) != shape(MARKDOWN.read_text()):
                print(
                    "summary_picture: docs/images/summary.md is stale: the job summary changed;"
                    " run python scripts/summary_picture.py and look at summary.png",
                    file=sys.stderr,
                )
                return 1
            return 0
        IMAGES.mkdir(parents=True, exist_ok=True)
        MARKDOWN.write_text(markdown)
        render(markdown, PICTURE, work)
    print(json.dumps({"markdown": str(MARKDOWN), "picture": str(PICTURE)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
