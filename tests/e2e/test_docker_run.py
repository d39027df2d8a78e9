"""The real image, run as the README tells users: docker run -e INPUT_... <image> [options]."""

from __future__ import annotations

import json
import subprocess
import time

from harness import Engine
from support import (
    FAKE_SECRET,
    JWT,
    REPORT_LOGS,
    MotoEndpoint,
    ScriptedLambda,
    TokenEndpoint,
    function_answer,
    lambda_error,
)

AWS = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def docker_run(
    engine: Engine, image: str, inputs: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], float]:
    command = ["docker", "run", "--rm", "--network", "host"]
    for key, value in {**AWS, **inputs}.items():
        command += ["-e", f"{key}={value}"]
    started = time.monotonic()
    done = subprocess.run(
        [*command, image, *args],
        env=engine.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done, time.monotonic() - started


def test_payload_on_stdout_exit_0(engine: Engine, action_image: str) -> None:
    answer = function_answer({"greeting": "hello", "n": [1, 2]}, logs=REPORT_LOGS)
    with ScriptedLambda(answer) as endpoint:
        done, seconds = docker_run(
            engine,
            action_image,
            {
                "INPUT_FUNCTION-NAME": "fn",
                "INPUT_ENDPOINT-URL": endpoint.url,
                "INPUT_PAYLOAD": '{"name": "docker"}',
                "INPUT_ASSERT": "$.n: {length: 2}",
            },
        )
    print(f"docker run wall time for one invoke: {seconds:.2f} s")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"greeting": "hello", "n": [1, 2]}
    assert done.stdout.startswith("{\n  ")
    assert "PASS $.n length 2" in done.stderr
    assert "Duration: 2.24 ms" in done.stderr
    assert endpoint.requests[0][2] == b'{"name": "docker"}'
    assert endpoint.invocations == 1


def test_underscore_inputs_and_json_option(engine: Engine, action_image: str) -> None:
    with ScriptedLambda(function_answer({"ok": True}, version="4")) as endpoint:
        done, _ = docker_run(
            engine,
            action_image,
            {"INPUT_FUNCTION_NAME": "fn", "INPUT_ENDPOINT_URL": endpoint.url},
            "--json",
        )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["executed-version"] == "4"
    assert json.loads(document["payload"]) == {"ok": True}


def test_options_after_the_image(engine: Engine, action_image: str) -> None:
    with ScriptedLambda(function_answer({"ok": 1})) as endpoint:
        done, _ = docker_run(
            engine,
            action_image,
            {},
            "--function-name",
            "fn",
            "--endpoint-url",
            endpoint.url,
            "-t",
            "event",
            "--json",
        )
    assert done.returncode == 0, done.stderr
    assert endpoint.requests[0][1].endswith("/invocations")


def test_function_error_exit_1(engine: Engine, action_image: str) -> None:
    error = function_answer({"errorMessage": "boom", "errorType": "Error"}, error="Unhandled")
    with ScriptedLambda(error) as endpoint:
        done, _ = docker_run(
            engine, action_image, {"INPUT_FUNCTION-NAME": "fn", "INPUT_ENDPOINT-URL": endpoint.url}
        )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("error: function error (Unhandled): Error: boom")


def test_bad_input_exit_2_and_nothing_sent(engine: Engine, action_image: str) -> None:
    with ScriptedLambda() as endpoint:
        done, _ = docker_run(
            engine,
            action_image,
            {
                "INPUT_FUNCTION-NAME": "fn",
                "INPUT_ENDPOINT-URL": endpoint.url,
                "INPUT_INVOCATION-TYPE": "Sync",
            },
        )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "lambda-invoke: error: input 'invocation-type': expected one of RequestResponse, "
        "Event, DryRun, got 'Sync'"
    )
    assert endpoint.requests == []


def test_unknown_function_exit_3(engine: Engine, action_image: str) -> None:
    missing = lambda_error(404, "ResourceNotFoundException", "Function not found: fn")
    with ScriptedLambda(missing) as endpoint:
        done, _ = docker_run(
            engine, action_image, {"INPUT_FUNCTION-NAME": "fn", "INPUT_ENDPOINT-URL": endpoint.url}
        )
    assert done.returncode == 3
    assert done.stderr.strip() == (
        "lambda-invoke: error: function fn not found: Function not found: fn"
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert FAKE_SECRET not in done.stdout + done.stderr


IMAGE_CHECK = """
import json, os, botocore, botocore.session
from lambda_invoke import botodata
data = os.path.join(os.path.dirname(botocore.__file__), "data")
models = sorted(e for e in os.listdir(data) if os.path.isdir(os.path.join(data, e)))
prebuilt = os.listdir(os.environ["LAMBDA_INVOKE_CACHE"])
folder = botodata.data_folder(os.environ)
session = botocore.session.Session()
session.register_component("data_loader", botodata.small_loader(os.environ))
regions = {}
for service in botodata.SERVICES:
    client = session.create_client(service, region_name="eu-west-1")
    regions[service] = client.meta.endpoint_url
found = {"models": models, "prebuilt": prebuilt, "folder": str(folder), "endpoints": regions}
print(json.dumps(found))
"""


def test_the_image_keeps_only_the_models_it_uses_and_its_small_endpoints(
    engine: Engine, action_image: str
) -> None:
    """The image's trimmed botocore data still makes every client the tool makes."""
    done = subprocess.run(
        [
            "docker", "run", "--rm", "--network", "host", "-e", "AWS_EC2_METADATA_DISABLED=true",
            "--entrypoint", "/usr/local/bin/python", action_image, "-c", IMAGE_CHECK,
        ],
        env=engine.env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    from lambda_invoke.botodata import SERVICES

    assert set(found["models"]) <= set(SERVICES)
    assert {"lambda", "sts", "cloudformation"} <= set(found["models"])
    assert found["folder"].startswith("/opt/lambda-invoke/cache/botocore-")
    assert found["prebuilt"] == [found["folder"].rsplit("/", 1)[1]]  # made at build time
    assert found["endpoints"]["lambda"] == "https://lambda.eu-west-1.amazonaws.com"
    assert found["endpoints"]["sts"] == "https://sts.eu-west-1.amazonaws.com"


def test_the_container_assumes_the_role_with_the_jobs_oidc_token(
    engine: Engine, action_image: str, moto_endpoint: MotoEndpoint
) -> None:
    """OIDC inside the container: token from the job's endpoint, STS, then the Invoke."""
    tokens = TokenEndpoint()
    try:
        with ScriptedLambda(function_answer({"ok": True})) as endpoint:
            done, _ = docker_run(
                engine,
                action_image,
                {
                    "GITHUB_ACTIONS": "true",
                    "ACTIONS_ID_TOKEN_REQUEST_URL": tokens.url,
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "job-request-token-123",
                    "AWS_ENDPOINT_URL_STS": moto_endpoint.url,
                    "INPUT_FUNCTION-NAME": "fn",
                    "INPUT_ENDPOINT-URL": endpoint.url,
                    "INPUT_ROLE-TO-ASSUME": "arn:aws:iam::123456789012:role/smoke",
                },
            )
    finally:
        tokens.close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert tokens.requests[0][0].endswith("&audience=sts.amazonaws.com")
    assert "assumed arn:aws:iam::123456789012:role/smoke with the job's GitHub OIDC token" in (
        done.stdout
    )
    signed = endpoint.request_headers[0]["Authorization"]
    assert "Credential=AKIAFAKEFAKEFAKEFAKE/" not in signed  # the role's, not the job's keys
    assert f"::add-mask::{JWT}" in done.stdout
