"""End-to-end fixtures: a Docker engine and the action's image, built once per session.

Where no engine can be had the e2e tests are skipped with one loud line; with
LAMBDA_INVOKE_REQUIRE_E2E=1 (set by .ci/run) that is a failure instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import Engine, EngineUnavailable, base_image, build_action_image, start_engine
from support import skip_or_fail


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    try:
        started = start_engine()
    except EngineUnavailable as error:
        skip_or_fail(f"END-TO-END TESTS NOT RUN: no Docker engine here ({error})")
    yield started
    started.stop()


@pytest.fixture(scope="session")
def action_image(engine: Engine) -> str:
    return build_action_image(engine, base_image(engine))
