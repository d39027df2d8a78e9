"""Functions for the suite tests, served by scripts/local_lambda.py."""

import json


def echo(event, context):
    """Answers with the event, and a proxy-style body for body assertions."""
    print(f"echo {json.dumps(event)}")
    return {"statusCode": 200, "event": event, "body": json.dumps({"seen": event})}


def fail(event, context):
    """Raises: an Unhandled function error."""
    print("failing on purpose")
    raise RuntimeError(event.get("message", "boom") if isinstance(event, dict) else "boom")
