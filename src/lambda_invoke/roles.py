"""Assuming the role of role-to-assume: through the job's GitHub OIDC token (the token
endpoint of GitHub Actions, then STS AssumeRoleWithWebIdentity) or the current credentials.

The bearer, the token and the temporary credentials are masked before anything could
print them; the token is sent only over https (or http on loopback, for tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from lambda_invoke.awserrors import botocore_error, client_error_text
from lambda_invoke.errors import AwsError
from lambda_invoke.references import RoleSettings
from lambda_invoke.settings import Settings

Say = Callable[[str], None]
OIDC_TIMEOUT = 10.0
OIDC_ATTEMPTS = 3
STS_TIMEOUT = 30.0


def assume_role(
    role: RoleSettings, settings: Settings, *, session: Any, token: str | None, mask: Say, say: Say
) -> dict[str, str]:
    """STS AssumeRoleWithWebIdentity with the job's OIDC token, else AssumeRole with the
    current credentials; the three temporary credentials are masked before anything else."""
    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    config: dict[str, Any] = {
        "retries": {"mode": "standard", "max_attempts": 3},  # STS calls are safe to repeat
        "connect_timeout": STS_TIMEOUT,
        "read_timeout": STS_TIMEOUT,
    }
    if token is not None:
        config["signature_version"] = UNSIGNED  # the token is the credential
    request = {
        "RoleArn": role.arn,
        "RoleSessionName": role.session_name,
        "DurationSeconds": role.duration_seconds,
    }
    try:
        sts = session.create_client("sts", region_name=settings.region, config=Config(**config))
        if token is not None:
            answer = sts.assume_role_with_web_identity(**request, WebIdentityToken=token)
            how = "with the job's GitHub OIDC token"
        else:
            answer = sts.assume_role(**request)
            how = "with the current credentials"
    except NoCredentialsError:
        raise AwsError(
            f"cannot assume {role.arn}: no GitHub OIDC token here (the job needs "
            "'permissions: id-token: write') and no AWS credentials to assume it with"
        ) from None
    except ClientError as error:
        hint = (
            " (check the role's trust policy: token.actions.githubusercontent.com as the "
            f"federated principal, audience {role.audience}, and the repository's sub claim)"
            if token is not None
            else ""
        )
        raise AwsError(f"cannot assume {role.arn}: {client_error_text(error)}{hint}") from None
    except BotoCoreError as error:
        raise botocore_error(error, settings.profile) from None
    issued = answer["Credentials"]
    for secret in (issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]):
        mask(secret)
    say(
        f"assumed {role.arn} {how} (session {role.session_name}, "
        f"until {issued['Expiration']}); its credentials are masked"
    )
    return {
        "aws_access_key_id": issued["AccessKeyId"],
        "aws_secret_access_key": issued["SecretAccessKey"],
        "aws_session_token": issued["SessionToken"],
    }


def github_oidc_token(environ: Mapping[str, str], audience: str, mask: Say) -> str | None:
    """The job's OIDC token for ``audience``; None when the job offers none."""
    import urllib.error
    import urllib.parse
    import urllib.request

    url = environ.get("ACTIONS_ID_TOKEN_REQUEST_URL", "")
    bearer = environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
    if not url or not bearer:
        return None
    mask(bearer)
    parsed = urllib.parse.urlparse(url)
    loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
    if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
        raise AwsError("ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL; not sending the token")
    separator = "&" if "?" in url else "?"
    request = urllib.request.Request(  # noqa: S310 (https, or http on loopback: checked)
        f"{url}{separator}audience={urllib.parse.quote(audience, safe='')}",
        headers={"Authorization": f"bearer {bearer}", "Accept": "application/json"},
    )
    problem = ""
    for _ in range(OIDC_ATTEMPTS):
        token, problem, final = _ask_token(request)
        if token:
            mask(token)
            return token
        if final:
            break
    raise AwsError(
        f"could not get the GitHub OIDC token for audience {audience} ({problem}); the "
        "job needs 'permissions: id-token: write'"
    )


def _ask_token(request: Any) -> tuple[str | None, str, bool]:
    """One request for the token: (token, problem, whether asking again is useless)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(request, timeout=OIDC_TIMEOUT) as answer:  # noqa: S310
            token = json.load(answer).get("value")
    except urllib.error.HTTPError as error:
        return None, f"HTTP {error.code}", error.code < 500  # a refusal stays a refusal
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, type(error).__name__, False
    if isinstance(token, str) and token:
        return token, "", True
    return None, "the answer has no token", True
