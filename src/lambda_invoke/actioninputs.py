"""Inputs as an action receives them: ``INPUT_<NAME>`` environment variables.

GitHub's runner passes every ``with:`` key to a Docker action as ``INPUT_<KEY>`` (upper
case, spaces as underscores), declared or not: it only warns "Unexpected input(s)" and the
step would go on without the input (actions/runner: ActionRunner.RunAsync, then the
handler's AddInputsToEnvironment). Here an undeclared one is an input error.
"""

from __future__ import annotations

from collections.abc import Mapping

from lambda_invoke.errors import InputError, did_you_mean
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


#: what gagoar/invoke-aws-lambda's inputs are here (README: Coming from gagoar/...)
GAGOAR_INPUTS = {
    "FUNCTIONNAME": "function-name",
    "INVOCATIONTYPE": "invocation-type",
    "LOGTYPE": "log-type",
    "CLIENTCONTEXT": "client-context",
    "HTTP_TIMEOUT": "read-timeout (in seconds, not milliseconds)",
    "MAX_RETRIES": "max-attempts",
    "SUCCEED_ON_FUNCTION_FAILURE": "fail-on-function-error: false",
    "AWS_ACCESS_KEY_ID": "aws-actions/configure-aws-credentials before this step",
    "AWS_SECRET_ACCESS_KEY": "aws-actions/configure-aws-credentials before this step",
    "AWS_SESSION_TOKEN": "aws-actions/configure-aws-credentials before this step",
}
#: what a container action always accepts besides its own inputs (the runner's own)
RUNNER_INPUTS = frozenset({"ENTRYPOINT", "ARGS"})


def check_declared(environ: Mapping[str, str]) -> None:
    """Every ``INPUT_*`` variable is an input of the action: a misspelt ``with:`` key
    (``asserts:``, ``payload-fille:``) is an input error naming the closest valid input,
    not a green step without its checks. gagoar/invoke-aws-lambda's names get theirs."""
    declared = {name.upper() for name in INPUT_NAMES}
    declared |= {name.replace("-", "_") for name in declared} | RUNNER_INPUTS
    for key in sorted(environ):
        if not key.startswith("INPUT_") or key[6:] in declared:
            continue
        given = key[6:].lower()
        if key[6:] in GAGOAR_INPUTS:
            raise InputError(
                given,
                f"not an input of this action; gagoar/invoke-aws-lambda's {given} is "
                f"{GAGOAR_INPUTS[key[6:]]} here (README: Coming from gagoar/invoke-aws-lambda)",
            )
        hint = did_you_mean(given.replace("_", "-"), INPUT_NAMES)
        raise InputError(given, f"not an input of this action{hint}; see its inputs in the README")
