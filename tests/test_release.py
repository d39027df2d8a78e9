"""scripts/release.py: release tags and the released action.yml (prebuilt image)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from support import ROOT


def load_release() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


release = load_release()


def test_version_tags() -> None:
    assert release.versions("v1.12.0") == {"version": "1.12.0", "minor": "1.12", "major": "1"}
    for bad in ("1.2.3", "v1.2", "v1.2.3-rc1", "v01.2.3", "vx.y.z"):
        with pytest.raises(ValueError, match="not a release tag"):
            release.versions(bad)


DIGEST = "sha256:" + "ab12" * 16
IMAGE = "ghcr.io/acme/lambda-invoke-action"


def test_released_action_yml_pins_the_image_by_digest(tmp_path: Path) -> None:
    source = (ROOT / "action.yml").read_text()
    released = release.release_action_yml(source, IMAGE, "1.4.2", DIGEST)
    assert yaml.safe_load(released)["runs"] == {
        "using": "docker",
        "image": f"docker://{IMAGE}@{DIGEST}",
    }
    changed = [
        (a, b) for a, b in zip(source.splitlines(), released.splitlines(), strict=True) if a != b
    ]
    assert changed == [("  image: Dockerfile", f'  image: "docker://{IMAGE}@{DIGEST}" # 1.4.2')]
    path = tmp_path / "action.yml"
    path.write_text(released)
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert checker, "check-jsonschema is a pinned test tool"
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.github-actions", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("image", "version", "digest", "message"),
    [
        ("ghcr.io/Acme/lambda-invoke-action", "1.0.0", DIGEST, "lower-case image name"),
        ("lambda-invoke-action", "1.0.0", DIGEST, "lower-case image name"),
        (IMAGE, "1.0", DIGEST, "not a release tag"),
        (IMAGE, "1.0.0", "latest", "not an image digest"),
        (IMAGE, "1.0.0", "sha256:abc", "not an image digest"),
    ],
)
def test_bad_release_arguments(image: str, version: str, digest: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        release.release_action_yml((ROOT / "action.yml").read_text(), image, version, digest)


def test_a_released_action_yml_cannot_be_released_again() -> None:
    once = release.release_action_yml((ROOT / "action.yml").read_text(), IMAGE, "1.0.0", DIGEST)
    with pytest.raises(ValueError, match="no single 'image: Dockerfile' line"):
        release.release_action_yml(once, IMAGE, "1.0.1", DIGEST)


CHANGELOG = """# Changelog

## [Unreleased]
- next

## [1.2.0] - 2026-12-01
### Added
- a thing

## [1.1.0] - 2026-11-01
- older
"""


def test_release_notes_are_the_changelog_section() -> None:
    assert release.release_notes(CHANGELOG, "1.2.0") == "### Added\n- a thing\n"
    assert release.release_notes(CHANGELOG, "1.1.0") == "- older\n"
    with pytest.raises(ValueError, match=r"no section '## \[1.3.0\]'"):
        release.release_notes(CHANGELOG, "1.3.0")
    release.release_notes((ROOT / "CHANGELOG.md").read_text(), "0.1.0")  # the real file


def test_release_workflow_permissions_and_trigger() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert workflow["permissions"] == {}
    assert list(workflow[True]) == ["workflow_dispatch"]  # YAML 1.1: on -> True
    jobs = workflow["jobs"]
    assert jobs["image"]["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert jobs["action"]["permissions"] == {"contents": "write"}
    assert jobs["action"]["needs"] == ["image", "pypi"]
    assert jobs["pypi"]["permissions"] == {"contents": "read", "id-token": "write"}
    publish = jobs["pypi"]["steps"][-1]
    assert publish["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert publish["with"]["attestations"] is True
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    assert (
        '--force "v$VERSION"' not in text
        and 'push --force "$SERVER/$REPOSITORY" "refs/tags/v$MAJOR"' in text
    )
    assert "linux/amd64,linux/arm64" in text
