"""How an AWS error is worded: what an error answer says (ErrorAnswer), and the one line
for a ClientError, an Invoke's error answer and botocore's own errors. Every AWS caller
(invoke, aws, roles, stacks, full logs, test events) words its errors here."""

from __future__ import annotations

from typing import Any, NamedTuple

from lambda_invoke.errors import AwsError


class ErrorAnswer(NamedTuple):
    """What an error answer (a ClientError) says. botocore fills Error and ResponseMetadata;
    anything else raising ClientError may not: what is missing is empty."""

    code: str
    message: str
    status: int
    request_id: str | None
    body: bytes  # the start of the body (_keep_error_body), when kept

    @classmethod
    def of(cls, error: Any) -> ErrorAnswer:
        response = getattr(error, "response", None) or {}
        details = response.get("Error") or {}
        metadata = response.get("ResponseMetadata") or {}
        body = response.get("LambdaInvokeErrorBody")
        return cls(
            code=str(details.get("Code") or ""),
            message=str(details.get("Message") or ""),
            status=int(metadata.get("HTTPStatusCode") or 0),
            request_id=metadata.get("RequestId") or None,
            body=body if isinstance(body, bytes) else b"",
        )


def client_error_text(error: Any) -> str:
    """``Code: message`` of a botocore ClientError, on one line."""
    answer = ErrorAnswer.of(error)
    return f"{answer.code or 'Unknown'}: {' '.join(answer.message.split())}"


ACCESS = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "KMSAccessDeniedException",
    }
)


def one_line(value: object, limit: int = 500) -> str:
    """``value`` as one line of text, cut at ``limit`` characters (untrusted text: an
    endpoint's message, a botocore error)."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def closed_why(error: Any) -> str:
    """What ended the answer: a header over http.client's limits, or a closed connection."""
    cause = str((getattr(error, "kwargs", None) or {}).get("error"))
    if "got more than" in cause and "header line" in cause:
        return "the endpoint answered with a header line over 65536 bytes (the HTTP client's limit)"
    if "got more than" in cause and "headers" in cause:
        return "the endpoint answered with more than 100 headers (the HTTP client's limit)"
    return "the connection closed after the request was sent"


def invoke_error(
    answer: ErrorAnswer, function_name: str, document: tuple[str, str] | None = None
) -> AwsError:
    """The one line of an Invoke's error answer (``document``: the Lambda error document an
    emulator sent in its body, answers.lambda_error_document, which it says instead)."""
    code, status = answer.code or "Unknown", answer.status
    message = one_line(answer.message)
    found = document
    if found is not None:  # an emulator's error document: say what it says
        message = one_line(": ".join(part for part in found if part))
    if code == "ResourceNotFoundException":
        return AwsError(f"function {function_name} not found: {message}")
    if code in ACCESS or status == 403:
        return AwsError(f"access denied ({code}) invoking {function_name}: {message}")
    if status == 501 or code == "NotImplemented":
        return AwsError(
            f"the endpoint does not implement this request ({code}, HTTP {status}): {message}. "
            "It refused before running anything: the function did not run"
        )
    return _other_error(code, status, message)


def _other_error(code: str, status: int, message: str) -> AwsError:
    if status >= 500:
        return AwsError(
            f"Lambda answered {code} (HTTP {status}) after receiving the request: "
            f"{message or 'no message'}. Not retried: the function may have run"
        )
    return AwsError(f"{code}: {message}")


def botocore_error(error: Exception, profile: str | None) -> AwsError:
    """One line for botocore's own errors (no credentials, no region, ...)."""
    from botocore.exceptions import NoCredentialsError, NoRegionError, ProfileNotFound

    if isinstance(error, NoCredentialsError):
        return AwsError(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "AWS_PROFILE, or use aws-actions/configure-aws-credentials before this step"
        )
    if isinstance(error, NoRegionError):
        return AwsError("no AWS region: set the region input, AWS_REGION, or use a function ARN")
    if isinstance(error, ProfileNotFound):
        return AwsError(f"AWS profile '{profile}' not found")
    return AwsError(one_line(error))
