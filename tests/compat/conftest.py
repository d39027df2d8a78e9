"""The compatibility matrix's endpoints, started once per session.

Where the endpoint software is not installed the tests are skipped with one loud line;
with LAMBDA_INVOKE_REQUIRE_E2E=1 (set by .ci/run) that is a failure instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from endpoints import REQUIRED, STARTERS, Endpoint, Unavailable
from support import skip_or_fail


@pytest.fixture(scope="session")
def compat_endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Endpoint]]:
    logs = tmp_path_factory.mktemp("compat-logs")
    with ExitStack() as stack:
        started: dict[str, Endpoint] = {}
        for name, start in STARTERS.items():
            try:
                started[name] = stack.enter_context(start(logs))
            except Unavailable as error:
                message = f"COMPATIBILITY MATRIX NOT RUN for {name}: {error}"
                if REQUIRED:
                    skip_or_fail(message)
                sys.stderr.write(f"\n!!! {message}\n")  # its cells are skipped, one line each
        yield started


@pytest.fixture
def endpoint(request: pytest.FixtureRequest, compat_endpoints: dict[str, Endpoint]) -> Endpoint:
    name = request.param
    if name not in compat_endpoints:
        pytest.skip(f"{name} is not installed here (see the line above)")
    return compat_endpoints[name]
