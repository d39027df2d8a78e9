"""Example functions for the demo and the action's own workflow test."""

import json
import os


def hello(event, context):
    """An API Gateway style answer: the body is a JSON string."""
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    greeting = os.environ.get("GREETING", "hello")
    print(f"saying {greeting} to {name} from {context.function_name}")
    items = [{"name": "tea", "price": 3}, {"name": "cake", "price": 12}]
    body = {
        "message": f"{greeting} {name}",
        "items": items,
        "request": context.aws_request_id,
        "stage": os.environ.get("STAGE", ""),
    }
    return {"statusCode": 200, "body": json.dumps(body)}


def fail(event, context):
    """Always raises, as a broken deploy would."""
    print("about to fail")
    raise ValueError("the database is not reachable")
