"""AWS sessions for a run: the credentials (an assumed role, through the job's GitHub OIDC
token when there is one), the clients made with them, and stack-name lookups.

One ``Connections`` per run; it makes each session, role and lookup once (a suite's cases
share them) and is safe to use from several threads. Temporary credentials and the OIDC
token are never printed; in GitHub Actions they are masked before anything could.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from lambda_invoke import __version__
from lambda_invoke.errors import AwsError
from lambda_invoke.settings import RoleSettings, Settings, parse_function_name

Say = Callable[[str], None]
OIDC_TIMEOUT = 10.0
OIDC_ATTEMPTS = 3
STS_TIMEOUT = 30.0
FUNCTION_TYPES = ("AWS::Lambda::Function",)


class Connections:
    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        say: Say,
        mask: Say,
    ) -> None:
        self.environ = environ
        self.say = say
        self.mask = mask
        self._lock = threading.Lock()
        self._credentials: dict[tuple[Any, ...], dict[str, str] | None] = {}
        self._functions: dict[tuple[Any, ...], Settings] = {}

    # -- clients ------------------------------------------------------------------------

    def lambda_client(self, settings: Settings, *, pool_size: int = 10) -> Any:
        """The Lambda client: our timeouts, botocore's retries off (invoke.py retries only
        what cannot have run twice). ``pool_size`` connections may be open at once (a
        suite shares one client). It comes from botocore's session, the same client boto3
        would return: importing boto3 also imports s3transfer, ~70 ms (bench/README.md).
        """
        return self.client(
            "lambda",
            settings,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
            tcp_keepalive=True,
            max_pool_connections=max(10, pool_size),
        )

    def _session(self, settings: Settings) -> Any:
        import botocore.session

        from lambda_invoke.botodata import data_path

        session = botocore.session.Session(profile=settings.profile)
        small_data = data_path(self.environ)  # a small endpoints.json: about 30 ms less
        if small_data:
            session.set_config_variable("data_path", small_data)
        return session

    def client(self, service: str, settings: Settings, **config: Any) -> Any:
        """A client of ``service`` with the run's credentials (the assumed role's, if any).

        Only Lambda takes endpoint-url; others use botocore's own settings
        (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_CLOUDFORMATION, AWS_ENDPOINT_URL).
        """
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        from lambda_invoke.invoke import botocore_error

        credentials = self.credentials(settings)
        try:
            return self._session(settings).create_client(
                service,
                region_name=settings.region,
                endpoint_url=settings.endpoint_url if service == "lambda" else None,
                config=Config(user_agent_extra=f"lambda-invoke-action/{__version__}", **config),
                **(credentials or {}),
            )
        except BotoCoreError as error:
            raise botocore_error(error, settings) from None

    # -- role ---------------------------------------------------------------------------

    def credentials(self, settings: Settings) -> dict[str, str] | None:
        """Client keyword arguments for the assumed role; None without role-to-assume."""
        role = settings.role
        if role is None:
            return None
        key = (role, settings.profile, settings.region)
        with self._lock:
            if key not in self._credentials:
                self._credentials[key] = self._assume(role, settings)
            return self._credentials[key]

    def _assume(self, role: RoleSettings, settings: Settings) -> dict[str, str]:
        from botocore import UNSIGNED
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        from lambda_invoke.invoke import botocore_error

        token = self._oidc_token(role.audience)
        session = self._session(settings)
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
            raise AwsError(f"cannot assume {role.arn}: {_error_text(error)}{hint}") from None
        except BotoCoreError as error:
            raise botocore_error(error, settings) from None
        issued = answer["Credentials"]
        for secret in (issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"]):
            self.mask(secret)
        self.say(
            f"assumed {role.arn} {how} (session {role.session_name}, "
            f"until {issued['Expiration']}); its credentials are masked"
        )
        return {
            "aws_access_key_id": issued["AccessKeyId"],
            "aws_secret_access_key": issued["SecretAccessKey"],
            "aws_session_token": issued["SessionToken"],
        }

    def _oidc_token(self, audience: str) -> str | None:
        """The job's OIDC token for ``audience``; None when the job offers none."""
        import urllib.error
        import urllib.parse
        import urllib.request

        url = self.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL", "")
        bearer = self.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "")
        if not url or not bearer:
            return None
        self.mask(bearer)
        parsed = urllib.parse.urlparse(url)
        loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and loopback):
            raise AwsError(
                "ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL; not sending the token"
            )
        separator = "&" if "?" in url else "?"
        request = urllib.request.Request(  # noqa: S310 (https, or http on loopback: checked)
            f"{url}{separator}audience={urllib.parse.quote(audience, safe='')}",
            headers={"Authorization": f"bearer {bearer}", "Accept": "application/json"},
        )
        problem = ""
        for _ in range(OIDC_ATTEMPTS):
            try:
                with urllib.request.urlopen(request, timeout=OIDC_TIMEOUT) as answer:  # noqa: S310
                    token = json.load(answer).get("value")
            except urllib.error.HTTPError as error:
                problem = f"HTTP {error.code}"
                if error.code < 500:
                    break  # a refusal stays a refusal
                continue
            except (urllib.error.URLError, OSError, ValueError) as error:
                problem = type(error).__name__
                continue
            if isinstance(token, str) and token:
                self.mask(token)
                return token
            problem = "the answer has no token"
            break
        raise AwsError(
            f"could not get the GitHub OIDC token for audience {audience} ({problem}); the "
            "job needs 'permissions: id-token: write'"
        )

    # -- stack-name ---------------------------------------------------------------------

    def resolve_stack(self, settings: Settings) -> Settings:
        """Settings whose function is the one the stack names (sam remote invoke's lookup)."""
        stack = settings.stack
        if stack is None or settings.function.value:
            return settings
        key = (stack, settings.profile, settings.region, settings.role)
        with self._lock:
            if key in self._functions:
                return self._functions[key]
        physical = self._physical_id(settings)
        resolved = replace(settings, function=parse_function_name(physical))
        with self._lock:
            self._functions[key] = resolved
        self.say(f"{stack.describe()} is {physical}")
        return resolved

    def _physical_id(self, settings: Settings) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        from lambda_invoke.invoke import botocore_error

        stack = settings.stack
        assert stack is not None
        cloudformation = self.client("cloudformation", settings, retries={"mode": "standard"})
        try:
            if stack.logical_id:
                resource = cloudformation.describe_stack_resource(
                    StackName=stack.stack_name, LogicalResourceId=stack.logical_id
                )["StackResourceDetail"]
                if resource["ResourceType"] not in FUNCTION_TYPES:
                    raise AwsError(
                        f"{stack.logical_id} in stack {stack.stack_name} is a "
                        f"{resource['ResourceType']}, not a Lambda function"
                    )
                return str(resource["PhysicalResourceId"])
            functions = []
            for page in cloudformation.get_paginator("list_stack_resources").paginate(
                StackName=stack.stack_name
            ):
                functions += [
                    item
                    for item in page["StackResourceSummaries"]
                    if item["ResourceType"] in FUNCTION_TYPES
                ]
        except ClientError as error:
            raise AwsError(f"cannot look up {stack.describe()}: {_error_text(error)}") from None
        except BotoCoreError as error:
            raise botocore_error(error, settings) from None
        if len(functions) != 1:
            names = ", ".join(item["LogicalResourceId"] for item in functions) or "none"
            raise AwsError(
                f"stack {stack.stack_name} has {len(functions)} Lambda functions ({names}); "
                "give the logical id of one as function-name"
            )
        return str(functions[0]["PhysicalResourceId"])


def _error_text(error: Any) -> str:
    """``Code: message`` of a botocore ClientError, on one line."""
    details = error.response.get("Error", {})
    message = " ".join(str(details.get("Message", "")).split())
    return f"{details.get('Code', 'Unknown')}: {message}"
