"""invoke local: handlers run in a fresh subprocess and answer like Lambda."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from support import ROOT, action_env, cli_command, read_github_output, run_command, sandbox_env

CONFIG = """\
service: local-test
provider:
  name: aws
  runtime: python3.12
  environment:
    FROM_PROVIDER: provider
    OVERRIDDEN: provider
functions:
  echo:
    handler: handlers/main.echo
    memorySize: 256
    timeout: 3
    environment:
      OVERRIDDEN: function
  boom:
    handler: handlers/main.boom
  slow:
    handler: handlers/main.slow
    timeout: 1
  context:
    handler: handlers/main.context_fields
  unmarshalable:
    handler: handlers/main.unmarshalable
  greet:
    handler: handlers/main.greet
  node:
    handler: js/handler.hello
    runtime: nodejs20.x
  nodeboom:
    handler: js/handler.boom
    runtime: nodejs20.x
  nodecallback:
    handler: js/handler.callback
    runtime: nodejs20.x
  ruby:
    handler: h.run
    runtime: ruby3.3
"""

PYTHON = """\
import os, time

def echo(event, context):
    print("event seen:", event)
    keys = ("FROM_PROVIDER", "OVERRIDDEN", "EXTRA", "IS_LOCAL", "AWS_LAMBDA_FUNCTION_NAME")
    return {"event": event, "env": {k: os.environ.get(k) for k in keys}}

def boom(event, context):
    raise KeyError("missing thing")

def slow(event, context):
    print("starting a long job")
    time.sleep(10)

def context_fields(event, context):
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": context.client_context,
        "custom": getattr(context, "custom", None),
    }

def unmarshalable(event, context):
    return {1, 2}

def greet(event, context):
    print("gr\u00fc\u00dfe \u2713")
    return {"msg": "h\u00e9llo \u2713"}
