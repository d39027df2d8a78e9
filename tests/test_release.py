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


def test_released_action_yml_differs_only_in_the_image(tmp_path: Path) -> None:
    source = (ROOT / "action.yml").read_text()
    released = release.release_action_yml(source, "ghcr.io/acme/lambda-invoke-action", "1.4.2")
    assert yaml.safe_load(released)["runs"] == {
        "using": "docker",
        "image": "docker://ghcr.io/acme/lambda-invoke-action:1.4.2",
    }
    changed = [
        (a, b) for a, b in zip(source.splitlines(), released.splitlines(), strict=True) if a != b
    ]
    assert changed == [
        ("  image: Dockerfile", '  image: "docker://ghcr.io/acme/lambda-invoke-action:1.4.2"')
    ]
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
    ("image", "version", "message"),
    [
        ("ghcr.io/Acme/lambda-invoke-action", "1.0.0", "lower-case image name"),
        ("lambda-invoke-action", "1.0.0", "lower-case image name"),
        ("ghcr.io/acme/lambda-invoke-action", "1.0", "not a release tag"),
    ],
)
def test_bad_release_arguments(image: str, version: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        release.release_action_yml((ROOT / "action.yml").read_text(), image, version)


def test_a_released_action_yml_cannot_be_released_again() -> None:
    once = release.release_action_yml(
        (ROOT / "action.yml").read_text(), "ghcr.io/acme/lambda-invoke-action", "1.0.0"
    )
    with pytest.raises(ValueError, match="no single 'image: Dockerfile' line"):
        release.release_action_yml(once, "ghcr.io/acme/lambda-invoke-action", "1.0.1")


def test_release_workflow_least_permissions_and_tag_trigger() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow[True]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]  # YAML 1.1: on -> True
    jobs = workflow["jobs"]
    assert jobs["image"]["permissions"] == {"contents": "read", "packages": "write"}
    assert jobs["action"]["permissions"] == {"contents": "write"}
    assert jobs["action"]["needs"] == "image"
