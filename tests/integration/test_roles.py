"""role-to-assume: the job's OIDC token from a fake token endpoint on 127.0.0.1, STS from
moto's server (or a scripted error), the Invoke signed with the role's credentials."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import (
    FAKE_SECRET,
    JWT,
    Answer,
    MotoEndpoint,
    ScriptedLambda,
    TokenEndpoint,
    cli_command,
    function_answer,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration
ROLE = "arn:aws:iam::123456789012:role/deploy-smoke"
BEARER = "request-token-for-the-job-0123456789"


@pytest.fixture
def token_endpoint() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    yield endpoint
    endpoint.close()


def run(lambda_url: str, sts_url: str, *argv: str, tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    environment = sandbox_env(
        AWS_ENDPOINT_URL_STS=sts_url,
        GITHUB_ACTIONS="true",
        LAMBDA_INVOKE_AS_ACTION="true",
        GITHUB_OUTPUT=str(tmp_path / "output"),
        **env,
    )
    environment = {key: value for key, value in environment.items() if value}
    return run_command(
        [*cli_command(), "-f", "fn", "--endpoint-url", lambda_url, "--role-to-assume", ROLE, *argv],
        env=environment,
    )


def from_the_job(token_url: str) -> dict[str, str]:
    """The environment a job with 'permissions: id-token: write' gives a step."""
    return {"ACTIONS_ID_TOKEN_REQUEST_URL": token_url, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": BEARER}


def signed_key(endpoint: ScriptedLambda) -> str:
    match = re.search(r"Credential=([A-Z0-9]+)/", endpoint.request_headers[0]["Authorization"])
    assert match
    return match[1]


def test_oidc_token_then_web_identity_then_invoke_with_the_role(
    moto_endpoint: MotoEndpoint, token_endpoint: TokenEndpoint, tmp_path: Path
) -> None:
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        done = run(
            endpoint.url,
            moto_endpoint.url,
            "--audience", "sigstore", "--role-session-name", "smoke-42",
            tmp_path=tmp_path,
            **from_the_job(token_endpoint.url),
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # the token was asked for with the job's bearer token and the audience
    ((path, authorization),) = token_endpoint.requests
    assert path == "/token?api-version=2.0&audience=sigstore"
    assert authorization == f"bearer {BEARER}"
    # Lambda saw the role's credentials, not the environment's
    key = signed_key(endpoint)
    assert key != "AKIAFAKEFAKEFAKEFAKE"
    lines = done.stdout.splitlines()
    masks = [line.removeprefix("::add-mask::") for line in lines if line.startswith("::add-mask::")]
    # the environment's credentials first (redaction.SECRET_VARIABLES), then the job's
    # bearer, the OIDC token and the role's three credentials
    assert masks[:2] == [FAKE_SECRET, "AKIAFAKEFAKEFAKEFAKE"]
    assert key in masks and JWT in masks and BEARER in masks and len(masks) == 7
    said = next(line for line in lines if line.startswith("assumed "))
    assert f"assumed {ROLE} with the job's GitHub OIDC token (session smoke-42" in said
    # secrets appear only inside the mask commands (which the runner never shows)
    others = "\n".join(line for line in lines if not line.startswith("::add-mask::"))
    for secret in [*masks, FAKE_SECRET]:
        assert secret not in others + done.stderr


def test_without_oidc_the_role_is_assumed_with_the_current_credentials(
    moto_endpoint: MotoEndpoint, tmp_path: Path
) -> None:
    with ScriptedLambda(function_answer({"ok": True})) as endpoint:
        done = run(endpoint.url, moto_endpoint.url, tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"assumed {ROLE} with the current credentials" in done.stdout
    assert signed_key(endpoint) != "AKIAFAKEFAKEFAKEFAKE"


def test_a_refused_token_is_one_line_and_nothing_is_invoked(
    moto_endpoint: MotoEndpoint, tmp_path: Path
) -> None:
    refusing = TokenEndpoint(status=403)
    try:
        with ScriptedLambda() as endpoint:
            done = run(
                endpoint.url, moto_endpoint.url, tmp_path=tmp_path, **from_the_job(refusing.url)
            )
    finally:
        refusing.close()
    assert done.returncode == 3
    assert endpoint.invocations == 0
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert errors == [
        "::error title=lambda-invoke::could not get the GitHub OIDC token for audience "
        "sts.amazonaws.com (HTTP 403); the job needs 'permissions: id-token: write'"
    ]
    assert len(refusing.requests) == 1  # a refusal is not retried


def test_no_token_and_no_credentials_says_how_to_fix_it(
    moto_endpoint: MotoEndpoint, tmp_path: Path
) -> None:
    with ScriptedLambda() as endpoint:
        done = run(
            endpoint.url,
            moto_endpoint.url,
            tmp_path=tmp_path,
            AWS_ACCESS_KEY_ID="",
            AWS_SECRET_ACCESS_KEY="",
        )
    assert done.returncode == 3
    assert endpoint.invocations == 0
    assert (
        f"cannot assume {ROLE}: no GitHub OIDC token here (the job needs "
        "'permissions: id-token: write') and no AWS credentials to assume it with"
    ) in done.stdout


def test_sts_access_denied_is_one_line_with_the_trust_policy_hint(
    token_endpoint: TokenEndpoint, tmp_path: Path
) -> None:
    denied = Answer(
        status=403,
        body=(
            b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
            b"<Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message>"
            b"</Error><RequestId>r-1</RequestId></ErrorResponse>"
        ),
        headers={"Content-Type": "text/xml"},
    )
    with ScriptedLambda(denied) as sts, ScriptedLambda() as endpoint:
        done = run(endpoint.url, sts.url, tmp_path=tmp_path, **from_the_job(token_endpoint.url))
    assert done.returncode == 3
    assert endpoint.invocations == 0
    assert len(sts.requests) == 1  # a refusal is not retried
    assert b"Action=AssumeRoleWithWebIdentity" in sts.requests[0][2]
    assert "Authorization" not in sts.request_headers[0]  # the token is the credential
    (error,) = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert error.startswith(
        f"::error title=lambda-invoke::cannot assume {ROLE}: AccessDenied: Not authorized to "
        "perform sts:AssumeRoleWithWebIdentity (check the role's trust policy"
    )
    assert JWT not in done.stdout.replace(f"::add-mask::{JWT}", "")
