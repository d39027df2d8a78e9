"""The README's picture of a job summary stays true: its Markdown (docs/images/summary.md,
drawn to summary.png by scripts/summary_picture.py) is made again from a real run and
compared, figures aside. A change to what a summary shows fails here until the picture
is made again (and looked at)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support import ROOT, sandbox_env

pytestmark = pytest.mark.integration


def test_the_summary_picture_shows_what_a_run_writes_today() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "summary_picture.py"), "--check"],
        env=sandbox_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (ROOT / "docs" / "images" / "summary.png").stat().st_size > 10_000


def test_the_drift_check_can_fail(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import summary_picture
    finally:
        sys.path.pop(0)
    kept = (ROOT / "docs" / "images" / "summary.md").read_text()
    assert summary_picture.shape(kept) == summary_picture.shape(kept.replace("98.45", "12.5"))
    assert summary_picture.shape(kept) != summary_picture.shape(
        kept.replace("| Case |", "| Name |")
    )
