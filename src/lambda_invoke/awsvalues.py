"""Values serverless.yml reads from AWS: ``${ssm:/path}`` (an SSM parameter, decrypted, as
serverless v3 reads it) and ``${cf:stack.output}`` (a CloudFormation stack's output). Each
lookup is one bounded call; a missing value is None (the variable's default applies), any
other failure one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambda_invoke.awserrors import ErrorAnswer, botocore_error, client_error_text
from lambda_invoke.errors import AwsError, InputError

#: the most ${ssm:}/${cf:} lookups one run makes (each is a call before invoking)
MAX_LOOKUPS = 20
#: a looked-up value longer than this is not a function's name or setting
MAX_VALUE = 4096

ClientFor = Callable[[str, "str | None"], Any]  # (service, region or None) -> client


class AwsLookup:
    """serverless.Lookup over the run's clients, at most MAX_LOOKUPS calls."""

    def __init__(self, client_for: ClientFor, profile: str | None) -> None:
        self.client_for = client_for
        self.profile = profile
        self.calls = 0

    def __call__(self, source: str, address: str, region: str | None) -> Any:
        self.calls += 1
        if self.calls > MAX_LOOKUPS:
            raise InputError(
                "config", f"more than {MAX_LOOKUPS} ${{ssm:}}/${{cf:}} variables to look up"
            )
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            if source == "ssm":
                value = _parameter(self.client_for("ssm", region), address)
            else:
                value = _output(self.client_for("cloudformation", region), address)
        except ClientError as error:
            raise AwsError(
                f"cannot read ${{{source}:{address}}} of serverless.yml: {client_error_text(error)}"
            ) from None
        except BotoCoreError as error:
            raise botocore_error(error, self.profile) from None
        if value is not None and (not isinstance(value, str) or len(value) > MAX_VALUE):
            raise AwsError(f"${{{source}:{address}}} of serverless.yml is not text of a name")
        return value


def _parameter(ssm: Any, name: str) -> Any:
    from botocore.exceptions import ClientError

    try:
        return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ClientError as error:
        if ErrorAnswer.of(error).code == "ParameterNotFound":
            return None
        raise


def _output(cloudformation: Any, address: str) -> Any:
    """``stack.OutputKey``: the stack's output of that key (None: no such stack/output)."""
    from botocore.exceptions import ClientError

    stack, _, key = address.partition(".")
    if not stack or not key:
        raise InputError("config", f"${{cf:{address}}}: give it as ${{cf:STACK.OUTPUT_KEY}}")
    try:
        stacks = cloudformation.describe_stacks(StackName=stack).get("Stacks") or []
    except ClientError as error:
        if "does not exist" in ErrorAnswer.of(error).message:
            return None
        raise
    outputs = stacks[0].get("Outputs") or [] if stacks else []
    return next((o.get("OutputValue") for o in outputs if o.get("OutputKey") == key), None)
