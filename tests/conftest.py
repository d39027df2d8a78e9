"""Shared fixtures. Every test runs with fake credentials, no instance-metadata probing,
and a loopback default endpoint, so nothing can reach a real AWS host."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator

import pytest
from support import MotoEndpoint, Stubbed, make_zip, sandbox_env


@pytest.fixture(autouse=True)
def aws_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith(("AWS_", "INPUT_", "GITHUB_", "LAMBDA_INVOKE_")):
            monkeypatch.delenv(key)
    for key, value in sandbox_env().items():
        if key.startswith(("AWS_", "LAMBDA_INVOKE_")):
            monkeypatch.setenv(key, value)


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    stub = Stubbed()
    yield stub
    stub.stubber.deactivate()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[MotoEndpoint]:
    """moto's server on a free loopback port, with functions echo (+ version 1, alias live)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    endpoint = MotoEndpoint(f"http://127.0.0.1:{port}")
    request = urllib.request.Request(
        f"{endpoint.url}/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}}).encode(),
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()
    role = endpoint.client("iam").create_role(
        RoleName="lambda-role", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    lam = endpoint.client()
    lam.create_function(
        FunctionName="echo",
        Runtime="python3.12",
        Role=role,
        Handler="handler.handle",
        Code={"ZipFile": make_zip("def handle(event, context):\n    return event\n")},
    )
    version = lam.publish_version(FunctionName="echo")["Version"]
    lam.create_alias(FunctionName="echo", Name="live", FunctionVersion=version)
    yield endpoint
    server.stop()
