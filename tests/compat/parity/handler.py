"""Reports what the handler sees: event, chosen environment variables, context."""

import os

KEYS = ("FROM_PROVIDER", "NULL_VAR", "DROPPED_BY_FUNCTION", "EMPTY_E", "SET_E", "IS_LOCAL")


def report(event, context):  # type: ignore[no-untyped-def]
    return {
        "event": event,
        "env": {key: os.environ.get(key, "<unset>") for key in KEYS},
        "custom": repr(getattr(context, "custom", "<no attribute>")),
        "function_name": context.function_name,
        "memory": str(context.memory_limit_in_mb),
    }