"""

NODE = """\
exports.hello = async (event, context) => {
  console.log("node sees", JSON.stringify(event));
  return { name: context.functionName, memory: context.memoryLimitInMB,
           remaining: context.getRemainingTimeInMillis() > 0, extra: process.env.EXTRA };
};
exports.boom = async () => { throw new TypeError("node broke"); };
exports.callback = (event, context, callback) => { callback(null, { via: "callback" }); };
"""


@pytest.fixture
def service(tmp_path: Path) -> Path:
    (tmp_path / "serverless.yml").write_text(CONFIG)
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "main.py").write_text(PYTHON)
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "handler.js").write_text(NODE)
    return tmp_path


def local(service: Path, *argv: str):  # type: ignore[no-untyped-def]
    return run_command([*cli_command(), "local", *argv], env=sandbox_env(), cwd=service)


def document(done) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_success_with_environment_and_logs(service: Path) -> None:
    done = local(service, "-f", "echo", "-d", '{"a": 1}', "--env", "EXTRA=yes", "--json")
    assert done.returncode == 0, done.stderr
    result = document(done)
    payload = json.loads(result["payload"])
    assert payload["event"] == {"a": 1}
    assert payload["env"] == {
        "FROM_PROVIDER": "provider",
        "OVERRIDDEN": "function",
        "EXTRA": "yes",
        "IS_LOCAL": "true",
        "AWS_LAMBDA_FUNCTION_NAME": "local-test-dev-echo",
    }
    assert "event seen: {'a': 1}" in result["logs"]
    assert result["logs"].startswith("START RequestId: ")
    assert "Memory Size: 256 MB" in result["logs"]
    assert result["duration-ms"] > 0
    assert result["executed-version"] == "$LATEST"
    assert result["function-error"] == ""


def test_exception_is_an_unhandled_function_error(service: Path) -> None:
    done = local(service, "-f", "boom")
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert payload["errorType"] == "KeyError"
    assert payload["errorMessage"] == "'missing thing'"
    assert any("main.py" in frame for frame in payload["stackTrace"])
    assert "error: function error (Unhandled): KeyError: 'missing thing'" in done.stderr
    assert "[ERROR] KeyError: 'missing thing'" in done.stderr  # in the logs


def test_timeout_is_enforced(service: Path) -> None:
    done = local(service, "-f", "slow", "--json")
    assert done.returncode == 1
    result = document(done)
    assert result["function-error"] == "Unhandled"
    assert json.loads(result["payload"]) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "Task timed out after 1.00 seconds",
    }
    assert "starting a long job" in result["logs"]
    assert 900 <= result["duration-ms"] < 5000


def test_context_fields(service: Path) -> None:
    done = local(service, "-f", "context", "-c", '{"custom": {"k": "v"}}')
    assert done.returncode == 0, done.stderr
    context = json.loads(done.stdout)
    assert context["function_name"] == "local-test-dev-context"
    assert context["function_version"] == "$LATEST"
    assert context["memory_limit_in_mb"] == "1024"
    assert len(context["aws_request_id"]) == 36
    assert context["log_group_name"] == "/aws/lambda/local-test-dev-context"
    assert "[$LATEST]" in context["log_stream_name"]
    assert 0 < context["remaining"] <= 6000
    assert context["client_context"] == {"custom": {"k": "v"}}
    assert context["custom"] == {"k": "v"}


def test_context_path_replaces_context(service: Path) -> None:
    (service / "context.json").write_text('{"custom": "from file"}')
    done = local(service, "-f", "context", "-c", '{"custom": "flag"}', "-x", "context.json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["custom"] == "from file"


def test_payload_file_and_stage(service: Path) -> None:
    (service / "event.json").write_text('{"from": "file"}')
    done = local(service, "-f", "echo", "-p", "event.json", "-s", "prod", "--json")
    result = document(done)
    assert json.loads(result["payload"])["event"] == {"from": "file"}
    assert json.loads(result["payload"])["env"]["AWS_LAMBDA_FUNCTION_NAME"] == (
        "local-test-prod-echo"
    )


def test_unmarshalable_result(service: Path) -> None:
    done = local(service, "-f", "unmarshalable")
    assert done.returncode == 1
    assert json.loads(done.stdout)["errorType"] == "Runtime.MarshalError"


def test_assertions_and_outputs_in_actions(service: Path) -> None:
    output = service / "github-output"
    done = run_command(
        [*cli_command(), "--local", "--function", "echo", "-d", "{}"],
        env=action_env(
            GITHUB_OUTPUT=str(output),
            INPUT_ASSERT="$.event: {type: object}\nlogs: {contains: 'event seen'}",
        ),
        cwd=service,
    )
    assert done.returncode == 0, done.stdout
    assert "status-code<<" in output.read_text()
    assert "✓ logs contains" in done.stdout


def test_event_and_dry_run(service: Path) -> None:
    assert document(local(service, "-f", "echo", "-t", "Event", "--json"))["status-code"] == 202
    assert document(local(service, "-f", "echo", "-t", "DryRun", "--json"))["status-code"] == 204


def test_unsupported_runtime_is_an_input_error(service: Path) -> None:
    done = local(service, "-f", "ruby")
    assert done.returncode == 2
    assert "input 'local': 'ruby' runs on 'ruby3.3'" in done.stderr


def test_missing_handler_file_is_an_input_error(service: Path) -> None:
    (service / "handlers" / "main.py").unlink()
    done = local(service, "-f", "echo")
    assert done.returncode == 2
    assert "input 'function': handler file handlers/main.py not found" in done.stderr


def test_the_example_service(tmp_path: Path) -> None:
    done = run_command(
        [*cli_command(), "local", "-f", "hello", "-d", '{"name": "x"}'],
        env=sandbox_env(),
        cwd=ROOT / "examples" / "hello",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(json.loads(done.stdout)["body"])["message"] == "hello x"


node = pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not on PATH: Node.js handlers not tested"
)


@node
def test_node_handler(service: Path) -> None:
    done = local(service, "-f", "node", "-d", '{"n": 1}', "-e", "EXTRA=node-env", "--json")
    assert done.returncode == 0, done.stderr
    result = document(done)
    assert json.loads(result["payload"]) == {
        "name": "local-test-dev-node",
        "memory": "1024",
        "remaining": True,
        "extra": "node-env",
    }
    assert 'node sees {"n":1}' in result["logs"]


@node
def test_node_error_and_callback(service: Path) -> None:
    done = local(service, "-f", "nodeboom")
    assert done.returncode == 1
    payload = json.loads(done.stdout)
    assert (payload["errorType"], payload["errorMessage"]) == ("TypeError", "node broke")
    assert isinstance(payload["trace"], list)
    done = local(service, "-f", "nodecallback")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"via": "callback"}


def test_node_missing_is_an_input_error(service: Path) -> None:
    env = sandbox_env(PATH=str(Path(sys.executable).parent))  # no node there
    done = run_command([*cli_command(), "local", "-f", "node"], env=env, cwd=service)
    assert done.returncode == 2
    assert "input 'local': 'node' runs on nodejs20.x: node is not on PATH" in done.stderr


def test_a_console_that_is_not_utf8_gets_escapes_and_the_files_get_utf8(service: Path) -> None:
    """LC_ALL=C without Python's UTF-8 mode (as a Windows code page): the console cannot
    show the function's text. It is escaped there; the output and summary files are UTF-8
    as the runner reads them, and the handler prints as it would in Lambda's UTF-8 locale."""
    output, summary = service / "github-output", service / "summary.md"
    done = run_command(
        [*cli_command(), "--local", "--function", "greet", "-d", "{}"],
        env=sandbox_env(
            LC_ALL="C",
            PYTHONCOERCECLOCALE="0",
            PYTHONUTF8="0",
            GITHUB_ACTIONS="true",
            LAMBDA_INVOKE_AS_ACTION="true",
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
            INPUT_ASSERT="$.msg: {contains: llo}",
        ),
        cwd=service,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gr\\xfc\\xdfe \\u2713" in done.stdout  # escaped, not a crash
    outputs = read_github_output(output)
    assert "gr\u00fc\u00dfe \u2713" in outputs["logs"]
    assert json.loads(outputs["payload"]) == {"msg": "h\u00e9llo \u2713"}
    assert "gr\u00fc\u00dfe \u2713" in summary.read_bytes().decode("utf-8")
