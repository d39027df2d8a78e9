"""The CLI and the container entrypoint as subprocesses, over HTTP to moto on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import (
    FAKE_SECRET,
    MotoEndpoint,
    action_env,
    cli_command,
    entrypoint_command,
    read_github_output,
    run_command,
    sandbox_env,
)

pytestmark = pytest.mark.integration


def cli(endpoint: MotoEndpoint, *argv: str, cwd: Path | None = None, stdin: str = ""):  # type: ignore[no-untyped-def]
    env = sandbox_env()
    return run_command(
        [*cli_command(), "--endpoint-url", endpoint.url, *argv], env=env, cwd=cwd, stdin=stdin
    )


def test_request_response_prints_the_payload(moto_endpoint: MotoEndpoint) -> None:
    done = cli(moto_endpoint, "-f", "echo", "-d", '{"name": "Bob"}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"name": "Bob"}
    assert done.stdout.startswith("{\n  ")  # pretty-printed
    assert "invoked echo: status 200" in done.stderr


@pytest.mark.parametrize(
    ("invocation_type", "status"), [("event", 202), ("DryRun", 204), ("requestresponse", 200)]
)
def test_invocation_types(moto_endpoint: MotoEndpoint, invocation_type: str, status: int) -> None:
    done = cli(moto_endpoint, "-f", "echo", "-t", invocation_type, "-d", "{}", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status-code"] == status


@pytest.mark.parametrize("reference", ["echo:live", "echo:1", "123456789012:function:echo"])
def test_qualified_names_and_arns(moto_endpoint: MotoEndpoint, reference: str) -> None:
    done = cli(moto_endpoint, "-f", reference, "-d", '{"q": 1}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"q": 1}


def test_qualifier_input(moto_endpoint: MotoEndpoint) -> None:
    done = cli(moto_endpoint, "-f", "echo", "-q", "live", "-d", "[1, 2]")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [1, 2]


def test_full_arn_region_is_used(moto_endpoint: MotoEndpoint) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:echo"
    env = sandbox_env()
    del env["AWS_REGION"]
    done = run_command(
        [*cli_command(), "--endpoint-url", moto_endpoint.url, "-f", arn, "-d", "{}"], env=env
    )
    assert done.returncode == 0, done.stderr


def test_payload_forms(moto_endpoint: MotoEndpoint, tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text('{"from": "file"}')
    (tmp_path / "event.yaml").write_text("from: yaml\nlist: [1, 2]\n")
    cases = [
        (["-d", "file://event.json"], {"from": "file"}),
        (["-p", "event.json"], {"from": "file"}),
        (["--payload-file", "event.yaml"], {"from": "yaml", "list": [1, 2]}),
        (["-d", "name: inline yaml"], {"name": "inline yaml"}),
        (["-d", "hello world", "--raw"], "hello world"),
        (["-p", "-"], {"from": "stdin"}),
    ]
    for argv, expected in cases:
        done = cli(moto_endpoint, "-f", "echo", *argv, cwd=tmp_path, stdin='{"from": "stdin"}')
        assert done.returncode == 0, (argv, done.stderr)
        assert json.loads(done.stdout) == expected, argv


def test_assertions_passing_and_failing(moto_endpoint: MotoEndpoint) -> None:
    payload = json.dumps({"statusCode": 200, "body": json.dumps({"message": "ok", "n": 3})})
    passing = "$.statusCode: 200\n$.body.message: {contains: ok}\nstatus-code: {in: [200]}"
    done = cli(moto_endpoint, "-f", "echo", "-d", payload, "--assert", passing)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("PASS ") == 3
    failing = "$.body.n: {gt: 5}\n$.body.message: ok\n$.nope: {exists: true}"
    done = cli(moto_endpoint, "-f", "echo", "-d", payload, "--assert", failing)
    assert done.returncode == 1
    assert "FAIL $.body.n gt 5: got 3" in done.stderr
    assert 'PASS $.body.message equals "ok"' in done.stderr
    assert "FAIL $.nope exists true: no match in the payload" in done.stderr
    assert done.stderr.count("error: assertion failed (2 of 3)") == 2


def test_output_file_positional_like_aws_cli(moto_endpoint: MotoEndpoint, tmp_path: Path) -> None:
    done = cli(moto_endpoint, "-f", "echo", "-d", '{"a": 1}', "response.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "response.json").read_text()) == {"a": 1}


def test_entrypoint_in_actions_mode_writes_outputs(
    moto_endpoint: MotoEndpoint, tmp_path: Path
) -> None:
    """As GitHub runs the container: INPUT_* with hyphens kept, action.yml defaults."""
    output, summary = tmp_path / "output", tmp_path / "summary"
    payload = '{"greeting": "hello\\nworld", "n": 2}'
    env = action_env(
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
        **{
            "INPUT_FUNCTION-NAME": "echo",
            "INPUT_PAYLOAD": payload,
            "INPUT_ENDPOINT-URL": moto_endpoint.url,
            "INPUT_INVOCATION-TYPE": "RequestResponse",
            "INPUT_LOG-TYPE": "Tail",
            "INPUT_RAW": "false",
            "INPUT_READ-TIMEOUT": "910",
            "INPUT_ASSERT": "$.n: 2\n$.greeting: {matches: '^hello'}",
            "INPUT_QUALIFIER": "",
            "INPUT_FAIL-ON-FUNCTION-ERROR": "true",
        },
    )
    done = run_command(entrypoint_command(), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = read_github_output(output)
    assert outputs["payload"] == payload
    assert outputs["status-code"] == "200"
    assert outputs["function-error"] == ""
    assert [c["passed"] for c in json.loads(outputs["assertions"])] == [True, True]
    assert json.loads(outputs["result"])["payload"] == payload
    assert "| Assertions | 2/2 passed |" in summary.read_text()
    assert "✓ $.n equals 2" in done.stdout


def test_entrypoint_underscore_inputs_like_docker_run(moto_endpoint: MotoEndpoint) -> None:
    env = sandbox_env(
        INPUT_FUNCTION_NAME="echo",
        INPUT_PAYLOAD='{"via": "docker run -e"}',
        INPUT_ENDPOINT_URL=moto_endpoint.url,
    )
    done = run_command(entrypoint_command(), env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"via": "docker run -e"}


def test_entrypoint_bad_input_exit_2(moto_endpoint: MotoEndpoint) -> None:
    env = sandbox_env(INPUT_FUNCTION_NAME="echo", INPUT_INVOCATION_TYPE="Sync")
    done = run_command(entrypoint_command(), env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lambda-invoke: error: input 'invocation-type': expected one of RequestResponse, "
        "Event, DryRun, got 'Sync'"
    )


def test_no_credentials_and_no_region(moto_endpoint: MotoEndpoint) -> None:
    env = sandbox_env()
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        del env[key]
    done = run_command([*cli_command(), "--endpoint-url", moto_endpoint.url, "-f", "echo"], env=env)
    assert done.returncode == 3
    assert "no AWS credentials found" in done.stderr
    env = sandbox_env()
    del env["AWS_REGION"]
    done = run_command([*cli_command(), "--endpoint-url", moto_endpoint.url, "-f", "echo"], env=env)
    assert done.returncode == 3
    assert "no AWS region" in done.stderr


def test_credentials_never_printed(moto_endpoint: MotoEndpoint, tmp_path: Path) -> None:
    output, summary = tmp_path / "output", tmp_path / "summary"
    env = action_env(
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    done = run_command(
        [*cli_command(), "--endpoint-url", moto_endpoint.url, "-f", "echo", "-d", "{}", "--json"],
        env=env,
    )
    assert done.returncode == 0
    # the one place it appears is the runner's mask command, which the runner acts on and
    # never shows (it comes first, before anything else is printed)
    assert done.stdout.splitlines()[0] == f"::add-mask::{FAKE_SECRET}"
    lines = done.stdout.splitlines()
    shown = "\n".join(line for line in lines if not line.startswith("::add-mask::"))
    everything = shown + done.stderr + output.read_text() + summary.read_text()
    assert FAKE_SECRET not in everything


SERVICE_WITH_AWS_VALUES = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  environment:
    DB_PASSWORD: ${ssm:/shop/db-password}
    QUEUE: ${cf:shop-queues.QueueUrl}
    ELSEWHERE: ${file(./config.json):x}
functions:
  byparam: {handler: h.run, name: "${ssm:/shop/api-name}"}
  byoutput: {handler: h.run, name: "${cf:shop-infra.ApiName}"}
  fallback: {handler: h.run, name: "${ssm:/shop/missing, 'echo'}"}
  missing: {handler: h.run, name: "${ssm:/shop/missing}"}
  plain: {handler: h.run, name: echo}
"""


