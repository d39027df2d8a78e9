"""The compatibility matrix's function (Python): the event's "case" says what to do."""

import time


def handler(event, context):  # type: ignore[no-untyped-def]
    case = event.get("case") if isinstance(event, dict) else None
    print(f"compat case {case}")
    if case == "raise":
        raise ValueError("compat boom")
    if case == "timeout":
        time.sleep(30)
    if case == "big":
        return "x" * (7 * 1024 * 1024)  # over Lambda's 6 MB response limit
    if case == "string":
        return "hello"
    return {"ok": True, "case": case}
