"""End-to-end fixtures: a Docker engine and the action's image, built once per session.

Where no engine can be had the e2e tests are skipped with one loud line; with
LAMBDA_INVOKE_REQUIRE_E2E=1 (set by .ci/run) that is a failure instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Engine, EngineUnavailable, base_image, build_action_image, start_engine

REQUIRED = os.environ.get("LAMBDA_INVOKE_REQUIRE_E2E") == "1"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    try:
        started = start_engine()
    except EngineUnavailable as error:
        message = f"END-TO-END TESTS NOT RUN: no Docker engine here ({error})"
        sys.stderr.write(f"\n!!! {message}\n")
        if REQUIRED:
            pytest.fail(f"{message}; LAMBDA_INVOKE_REQUIRE_E2E=1 requires them", pytrace=False)
        pytest.skip(message)
    yield started
    started.stop()


@pytest.fixture(scope="session")
def action_image(engine: Engine) -> str:
    return build_action_image(engine, base_image(engine))