@pytest.fixture(scope="module")
def aws_values(moto_endpoint: MotoEndpoint) -> MotoEndpoint:
    moto_endpoint.client("ssm").put_parameter(Name="/shop/api-name", Value="echo", Type="String")
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"ApiName": {"Value": "echo"}},
    }
    moto_endpoint.client("cloudformation").create_stack(
        StackName="shop-infra", TemplateBody=json.dumps(template)
    )
    return moto_endpoint


@pytest.mark.parametrize(
    ("key", "code", "says"),
    [
        ("byparam", 0, "serverless.yml: byparam is echo (${ssm:/shop/api-name})"),
        ("byoutput", 0, "serverless.yml: byoutput is echo (${cf:shop-infra.ApiName})"),
        ("fallback", 0, "serverless.yml: fallback is echo"),
        ("plain", 0, "invoked echo: status 200"),  # the environment's variables left alone
        ("missing", 3, "'${ssm:/shop/missing}': AWS holds no such SSM parameter"),
    ],
)
def test_serverless_names_from_ssm_and_stack_outputs(
    aws_values: MotoEndpoint, tmp_path: Path, key: str, code: int, says: str
) -> None:
    """A remote invoke reads the name (and region) only: ${ssm:}/${cf:} there are looked up
    in SSM and CloudFormation (moto's server) as serverless does; elsewhere in the file,
    even an unsupported variable, they are left alone."""
    (tmp_path / "serverless.yml").write_text(SERVICE_WITH_AWS_VALUES)
    done = run_command(
        [*cli_command(), "--endpoint-url", aws_values.url, "-f", key, "-d", '{"k": 1}'],
        env=sandbox_env(
            AWS_ENDPOINT_URL_SSM=aws_values.url, AWS_ENDPOINT_URL_CLOUDFORMATION=aws_values.url
        ),
        cwd=tmp_path,
    )
    assert done.returncode == code, done.stderr
    assert says in done.stderr
    if code == 0:
        assert json.loads(done.stdout) == {"k": 1}
    else:
        assert done.stderr.count("error:") == 1, done.stderr
        assert "-f missing: the function 'missing' of serverless.yml, deployed as ${ssm:" in (
            done.stderr
        )


