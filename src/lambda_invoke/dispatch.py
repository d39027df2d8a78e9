"""Where a function runs: here (invoke local) or through Lambda, as the settings say.

Below both a single run (app) and a suite's cases (suite), which call it alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lambda_invoke.invoke import invoke
from lambda_invoke.outcome import InvokeResult
from lambda_invoke.settings import Settings

ClientFactory = Callable[[Settings], Any]


def call_function(
    settings: Settings,
    client_factory: ClientFactory,
    *,
    say: Callable[[str], None],
    options: Mapping[str, Any],
) -> InvokeResult:
    """Run the handler here (invoke local) or invoke it through Lambda, as settings say."""
    if settings.local:
        from lambda_invoke.local import invoke_local  # (start-up: only invoke local needs it)

        return invoke_local(settings, say)
    return invoke(settings, client_factory(settings), say=say, **options)
