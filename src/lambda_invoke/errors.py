"""The few failures the tool knows, each with its exit code.

They are translated to an exit code and one line of text once, in ``cli.main``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1  # function error or failed assertion
EXIT_INPUT = 2
EXIT_AWS = 3


class LambdaInvokeError(Exception):
    """Base class: ``str(error)`` is the one line shown to the user."""

    exit_code = EXIT_AWS


class InputError(LambdaInvokeError):
    """An invalid input, found before any AWS call. The message names the input."""

    exit_code = EXIT_INPUT

    def __init__(self, input_name: str, problem: str, *, kind: str = "input") -> None:
        self.input_name = input_name
        self.problem = problem
        super().__init__(f"{kind} '{input_name}': {problem}")


class AwsError(LambdaInvokeError):
    """AWS or network trouble: unknown function, access denied, throttled, timeout."""

    exit_code = EXIT_AWS


@dataclass(frozen=True)
class ErrorAnswer:
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
