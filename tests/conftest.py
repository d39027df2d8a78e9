"""Shared fixtures. Every test runs with fake credentials, no instance-metadata probing,
and a loopback default endpoint, so nothing can reach a real AWS host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MotoEndpoint, Stubbed, make_zip, reset_moto, sandbox_env, start_moto

#: tests in these folders get the marker of the folder's name
MARKED_FOLDERS = ("e2e", "compat")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent
    for item in items:
        folder = Path(str(item.fspath)).relative_to(tests).parts[0]
        if folder in MARKED_FOLDERS:
            item.add_marker(getattr(pytest.mark, folder))
    _quickest_first_on_a_mutant(items)


def _quickest_first_on_a_mutant(items: list[pytest.Item]) -> None:
    """Under mutmut (scripts/mutation.sh) a mutant is killed by the first test that fails:
    the quickest tests first (mutmut's own timings of the tests) make a kill cheap."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    stats = Path("mutmut-stats.json")  # mutmut runs the tests in its mutants folder
    if mutant in ("", "stats", "fail") or not stats.exists():
        return
    import json

    durations = json.loads(stats.read_text()).get("duration_by_test", {})
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.fixture(autouse=True)
def aws_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("AWS_", "INPUT_", "GITHUB_", "LAMBDA_INVOKE_")):
            monkeypatch.delenv(key)
    for key, value in sandbox_env().items():
        if key.startswith(("AWS_", "LAMBDA_INVOKE_")):
            monkeypatch.setenv(key, value)


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    stub = Stubbed()
    yield stub
    stub.stubber.deactivate()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[MotoEndpoint]:
    """moto's server on a free loopback port, with functions echo (+ version 1, alias live)."""
    server, endpoint = start_moto()
    reset_moto(endpoint)  # a session before this one in this process (mutmut) left its state
    role = endpoint.client("iam").create_role(
        RoleName="lambda-role", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    lam = endpoint.client()
    lam.create_function(
        FunctionName="echo",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": make_zip("def handle(event, context):\n    return event\n")},
    )
    version = lam.publish_version(FunctionName="echo")["Version"]
    lam.create_alias(FunctionName="echo", Name="live", FunctionVersion=version)
    yield endpoint
    server.stop()