@pytest.mark.parametrize("baseline", ["live", "1", "echo:1"])
def test_compare_to_a_version_or_alias_moto_holds(
    moto_endpoint: MotoEndpoint, baseline: str
) -> None:
    """moto holds echo with version 1 and the alias live: the same event to $LATEST and,
    twice, to the baseline answers alike (moto echoes the event: it cannot vary answers,
    and it answers any qualifier, held or not; tests/integration/test_compare.py has
    versions that differ and a baseline that is not there)."""
    done = cli(moto_endpoint, "-f", "echo", "--compare-to", baseline, "-d", '{"q": 2}', "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["differences"] == 0 and document["new-function-errors"] == 0
    assert document["comparison"]["verdict"] == "same"
    assert document["comparison"]["compared"] == 1
    assert f"compared with echo:{baseline.removeprefix('echo:')}" in done.stderr or (
        f"compared with {baseline}" in done.stderr
    )


def test_a_snapshot_round_trips_on_moto(moto_endpoint: MotoEndpoint, tmp_path: Path) -> None:
    """Recorded from echo's alias live (two calls alike: no noise), then compared: the same
    event passes, another differs where it differs."""
    record = cli(moto_endpoint, "-f", "echo:live", "-d", '{"q": 2, "a": [1]}',
                 "--snapshot", "snaps/echo.json", cwd=tmp_path)  # fmt: skip
    assert record.returncode == 0, record.stderr
    assert "recorded the snapshot snaps/echo.json: review it and commit it" in record.stderr
    saved = json.loads((tmp_path / "snaps" / "echo.json").read_text())
    assert saved["payload"] == {"a": [1], "q": 2} and saved["noise"] == []
    same = cli(moto_endpoint, "-f", "echo:live", "-d", '{"a": [1], "q": 2}',
               "--snapshot", "snaps/echo.json", cwd=tmp_path)  # fmt: skip
    assert same.returncode == 0, same.stderr
    other = cli(moto_endpoint, "-f", "echo:live", "-d", '{"q": 3, "a": [1]}',
                "--snapshot", "snaps/echo.json", "--json", cwd=tmp_path)  # fmt: skip
    assert other.returncode == 1
    (event,) = json.loads(other.stdout)["comparison"]["events"]
    assert event["differences"] == [
        {"pointer": "/q", "noise": False, "baseline": 2, "candidate": 3}
    ]
