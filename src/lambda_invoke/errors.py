"""The few failures the tool knows, each with its exit code.

They are translated to an exit code and one line of text once, in ``cli.main``.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to a mistyped ``word``, or ""."""
    import difflib

    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
