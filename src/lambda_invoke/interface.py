"""The action's interface: its inputs (shared by action.yml, the environment and the CLI)
and its outputs. A test compares both with action.yml so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class InputSpec:
    name: str
    description: str
    default: str = ""
    required: bool = False
    short: tuple[str, ...] = ()
    #: a boolean that the CLI also accepts as a bare flag (``--raw``)
    boolean: bool = False
    #: the CLI option may be repeated; the values are joined with newlines
    repeatable: bool = False


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "function-name",
        "Function name, name:alias, name:version, or full or partial ARN. "
        "Required unless function or stack-name is given (then: the logical id).",
    ),
    InputSpec(
        "function",
        "Function key in serverless.yml, resolved to the deployed name "
        "(service-stage-key, or functions.KEY.name).",
    ),
    InputSpec(
        "stage",
        "Stage for serverless.yml names (default: provider.stage, else dev).",
        short=("-s",),
    ),
    InputSpec(
        "config",
        "Path of serverless.yml (default: serverless.yml or serverless.yaml here).",
    ),
    InputSpec(
        "local",
        "Run the function's handler on this machine (serverless invoke local).",
        default="false",
        boolean=True,
    ),
    InputSpec(
        "env",
        "Extra environment for invoke local: KEY=VALUE lines (CLI: --env, repeatable).",
        short=("-e",),
        repeatable=True,
    ),
    InputSpec("qualifier", "Version or alias to invoke.", short=("-q",)),
    InputSpec(
        "invoke-mode",
        "buffered (Invoke) or stream (InvokeWithResponseStream: the CLI prints chunks as "
        "they arrive).",
        default="buffered",
    ),
    InputSpec("tenant-id", "Tenant of a tenant-isolated function (TenantId)."),
    InputSpec(
        "durable-execution-name",
        "Name of a durable function's execution (DurableExecutionName): the same name and "
        "payload return the existing execution instead of starting another.",
    ),
    InputSpec(
        "payload",
        "The event: JSON, a YAML mapping or list (sent as JSON), or file://path.",
        short=("-d", "--data"),
    ),
    InputSpec(
        "payload-file",
        "Path of a file holding the event ('-' reads standard input).",
        short=("-p", "--path"),
    ),
    InputSpec(
        "test-event",
        "A shareable test event saved in the Lambda console, by name, as the payload.",
    ),
    InputSpec(
        "raw",
        "Send the payload text as a JSON string instead of parsing it.",
        default="false",
        boolean=True,
    ),
    InputSpec(
        "invocation-type",
        "RequestResponse, Event or DryRun (any case).",
        default="RequestResponse",
        short=("-t", "--type"),
    ),
    InputSpec(
        "log-type",
        "Tail (return the last 4 KB of logs) or None.",
        default="Tail",
    ),
    InputSpec(
        "client-context",
        "JSON object (base64-encoded for you) or base64 text; at most 3583 bytes encoded.",
        short=("-c", "--context"),
    ),
    InputSpec(
        "context-path",
        "Path of a JSON file with the context; replaces client-context (serverless -x).",
        short=("-x", "--contextPath"),
    ),
    InputSpec(
        "region",
        "AWS region. Default: the environment, else the region of an ARN function-name.",
        short=("-r",),
    ),
    InputSpec("endpoint-url", "Another Lambda endpoint (local emulator, VPC endpoint)."),
    InputSpec(
        "stack-name",
        "CloudFormation/SAM stack holding the function; function-name is then its logical id "
        "(empty: the stack's only function).",
    ),
    InputSpec(
        "role-to-assume",
        "IAM role ARN to assume first: with the job's GitHub OIDC token when there is one "
        "(permissions: id-token: write), else with the current credentials.",
    ),
    InputSpec("role-session-name", "Session name for the assumed role.", default="lambda-invoke"),
    InputSpec(
        "role-duration-seconds",
        "Lifetime of the assumed role's credentials (900 to 43200).",
        default="3600",
    ),
    InputSpec("audience", "Audience of the GitHub OIDC token.", default="sts.amazonaws.com"),
    InputSpec(
        "read-timeout",
        "Seconds to wait for the response (Lambda runs at most 900 s).",
        default="910",
    ),
    InputSpec("connect-timeout", "Seconds to wait for a connection.", default="10"),
    InputSpec(
        "max-attempts",
        "Tries for Invoke when Lambda certainly did not run it (throttled, connect failure).",
        default="5",
    ),
    InputSpec(
        "wait-timeout",
        "Seconds to wait for a function still being updated before invoking it.",
        default="300",
    ),
    InputSpec(
        "full-logs",
        "Read the invocation's whole log from CloudWatch Logs (not only the 4 KB tail), "
        "waiting up to full-logs-timeout for its REPORT line.",
        default="false",
        boolean=True,
    ),
    InputSpec(
        "full-logs-timeout",
        "Seconds to wait for the whole log (full-logs, wait-for-completion).",
        default="30",
    ),
    InputSpec(
        "wait-for-completion",
        "invocation-type Event: follow the run in CloudWatch Logs until its REPORT line; "
        "its function error, logs and timings become the outputs.",
        default="false",
        boolean=True,
    ),
    InputSpec(
        "repeat",
        "Invoke this many times and aggregate: counts, function errors, cold starts, "
        "throttles, duration/billed/elapsed percentiles (assertions can check them).",
        default="1",
    ),
    InputSpec("repeat-concurrency", "repeat: how many invocations at once.", default="1"),
    InputSpec(
        "max-rate",
        "repeat: at most this many invocations a second (0: no limit); throttling slows all.",
        default="0",
    ),
    InputSpec("assert", "YAML mapping of checks on the payload (JSONPath keys) and outputs."),
    InputSpec(
        "fail-on-function-error",
        "Fail the step (exit 1) when the function returns an error.",
        default="true",
        boolean=True,
    ),
    InputSpec("output-file", "Also write the response payload to this file."),
    InputSpec(
        "summary",
        "Write a job summary when running in GitHub Actions.",
        default="true",
        boolean=True,
    ),
    InputSpec(
        "suite",
        "Smoke suite: path of a YAML file (or the YAML itself) with defaults and a list of "
        "cases; runs them all in this step. Other inputs are defaults for every case.",
    ),
    InputSpec(
        "max-concurrency",
        "Suite: how many cases run at the same time.",
        default="8",
    ),
    InputSpec(
        "fail-fast",
        "Suite: start no more cases after one fails.",
        default="false",
        boolean=True,
    ),
    InputSpec("junit-file", "Suite: write a JUnit XML report to this path."),
    InputSpec(
        "shard",
        "Suite: I/N runs the I-th of N shares of the cases (by a hash of each case's name: "
        "stable when cases are added), for a matrix; merge the shards' results-file.",
    ),
    InputSpec(
        "results-file",
        "Suite: write the results document here (for lambda-invoke merge).",
    ),
    InputSpec(
        "merge",
        "Instead of invoking: the shards' results files (paths or glob patterns, one per "
        "line) as one report: outputs, summary, junit-file, exit code.",
    ),
)

INPUT_NAMES: tuple[str, ...] = tuple(spec.name for spec in INPUTS)
#: inputs of a suite run as a whole; the others are also fields of each case
SUITE_INPUTS: tuple[str, ...] = (
    "suite",
    "max-concurrency",
    "fail-fast",
    "junit-file",
    "summary",
    "shard",
    "results-file",
    "merge",
)
DEFAULTS: dict[str, str] = {spec.name: spec.default for spec in INPUTS}


def env_inputs(environ: Mapping[str, str]) -> dict[str, str]:
    """Inputs set in the environment as ``INPUT_<NAME>``.

    GitHub passes ``INPUT_FUNCTION-NAME`` (hyphens kept); people typing
    ``docker run -e`` write ``INPUT_FUNCTION_NAME``. Both count; the hyphen
    form wins. Empty values count as not set (GitHub passes unset inputs as "").
    """
    from lambda_invoke.errors import InputError

    found: dict[str, str] = {}
    for name in INPUT_NAMES:
        upper = name.upper()
        keys = dict.fromkeys((f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"))
        given = {key: environ[key] for key in keys if environ.get(key, "").strip()}
        if len(set(given.values())) > 1:
            raise InputError(
                name, f"{' and '.join(given)} are both set, to different values: set one"
            )
        if given:
            found[name] = next(iter(given.values()))
    return found


#: The outputs of action.yml, in order. ``result`` is the JSON of all the others.
OUTPUT_NAMES: tuple[str, ...] = (
    "payload",
    "payload-file",
    "status-code",
    "function-error",
    "logs",
    "logs-complete",
    "logs-file",
    "executed-version",
    "request-id",
    "duration-ms",
    "billed-duration-ms",
    "max-memory-used-mb",
    "init-duration-ms",
    "elapsed-ms",
    "durable-execution-arn",
    "error-details",
    "stream-complete",
    "invocations",
    "function-errors",
    "cold-starts",
    "throttles",
    *(
        f"{measure}-{q}"
        for measure in ("duration-ms", "billed-duration-ms", "elapsed-ms")
        for q in ("p50", "p90", "p95", "p99", "max")
    ),
    "repeat-file",
    "assertions",
    "result",
)
#: Outputs of a suite run (``suite`` input).
SUITE_OUTPUT_NAMES: tuple[str, ...] = ("passed", "failed", "results")
#: Outputs that are documents or paths rather than values a check compares.
NOT_CHECKABLE = ("payload-file", "logs-file", "repeat-file", "assertions", "result")
