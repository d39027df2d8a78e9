"""The Lambda client as aws.Connections makes it: the User-Agent header, built once per set
of features instead of twice per request, is the string botocore itself would send."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support import ROOT, local_lambda, sandbox_env

from lambda_invoke import __version__
from lambda_invoke.aws import Connections, lambda_config
from lambda_invoke.settings import load_settings

HANDLERS = ROOT / "tests" / "handlers" / "suite_functions.py"


def _sent_user_agents(client: Any, times: int) -> list[str]:
    """The User-Agent header of each Invoke ``client`` sends (over HTTP, to the endpoint)."""
    sent: list[str] = []

    def keep(request: Any, **_: Any) -> None:
        sent.append(request.headers["User-Agent"].decode())

    client.meta.events.register("before-send.lambda.Invoke", keep)
    for _ in range(times):
        answer = client.invoke(FunctionName="echo", Payload=b"{}")
        assert answer["StatusCode"] == 200, answer["Payload"].read()
    return sent


def _parts(user_agent: str) -> set[str]:
    """The header's components; the features ("m/A,B") as a set: botocore joins a set."""
    return {
        "m/" + ",".join(sorted(part[2:].split(","))) if part.startswith("m/") else part
        for part in user_agent.split()
    }


def test_the_user_agent_sent_is_botocores_own(tmp_path: Path) -> None:
    environ = sandbox_env()
    with local_lambda(tmp_path, {"echo": f"{HANDLERS}:echo"}) as endpoint:
        values = {"function-name": "echo", "endpoint-url": endpoint.url}
        settings = load_settings(values, environ=environ, profile=None)
        ours = Connections(environ, say=print, mask=print).lambda_client(settings)
        untouched = Connections(environ, say=print, mask=print).client(  # the same, as made
            "lambda", settings, **lambda_config(settings)
        )
        sent = _sent_user_agents(ours, 3)
        expected = _sent_user_agents(untouched, 1)[0]
    assert ours._user_agent_creator.to_string.__name__ == "to_string"  # ours, not botocore's
    assert ours._user_agent_creator.to_string.__qualname__.startswith("user_agent_once")
    assert len(set(sent)) == 1
    assert _parts(sent[0]) == _parts(expected)
    assert f"lambda-invoke-action/{__version__}" in sent[0]
