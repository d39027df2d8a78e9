"""The Lambda console's shareable test events, as payloads: ``test-event: NAME``.

The console saves them in the EventBridge Schemas registry ``lambda-testevent-schemas``,
one schema per function (``_<function-name>-schema``, OpenAPI 3), each event an example
under ``components.examples.<NAME>.value``.
"""

from __future__ import annotations

import json
from typing import Any

from lambda_invoke.awserrors import ErrorAnswer, client_error_text
from lambda_invoke.deadline import ListingTooLong, bounded_pages
from lambda_invoke.errors import AwsError
from lambda_invoke.loading import MAX_FILE_BYTES, parse_json

REGISTRY = "lambda-testevent-schemas"


def load_test_event(schemas: Any, function: str, event: str) -> bytes:
    """The saved event's JSON; a missing registry, schema or event is one line that lists
    what exists."""
    from botocore.exceptions import BotoCoreError, ClientError

    schema = f"_{function}-schema"
    try:
        content = schemas.describe_schema(RegistryName=REGISTRY, SchemaName=schema)["Content"]
    except ClientError as error:
        if ErrorAnswer.of(error).code != "NotFoundException":
            raise AwsError(f"cannot read test event {event}: {client_error_text(error)}") from None
        raise AwsError(_missing_schema(schemas, function)) from None
    except BotoCoreError as error:
        raise AwsError(f"cannot read test event {event}: {error}") from None
    examples = _examples(content, function, schema)
    if event not in examples:
        saved = ", ".join(sorted(examples))
        raise AwsError(f"no test event '{event}' for {function}; saved: {saved or 'none'}")
    value = examples[event].get("value") if isinstance(examples[event], dict) else None
    return json.dumps(value).encode("utf-8")


def _examples(content: str, function: str, schema: str) -> dict[str, Any]:
    """The saved events of a test-event schema (its OpenAPI examples), by name."""
    if len(content) > MAX_FILE_BYTES:
        raise AwsError(f"the test events of {function} are over {MAX_FILE_BYTES} bytes")
    try:
        examples = parse_json(content).get("components", {}).get("examples", {})
    except (ValueError, AttributeError):
        raise AwsError(
            f"the test events of {function} ({REGISTRY}/{schema}) are not JSON"
        ) from None
    return examples if isinstance(examples, dict) else {}


def _missing_schema(schemas: Any, function: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        names = _schema_names(schemas)
    except ClientError as error:
        if ErrorAnswer.of(error).code == "NotFoundException":
            return (
                f"no shareable test events here: the registry {REGISTRY} does not exist "
                "(save a shareable test event in the Lambda console first)"
            )
        return f"no test events saved for {function} ({client_error_text(error)})"
    except BotoCoreError as error:
        return f"no test events saved for {function} ({error})"
    except ListingTooLong as error:
        return f"no test events saved for {function} ({error})"
    functions = sorted(name[1 : -len("-schema")] for name in names if name.endswith("-schema"))
    return (
        f"no test events saved for {function}; functions with test events: "
        f"{', '.join(functions) or 'none'}"
    )


def _schema_names(schemas: Any) -> list[str]:
    pages = bounded_pages(
        schemas.get_paginator("list_schemas").paginate(RegistryName=REGISTRY),
        what=f"ListSchemas of {REGISTRY}",
    )
    return [
        item["SchemaName"]
        for page in pages
        for item in page.get("Schemas") or []
        if isinstance(item, dict) and isinstance(item.get("SchemaName"), str)
    ]
