"""serverless.yml resolution: names, stages, overrides, variables, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import Stubbed, invoke_response

from lambda_invoke.errors import InputError
from lambda_invoke.serverless import resolve_function
from lambda_invoke.settings import load_settings

CONFIG = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  region: eu-west-1
  stage: ${opt:stage, 'dev'}
  memorySize: 512
  environment:
    TABLE: ${self:service}-${sls:stage}-orders
    LEVEL: ${env:LOG_LEVEL, 'info'}
functions:
  api:
    handler: src/api.handler
  worker:
    handler: worker.run
    name: ${self:service}-${self:provider.stage}-background
    timeout: 30
    memorySize: 2048
    environment:
      LEVEL: debug
  custom:
    handler: custom.run
    name: ${env:CUSTOM_NAME}
  secret:
    handler: secret.run
    name: ${ssm:/shop/name}
  old:
    handler: old.run
    name: ${opt:stage, self:provider.region}-old
  filed:
    handler: filed.run
    name: ${file(./names.yml):filed}
  keyed:
    handler: keyed.run
    environment:
      KEY: ${ssm:/shop/key}
"""


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "serverless.yml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def resolve(key: str, stage: str | None = None, **environ: str):  # type: ignore[no-untyped-def]
    """As invoke local reads it: every field (a remote invoke reads the name and region)."""
    return resolve_function(
        key, config_path="", stage=stage, region=None, environ=environ, local=True
    )


def test_default_name_is_service_stage_key(service: Path) -> None:
    function = resolve("api")
    assert function.name == "shop-dev-api"
    assert function.stage == "dev"
    assert function.region == "eu-west-1"
    assert function.handler == "src/api.handler"
    assert function.runtime == "python3.12"
    assert function.memory == 512
    assert function.timeout == 6
    assert dict(function.environment) == {"TABLE": "shop-dev-orders", "LEVEL": "info"}
    assert function.service_dir == service


def test_stage_option(service: Path) -> None:
    function = resolve("api", stage="prod", LOG_LEVEL="warn")
    assert function.name == "shop-prod-api"
    assert dict(function.environment) == {"TABLE": "shop-prod-orders", "LEVEL": "warn"}


def test_name_override_and_function_settings(service: Path) -> None:
    function = resolve("worker", stage="qa")
    assert function.name == "shop-qa-background"
    assert function.timeout == 30
    assert function.memory == 2048
    assert dict(function.environment)["LEVEL"] == "debug"


def test_env_variable_and_missing_env_variable(service: Path) -> None:
    assert resolve("custom", CUSTOM_NAME="picked-from-env").name == "picked-from-env"
    with pytest.raises(InputError, match=r"variable '\$\{env:CUSTOM_NAME\}' has no value"):
        resolve("custom")


def test_unsupported_variable_is_named(service: Path) -> None:
    with pytest.raises(InputError) as error:
        resolve("filed")
    assert error.value.input_name == "config"
    assert "'${file(./names.yml):filed}' is not supported" in str(error.value)


def test_a_value_aws_holds_waits_for_a_lookup(service: Path) -> None:
    """${ssm:...} in the name: pending, until resolved again with a lookup (before any
    Invoke); the lookup is asked once per variable."""
    pending = resolve_function("secret", config_path="", stage=None, region=None, environ={})
    assert (pending.name, pending.pending) == ("", "${ssm:/shop/name}")
    asked = []

    def lookup(source: str, address: str, region: str | None) -> str:
        asked.append((source, address, region))
        return "shop-secret-fn"

    assert pending.again is not None
    assert pending.again(lookup).name == "shop-secret-fn"
    assert asked == [("ssm", "/shop/name", None)]


def test_a_remote_invoke_reads_only_the_name_and_region(service: Path) -> None:
    """A variable AWS holds in the environment (or an unsupported one anywhere else) does
    not stop a remote invoke: only invoke local reads the environment."""
    remote = resolve_function("keyed", config_path="", stage=None, region=None, environ={})
    assert (remote.name, remote.pending, remote.region) == ("shop-dev-keyed", "", "eu-west-1")
    assert resolve("keyed").pending == "${ssm:/shop/key}"


def test_a_reference_as_default(service: Path) -> None:
    assert resolve("old").name == "eu-west-1-old"
    assert resolve("old", stage="prod").name == "prod-old"


def test_unknown_key_and_missing_config(
    service: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.raises(InputError, match=r"'nope' is not a function of serverless\.yml"):
        resolve("nope")
    with pytest.raises(InputError, match="does not exist"):
        resolve_function("api", config_path="other.yml", stage=None, region=None, environ={})


def test_provider_stage_is_the_default_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "serverless.yaml").write_text(
        "service: {name: legacy}\nprovider: {stage: staging}\nfunctions: {f: {handler: f.h}}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert resolve("f").name == "legacy-staging-f"


def test_settings_use_the_resolved_name_and_region(service: Path) -> None:
    settings = load_settings({"function": "api", "stage": "prod"}, environ={"AWS_REGION": "x-1"})
    assert settings.function_name == "shop-prod-api"
    assert settings.region == "eu-west-1"
    assert settings.warnings == ()
    assert load_settings({"function": "api", "region": "us-east-2"}, environ={}).region == (
        "us-east-2"
    )


def test_function_name_wins_with_a_warning(service: Path, stubbed: Stubbed) -> None:
    stubbed.stubber.add_response(
        "invoke",
        invoke_response(),
        {"FunctionName": "explicit", "InvocationType": "RequestResponse", "LogType": "Tail"},
    )
    run = stubbed.run(["--function-name", "explicit", "--function", "api"])
    assert run.code == 0, run.stderr
    assert (
        "warning: function-name 'explicit' and function 'api' are both given: function-name "
        "wins (serverless.yml would give 'shop-dev-api')" in run.stderr
    )


def test_short_f_takes_a_key_when_serverless_yml_has_it(service: Path, stubbed: Stubbed) -> None:
    expected = {"InvocationType": "RequestResponse", "LogType": "Tail"}
    stubbed.stubber.add_response(
        "invoke", invoke_response(), {"FunctionName": "shop-qa-api", **expected}
    )
    stubbed.stubber.add_response("invoke", invoke_response(), {"FunctionName": "plain", **expected})
    assert stubbed.run(["-f", "api", "-s", "qa"]).code == 0
    assert stubbed.run(["-f", "plain"]).code == 0
    stubbed.stubber.assert_no_pending_responses()


def test_bad_serverless_inputs_exit_2_without_a_client(service: Path) -> None:
    for argv, name in [
        (["--function", "filed"], "config"),
        (["--function", "nope"], "function"),
        (["--function", "api", "--config", "missing.yml"], "config"),
        (["--local"], "function"),
        (["--function", "api", "--env", "NOT VALID"], "env"),
    ]:
        run = Stubbed().run(argv)
        assert run.code == 2, argv
        assert not run.client_created
        assert run.stderr.startswith(f"lambda-invoke: error: input '{name}'"), run.stderr
