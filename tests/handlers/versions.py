"""Two versions of one function for compare-to, served by scripts/local_lambda.py as
orders:live (the baseline) and orders:candidate (the new version). Both stamp each answer
with the time and a fresh id (noise); the candidate renames a status and sleeps longer
when the event asks (its latency)."""

import json
import time
import uuid


def _answer(event, status):
    if isinstance(event, dict) and event.get("sleep-ms"):
        time.sleep(event["sleep-ms"] / 1000)
    body = {"status": status, "at": time.time(), "id": str(uuid.uuid4()), "items": [1, 2, 3]}
    return {"statusCode": 200, "body": json.dumps(body)}


def live(event, context):
    return _answer(event, "ok")


def candidate(event, context):
    if isinstance(event, dict) and event.get("crash"):
        raise RuntimeError("the candidate crashed")
    status = "OK" if isinstance(event, dict) and event.get("rename") else "ok"
    if isinstance(event, dict) and event.get("candidate-sleep-ms"):
        time.sleep(event["candidate-sleep-ms"] / 1000)
    return _answer(event, status)
