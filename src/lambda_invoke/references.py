"""The grammar of what names a function and the identity that calls it: function names,
partial and full ARNs, qualifiers, regions against an ARN's partition, stacks and their
logical ids, roles and session names. Each refusal is an InputError naming the input."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from lambda_invoke.errors import InputError
from lambda_invoke.inputparse import parse_number
from lambda_invoke.regions import find_partition, partition_ids, partition_of

if TYPE_CHECKING:
    from lambda_invoke.serverless import ServerlessFunction

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_QUALIFIER = re.compile(r"\$LATEST|[A-Za-z0-9_-]+")
_ARN = re.compile(
    r"arn:(?P<partition>[a-z-]+):lambda:(?P<region>[^:]*):(?P<account>[^:]*):function:"
    r"(?P<name>[^:]*)(?::(?P<qualifier>[^:]*))?"
)
# The patterns below are compiled when first used (re's cache): most runs need none of them.
_PARTIAL_ARN = r"(?P<account>[^:]*):function:(?P<name>[^:]*)(?::(?P<qualifier>[^:]*))?"
_ARN_FORM = "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]"
_ROLE_ARN = r"arn:aws[a-zA-Z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}"
_SESSION_NAME = r"[\w+=,.@-]{2,64}"
_STACK_NAME = r"[A-Za-z][A-Za-z0-9-]{0,127}"
_STACK_ARN = (
    r"arn:aws[a-zA-Z-]*:cloudformation:(?P<region>[a-z0-9-]+):\d{12}:stack/"
    r"(?P<name>[A-Za-z][A-Za-z0-9-]{0,127})/[\w-]+"
)
_LOGICAL_ID = r"[A-Za-z0-9]{1,255}"
MAX_FUNCTION_NAME = 64
MAX_FUNCTION_REFERENCE = 170  # FunctionName of Invoke: the ARN with a qualifier
MAX_QUALIFIER = 128


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A parsed function-name: what to send, and what it says about itself."""

    value: str  # sent as FunctionName, exactly as given
    name: str
    qualifier: str | None
    region: str | None  # from a full ARN


class RoleSettings(NamedTuple):
    """A role to assume before anything else (role-to-assume and its companions)."""

    arn: str
    session_name: str
    duration_seconds: int
    audience: str  # of the GitHub OIDC token


class StackRef(NamedTuple):
    """A function named through CloudFormation: the stack and the function's logical id."""

    stack_name: str
    logical_id: str | None  # None: the stack's only function

    def describe(self) -> str:
        return f"{self.logical_id or 'the function'} of stack {self.stack_name}"


def parse_function_name(text: str) -> FunctionRef:
    """Accept the forms ``aws lambda invoke`` accepts, with the same limits."""
    if not text:
        raise InputError(
            "function-name",
            "is required (a name, name:alias or ARN; or function, a serverless.yml key; "
            "or stack-name)",
        )
    if len(text) > MAX_FUNCTION_REFERENCE:
        raise InputError(
            "function-name", f"is {len(text)} characters; at most {MAX_FUNCTION_REFERENCE}"
        )
    region = None
    if text.startswith("arn:"):
        match = _ARN.fullmatch(text)
        if not match:
            raise InputError(
                "function-name", f"'{text}' is not a Lambda function ARN ({_ARN_FORM})"
            )
        region = match["region"]
        _check_arn_partition(match["partition"], region)
    elif ":function:" in text:
        match = re.fullmatch(_PARTIAL_ARN, text)
        if not match:
            raise InputError(
                "function-name",
                f"'{text}' is not a partial ARN (ACCOUNT:function:NAME[:QUALIFIER])",
            )
    else:
        name, _, qualifier = text.partition(":")
        if ":" in qualifier:
            raise InputError("function-name", f"'{text}' has more than one ':' qualifier")
        return function_ref(text, name, qualifier if _ else None, None)
    if not re.fullmatch(r"\d{12}", match["account"]):
        raise InputError("function-name", f"the account '{match['account']}' is not 12 digits")
    return function_ref(text, match["name"], match["qualifier"], region)


