"""Release helpers for .github/workflows/release.yml (standard library only).

    python scripts/release.py version v1.2.3     # prints version=1.2.3, major=1, minor=1.2
    python scripts/release.py action-yml IMAGE 1.2.3 sha256:DIGEST
                                                 # action.yml -> image: docker://IMAGE@sha256:...
    python scripts/release.py notes 1.2.3        # the CHANGELOG.md section of 1.2.3

Releases run the prebuilt image from GitHub Container Registry, pinned by digest (a re-run
cannot change what a release runs), so users pay no image build per run; the repository's
own action.yml keeps ``image: Dockerfile`` for ``uses: ./``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_TAG = re.compile(r"v(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)")
IMAGE = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)+")
SOURCE_LINE = "  image: Dockerfile\n"
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def versions(tag: str) -> dict[str, str]:
    match = VERSION_TAG.fullmatch(tag)
    if not match:
        raise ValueError(f"'{tag}' is not a release tag like v1.2.3")
    major, minor, patch = match["major"], match["minor"], match["patch"]
    return {"version": f"{major}.{minor}.{patch}", "minor": f"{major}.{minor}", "major": major}


def release_action_yml(text: str, image: str, version: str, digest: str) -> str:
    """The source action.yml with its image pinned, by digest, to the released one."""
    if not IMAGE.fullmatch(image):
        raise ValueError(f"'{image}' is not a lower-case image name like ghcr.io/owner/name")
    versions(f"v{version}")
    if not DIGEST.fullmatch(digest):
        raise ValueError(f"'{digest}' is not an image digest (sha256: and 64 hex digits)")
    if text.count(SOURCE_LINE) != 1:
        raise ValueError("action.yml has no single 'image: Dockerfile' line to replace")
    return text.replace(SOURCE_LINE, f'  image: "docker://{image}@{digest}" # {version}\n')


def release_notes(changelog: str, version: str) -> str:
    """The CHANGELOG.md section ``## [X.Y.Z] ...`` (Keep a Changelog), without its heading."""
    versions(f"v{version}")
    match = re.search(
        rf"^## \[{re.escape(version)}\][^\n]*\n(?P<body>.*?)(?=^## |\Z)", changelog, re.M | re.S
    )
    if not match or not match["body"].strip():
        raise ValueError(f"CHANGELOG.md has no section '## [{version}]' with notes")
    return match["body"].strip() + "\n"


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 2 and argv[0] == "version":
            for key, value in versions(argv[1]).items():
                print(f"{key}={value}")
            return 0
        if len(argv) == 4 and argv[0] == "action-yml":
            path = ROOT / "action.yml"
            path.write_text(release_action_yml(path.read_text(), argv[1], argv[2], argv[3]))
            return 0
        if len(argv) == 2 and argv[0] == "notes":
            print(release_notes((ROOT / "CHANGELOG.md").read_text(), argv[1]), end="")
            return 0
    except ValueError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
