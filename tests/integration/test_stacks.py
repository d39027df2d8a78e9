"""stack-name: the function found through CloudFormation (moto's server on 127.0.0.1),
then invoked there, as sam remote invoke --stack-name does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support import MotoEndpoint, cli_command, run_command, sandbox_env

pytestmark = pytest.mark.integration
HANDLER = "def handle(event, context):\n    return event\n"


def function(role: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "index.handle",
            "Role": role,
            "Code": {"ZipFile": HANDLER},
        },
    }


@pytest.fixture(scope="session")  # once, whatever order the tests run in (mutmut reorders)
def stacks(moto_endpoint: MotoEndpoint) -> dict[str, str]:
    """Stacks one (a function), two (two functions) and bucket (no function)."""
    role = moto_endpoint.client("iam").create_role(
        RoleName="stack-role", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    cloudformation = moto_endpoint.client("cloudformation")
    templates = {
        "one": {"Api": function(role)},
        "two": {
            "First": function(role),
            "Second": function(role),
            "Data": {"Type": "AWS::S3::Bucket"},
        },
        "bucket": {"Data": {"Type": "AWS::S3::Bucket"}},
    }
    for name, resources in templates.items():
        cloudformation.create_stack(
            StackName=name,
            TemplateBody=json.dumps(
                {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
            ),
        )
    physical = {}
    for name in ("one", "two"):
        for item in cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]:
            physical[f"{name}/{item['LogicalResourceId']}"] = item["PhysicalResourceId"]
    return physical


def invoke(moto_endpoint: MotoEndpoint, *argv: str):  # type: ignore[no-untyped-def]
    return run_command(
        [*cli_command(), "--endpoint-url", moto_endpoint.url, "--json", *argv],
        env=sandbox_env(AWS_ENDPOINT_URL_CLOUDFORMATION=moto_endpoint.url),
    )


def test_the_stacks_only_function_needs_no_logical_id(
    moto_endpoint: MotoEndpoint, stacks: dict[str, str]
) -> None:
    done = invoke(moto_endpoint, "--stack-name", "one", "-d", '{"via": "stack"}')
    assert done.returncode == 0, done.stderr
    assert json.loads(json.loads(done.stdout)["payload"]) == {"via": "stack"}
    assert f"lambda-invoke: the function of stack one is {stacks['one/Api']}" in done.stderr
    assert f"invoked {stacks['one/Api']}:" in done.stderr


def test_a_logical_id_picks_one_of_several(
    moto_endpoint: MotoEndpoint, stacks: dict[str, str]
) -> None:
    done = invoke(moto_endpoint, "--stack-name", "two", "--function-name", "Second", "-d", "{}")
    assert done.returncode == 0, done.stderr
    assert f"Second of stack two is {stacks['two/Second']}" in done.stderr
    assert stacks["two/Second"] != stacks["two/First"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--stack-name", "two"),
            "stack two has 2 Lambda functions (First, Second); give the logical id",
        ),
        (
            ("--stack-name", "two", "-f", "Data"),
            "Data in stack two is a AWS::S3::Bucket, not a Lambda function",
        ),
        (("--stack-name", "bucket"), "stack bucket has 0 Lambda functions (none)"),
        (
            ("--stack-name", "missing"),
            "cannot look up the function of stack missing: ValidationError",
        ),
        (
            ("--stack-name", "two", "-f", "Nope"),
            "cannot look up Nope of stack two: ValidationError",
        ),
    ],
)
def test_lookup_problems_are_one_line_exit_3(
    moto_endpoint: MotoEndpoint, stacks: dict[str, str], argv: tuple[str, ...], message: str
) -> None:
    done = invoke(moto_endpoint, *argv)
    assert done.returncode == 3, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("lambda-invoke: error: ")
    assert message in line


def test_a_suite_case_can_name_its_function_by_stack(
    moto_endpoint: MotoEndpoint, stacks: dict[str, str]
) -> None:
    suite = (
        "defaults: {stack-name: two}\n"
        "cases:\n"
        "  - {name: first, function-name: First, payload: {n: 1}, assert: {$.n: 1}}\n"
        "  - {name: second, function-name: Second, payload: {n: 2}, assert: {$.n: 2}}\n"
        "  - {name: only, stack-name: one, function-name: '', payload: {n: 3}}\n"
    )
    done = invoke(moto_endpoint, "--suite", suite)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["function"] for r in results] == [
        stacks["two/First"],
        stacks["two/Second"],
        stacks["one/Api"],
    ]