def check_region(input_name: str, region: str) -> None:
    """A region of a partition botocore knows (commercial, China, GovCloud, ISO, EUSC...)."""

    if partition_of(region) is None:
        raise InputError(
            input_name,
            f"'{region}' is not a region of any AWS partition the installed botocore knows "
            f"({', '.join(partition_ids())}); like us-east-1",
        )


def _check_arn_partition(partition_id: str, region: str) -> None:

    partition = find_partition(partition_id)
    if partition is None:
        raise InputError(
            "function-name",
            f"the ARN's partition '{partition_id}' is not one the installed botocore knows "
            f"({', '.join(partition_ids())})",
        )
    if not partition.has_region(region):
        raise InputError(
            "function-name",
            f"the ARN's region '{region}' is not a region of partition {partition_id}",
        )


@functools.lru_cache(maxsize=512)  # a suite's cases of one function share its reference
def function_ref(text: str, name: str, qualifier: str | None, region: str | None) -> FunctionRef:
    if not name:
        raise InputError("function-name", f"'{text}' has no function name")
    if len(name) > MAX_FUNCTION_NAME:
        raise InputError(
            "function-name",
            f"the name '{name[:20]}...' is {len(name)} characters; at most {MAX_FUNCTION_NAME}",
        )
    if not _NAME.fullmatch(name):
        raise InputError(
            "function-name", f"'{name}' may hold only letters, digits, hyphens and underscores"
        )
    if qualifier is not None:
        check_qualifier("function-name", qualifier)
    return FunctionRef(value=text, name=name, qualifier=qualifier, region=region)


def check_qualifier(input_name: str, qualifier: str) -> None:
    if len(qualifier) > MAX_QUALIFIER or not _QUALIFIER.fullmatch(qualifier):
        raise InputError(
            input_name, f"'{qualifier}' is not a version or alias (letters, digits, - and _)"
        )


def stack_of(get: Any, serverless: ServerlessFunction | None) -> StackRef | None:
    """stack-name (a name or a stack ARN) and the logical id in function-name (local with
    stack-name was refused before)."""
    stack_name = get("stack-name")
    if not stack_name:
        return None
    if serverless is not None:
        raise InputError("stack-name", "give stack-name or function (serverless.yml), not both")
    if not (re.fullmatch(_STACK_NAME, stack_name) or re.fullmatch(_STACK_ARN, stack_name)):
        raise InputError(
            "stack-name",
            f"'{stack_name}' is not a stack name (a letter, then letters, digits, hyphens; "
            "at most 128) or a stack ARN",
        )
    logical_id = get("function-name") or None
    if logical_id is not None and not re.fullmatch(_LOGICAL_ID, logical_id):
        raise InputError(
            "function-name",
            f"with stack-name, function-name is the function's logical id in the template "
            f"(letters and digits), got '{logical_id}'",
        )
    return StackRef(stack_name, logical_id)


def stack_region(stack_name: str) -> str | None:
    match = re.fullmatch(_STACK_ARN, stack_name)
    if not match:
        return None
    check_region("stack-name", match["region"])
    return match["region"]


def role_of(get: Any) -> RoleSettings | None:
    arn = get("role-to-assume")
    if not arn:
        return None
    if not re.fullmatch(_ROLE_ARN, arn):
        raise InputError(
            "role-to-assume", f"'{arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
        )
    session_name = get("role-session-name")
    if not re.fullmatch(_SESSION_NAME, session_name):
        raise InputError(
            "role-session-name",
            f"'{session_name}' must be 2 to 64 letters, digits or _+=,.@- characters",
        )
    duration = int(
        parse_number(
            "role-duration-seconds",
            get("role-duration-seconds"),
            minimum=900,
            maximum=43200,  # 12 hours: STS's limit
            integer=True,
        )
    )
    audience = get("audience")
    if not audience:
        raise InputError("audience", "must not be empty")
    return RoleSettings(arn, session_name, duration, audience)
