"""Inputs as an action receives them: ``INPUT_<NAME>`` environment variables."""

from __future__ import annotations

from collections.abc import Mapping

from lambda_invoke.errors import InputError
from lambda_invoke.interface import INPUT_NAMES


def env_inputs(environ: Mapping[str, str]) -> dict[str, str]:
    """Inputs set in the environment as ``INPUT_<NAME>``.

    GitHub passes ``INPUT_FUNCTION-NAME`` (hyphens kept); people typing
    ``docker run -e`` write ``INPUT_FUNCTION_NAME``. Both count; the hyphen
    form wins. Empty values count as not set (GitHub passes unset inputs as "").
    """

    found: dict[str, str] = {}
    for name in INPUT_NAMES:
        upper = name.upper()
        keys = dict.fromkeys((f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"))
        given = {key: environ[key] for key in keys if environ.get(key, "").strip()}
        if len(set(given.values())) > 1:
            raise InputError(
                name, f"{' and '.join(given)} are both set, to different values: set one"
            )
        if given:
            found[name] = next(iter(given.values()))
    return found
