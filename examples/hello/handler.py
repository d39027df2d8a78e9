"""Example functions for the demo and the action's own workflow test."""

import json


def hello(event, context):
    """An API Gateway style answer: the body is a JSON string."""
    name = event.get("name", "world") if isinstance(event, dict) else "world"
    print(f"saying hello to {name}")
    items = [{"name": "tea", "price": 3}, {"name": "cake", "price": 12}]
    body = {"message": f"hello {name}", "items": items, "request": context.aws_request_id}
    return {"statusCode": 200, "body": json.dumps(body)}


def fail(event, context):
    """Always raises, as a broken deploy would."""
    print("about to fail")
    raise ValueError("the database is not reachable")
