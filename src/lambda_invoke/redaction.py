"""Credentials are never printed: the values known (from the environment, and the ones a
role gave) are masked for the runner before anything else is printed, and replaced by ***
in every line the tool prints, endpoint text included (an endpoint may echo the session
token in its error)."""

from __future__ import annotations

from collections.abc import Mapping

#: credentials in the environment: masked before anything is printed, and redacted from
#: every line the tool prints (an endpoint may echo the session token in its error)
SECRET_VARIABLES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID")
#: a value shorter than this is not redacted (it would blank ordinary words)
MIN_SECRET = 8


class Secrets:
    """Known credential values, replaced by *** in every text that is printed."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, value: str) -> bool:
        """Remember ``value``; True when it is new and long enough to redact."""
        value = value.strip()
        if len(value) < MIN_SECRET or value in self.values:
            return False
        self.values.add(value)
        return True

    def redact(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, "***")
        return text


def secrets_of(environ: Mapping[str, str]) -> list[str]:
    return [environ[name] for name in SECRET_VARIABLES if environ.get(name, "").strip()]
