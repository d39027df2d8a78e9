"""stack-name: the function a CloudFormation (or SAM) stack names."""

from __future__ import annotations

from typing import Any

from lambda_invoke.awserrors import botocore_error, client_error_text
from lambda_invoke.deadline import bounded_pages
from lambda_invoke.errors import AwsError
from lambda_invoke.settings import Settings

FUNCTION_TYPES = ("AWS::Lambda::Function",)


def physical_id(cloudformation: Any, settings: Settings) -> str:
    """The function's physical name in the stack: by logical id, or the stack's only one
    (as sam remote invoke looks it up)."""
    from botocore.exceptions import BotoCoreError, ClientError

    stack = settings.stack
    assert stack is not None
    try:
        if stack.logical_id:
            return _by_logical_id(cloudformation, stack.stack_name, stack.logical_id)
        functions = _functions(cloudformation, stack.stack_name)
    except ClientError as error:
        raise AwsError(f"cannot look up {stack.describe()}: {client_error_text(error)}") from None
    except BotoCoreError as error:
        raise botocore_error(error, settings.profile) from None
    if len(functions) != 1:
        names = ", ".join(item["LogicalResourceId"] for item in functions) or "none"
        raise AwsError(
            f"stack {stack.stack_name} has {len(functions)} Lambda functions ({names}); "
            "give the logical id of one as function-name"
        )
    return str(functions[0]["PhysicalResourceId"])


def _by_logical_id(cloudformation: Any, stack_name: str, logical_id: str) -> str:
    resource = cloudformation.describe_stack_resource(
        StackName=stack_name, LogicalResourceId=logical_id
    )["StackResourceDetail"]
    if resource["ResourceType"] not in FUNCTION_TYPES:
        raise AwsError(
            f"{logical_id} in stack {stack_name} is a "
            f"{resource['ResourceType']}, not a Lambda function"
        )
    return str(resource["PhysicalResourceId"])


def _functions(cloudformation: Any, stack_name: str) -> list[dict[str, Any]]:
    """The stack's Lambda functions (resource summaries)."""
    pages = bounded_pages(
        cloudformation.get_paginator("list_stack_resources").paginate(StackName=stack_name),
        what=f"ListStackResources of {stack_name}",
    )
    return [
        item
        for page in pages
        for item in page["StackResourceSummaries"]
        if item["ResourceType"] in FUNCTION_TYPES
    ]
