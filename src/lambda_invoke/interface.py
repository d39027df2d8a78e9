"""The action's inputs: one row each, from which action.yml, the composite action, the
suite schema and the CLI's options and help are made (outputs: outputs.py). A test compares
them with action.yml so they cannot drift apart.
"""

from __future__ import annotations

from typing import NamedTuple

#: the help's option groups, in order
GROUPS: tuple[str, ...] = (
    "function",
    "payload",
    "invocation",
    "AWS and connection",
    "assertions",
    "comparison",
    "logs (CloudWatch Logs)",
    "repeat",
    "outputs",
    "suite",
    "local (invoke local)",
)
#: what an input's value is: the suite schema's type and how the CLI takes it follow from it
KINDS: tuple[str, ...] = (
    "text",
    "path",  # a file's path
    "bool",  # true or false; the CLI also takes a bare flag (``--raw``)
    "int",
    "number",
    "mapping",  # a YAML/JSON mapping, or its text
    "document",  # any JSON value, or YAML, or file://PATH (the payload)
    "environment",  # KEY=VALUE lines, a mapping or a list of them
    "lines",  # one value a line
)


class InputSpec(NamedTuple):
    """Every fact about one input: action.yml, the composite action, the suite schema and
    the CLI's options and help are made from these rows. (A NamedTuple: read at every
    start, where a dataclass's generated methods cost more; checked below the table.)"""

    name: str
    description: str
    default: str = ""
    required: bool = False
    short: tuple[str, ...] = ()
    group: str = "function"  # its group in the help (GROUPS)
    metavar: str = "BOOL"  # its value in the help
    kind: str = "text"  # KINDS
    #: the CLI option may be repeated; the values are joined with newlines
    repeatable: bool = False
    common: bool = False  # one of the few most runs need: listed first in the README

    @property
    def boolean(self) -> bool:
        """A boolean, which the CLI also accepts as a bare flag (``--raw``)."""
        return self.kind == "bool"


INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "function-name",
        "Function name, name:alias, name:version, or full or partial ARN. "
        "Required unless function or stack-name is given (then: the logical id).",
        group="function",
        metavar="NAME|ARN",
        common=True,
    ),
    InputSpec(
        "qualifier",
        "Version or alias to invoke.",
        short=("-q",),
        group="function",
        metavar="VERSION|ALIAS",
        common=True,
    ),
    InputSpec(
        "stack-name",
        "CloudFormation/SAM stack holding the function; function-name is then its logical id "
        "(empty: the stack's only function).",
        group="function",
        metavar="STACK",
    ),
    InputSpec(
        "function",
        "Function key in serverless.yml, resolved to the deployed name "
        "(service-stage-key, or functions.KEY.name).",
        group="function",
        metavar="KEY",
    ),
    InputSpec(
        "stage",
        "Stage for serverless.yml names (default: provider.stage, else dev).",
        short=("-s",),
        group="function",
        metavar="STAGE",
    ),
    InputSpec(
        "config",
        "Path of serverless.yml (default: serverless.yml or serverless.yaml here).",
        group="function",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "payload",
        "The event: JSON, a YAML mapping or list (sent as JSON), or file://path.",
        short=("-d", "--data"),
        group="payload",
        metavar="JSON|YAML|file://PATH",
        kind="document",
        common=True,
    ),
    InputSpec(
        "payload-file",
        "Path of a file holding the event ('-' reads standard input).",
        short=("-p", "--path"),
        group="payload",
        metavar="PATH|-",
        kind="path",
        common=True,
    ),
    InputSpec(
        "test-event",
        "A shareable test event saved in the Lambda console, by name, as the payload.",
        group="payload",
        metavar="NAME",
    ),
    InputSpec(
        "raw",
        "Send the payload text as a JSON string instead of parsing it.",
        default="false",
        group="payload",
        kind="bool",
    ),
    InputSpec(
        "client-context",
        "JSON object (base64-encoded for you) or base64 text; at most 3583 bytes encoded.",
        short=("-c", "--context"),
        group="payload",
        metavar="JSON|BASE64",
        kind="mapping",
    ),
    InputSpec(
        "context-path",
        "Path of a JSON file with the context; replaces client-context (serverless -x).",
        short=("-x", "--contextPath"),
        group="payload",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "invocation-type",
        "RequestResponse, Event or DryRun (any case).",
        default="RequestResponse",
        short=("-t", "--type"),
        group="invocation",
        metavar="RequestResponse|Event|DryRun",
        common=True,
    ),
    InputSpec(
        "log-type",
        "Tail (return the last 4 KB of logs) or None.",
        default="Tail",
        group="invocation",
        metavar="Tail|None",
    ),
    InputSpec(
        "invoke-mode",
        "buffered (Invoke) or stream (InvokeWithResponseStream: the CLI prints chunks as "
        "they arrive).",
        default="buffered",
        group="invocation",
        metavar="buffered|stream",
    ),
    InputSpec(
        "tenant-id",
        "Tenant of a tenant-isolated function (TenantId).",
        group="invocation",
        metavar="ID",
    ),
    InputSpec(
        "durable-execution-name",
        "Name of a durable function's execution (DurableExecutionName): the same name and "
        "payload return the existing execution instead of starting another.",
        group="invocation",
        metavar="NAME",
    ),
    InputSpec(
        "region",
        "AWS region. Default: an ARN function-name's, else serverless.yml's, else the "
        "environment (AWS_REGION, AWS_DEFAULT_REGION, the profile).",
        short=("-r",),
        group="AWS and connection",
        metavar="REGION",
        common=True,
    ),
    InputSpec(
        "endpoint-url",
        "Another Lambda endpoint (local emulator, VPC endpoint).",
        group="AWS and connection",
        metavar="URL",
    ),
    InputSpec(
        "role-to-assume",
        "IAM role ARN to assume first: with the job's GitHub OIDC token when there is one "
        "(permissions: id-token: write), else with the current credentials.",
        group="AWS and connection",
        metavar="ROLE_ARN",
    ),
    InputSpec(
        "role-session-name",
        "Session name for the assumed role.",
        default="lambda-invoke",
        group="AWS and connection",
        metavar="NAME",
    ),
    InputSpec(
        "role-duration-seconds",
        "Lifetime of the assumed role's credentials (900 to 43200).",
        default="3600",
        group="AWS and connection",
        metavar="SECONDS",
        kind="int",
    ),
    InputSpec(
        "audience",
        "Audience of the GitHub OIDC token.",
        default="sts.amazonaws.com",
        group="AWS and connection",
        metavar="AUDIENCE",
    ),
    InputSpec(
        "read-timeout",
        "Seconds to wait for the response (Lambda runs at most 900 s).",
        default="910",
        group="AWS and connection",
        metavar="SECONDS",
        kind="number",
    ),
    InputSpec(
        "connect-timeout",
        "Seconds to wait for a connection.",
        default="10",
        group="AWS and connection",
        metavar="SECONDS",
        kind="number",
    ),
    InputSpec(
        "max-attempts",
        "Tries for Invoke when Lambda certainly did not run it (throttled, connect failure).",
        default="5",
        group="AWS and connection",
        metavar="N",
        kind="int",
    ),
    InputSpec(
        "wait-timeout",
        "Seconds to wait for a function still being updated before invoking it.",
        default="300",
        group="AWS and connection",
        metavar="SECONDS",
        kind="number",
    ),
    InputSpec(
        "assert",
        "YAML mapping of checks on the payload (JSONPath keys) and outputs.",
        group="assertions",
        metavar="YAML",
        kind="mapping",
        common=True,
    ),
    InputSpec(
        "fail-on-function-error",
        "Fail the step (exit 1) when the function returns an error.",
        default="true",
        group="assertions",
        kind="bool",
    ),
    InputSpec(
        "compare-to",
        "Also send each event to this baseline, twice, and report where the answers "
        "differ: an alias or version of the same function (live), or another function "
        "(name:qualifier or ARN). What differs between the baseline's own two answers is "
        "noise, not a regression. Gates: differences (default 0), new-function-errors, "
        "duration-ms-p95-ratio. none: no comparison (a suite case).",
        group="comparison",
        metavar="ALIAS|VERSION|NAME:QUALIFIER",
    ),
    InputSpec(
        "compare-ignore",
        "JSONPaths of the payload left out of the comparison (one a line): fields you "
        "know are volatile.",
        group="comparison",
        metavar="JSONPATH",
        kind="lines",
        repeatable=True,
    ),
    InputSpec(
        "snapshot",
        "Compare each answer with the one recorded in this JSON file (a suite: a folder, "
        "one file per case), reported as compare-to reports. A missing file is recorded, "
        "except in CI, where it fails. none: no snapshot (a suite case).",
        group="comparison",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "update-snapshots",
        "Record the snapshot files anew instead of comparing: each event is sent twice, "
        "and what differs between the two answers is left out as noise.",
        default="false",
        group="comparison",
        kind="bool",
    ),
    InputSpec(
        "full-logs",
        "Read the invocation's whole log from CloudWatch Logs (not only the 4 KB tail), "
        "waiting up to full-logs-timeout for its REPORT line.",
        default="false",
        group="logs (CloudWatch Logs)",
        kind="bool",
    ),
    InputSpec(
        "full-logs-timeout",
        "Seconds to wait for the whole log (full-logs, wait-for-completion).",
        default="30",
        group="logs (CloudWatch Logs)",
        metavar="SECONDS",
        kind="number",
    ),
    InputSpec(
        "wait-for-completion",
        "invocation-type Event: follow the run in CloudWatch Logs until its REPORT line; "
        "its function error, logs and timings become the outputs.",
        default="false",
        group="logs (CloudWatch Logs)",
        kind="bool",
    ),
    InputSpec(
        "repeat",
        "Invoke this many times and aggregate: counts, function errors, cold starts, "
        "throttles, duration/billed/elapsed percentiles (assertions can check them).",
        default="1",
        group="repeat",
        metavar="N",
        kind="int",
    ),
    InputSpec(
        "repeat-concurrency",
        "repeat: how many invocations at once.",
        default="1",
        group="repeat",
        metavar="N",
        kind="int",
    ),
    InputSpec(
        "max-rate",
        "At most this many invocations a second (0: no limit), for a repeat or a whole suite; "
        "throttling slows all.",
        default="0",
        group="repeat",
        metavar="PER_SECOND",
        kind="number",
    ),
    InputSpec(
        "output-file",
        "Also write the response payload to this file.",
        group="outputs",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "summary",
        "Write a job summary when running in GitHub Actions.",
        default="true",
        group="outputs",
        kind="bool",
    ),
    InputSpec(
        "suite",
        "Smoke suite: path of a YAML file (or the YAML itself) with defaults and a list of "
        "cases; runs them all in this step. Other inputs are defaults for every case.",
        group="suite",
        metavar="PATH|YAML",
        common=True,
    ),
    InputSpec(
        "max-concurrency",
        "Suite: how many cases run at the same time.",
        default="8",
        group="suite",
        metavar="N",
        kind="int",
    ),
    InputSpec(
        "fail-fast",
        "Suite: start no more cases after one fails.",
        default="false",
        group="suite",
        kind="bool",
    ),
    InputSpec(
        "junit-file",
        "Suite: write a JUnit XML report to this path.",
        group="suite",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "shard",
        "Suite: I/N runs the I-th of N shares of the cases (by a hash of each case's name: "
        "stable when cases are added), for a matrix; merge the shards' results-file.",
        group="suite",
        metavar="I/N",
    ),
    InputSpec(
        "results-file",
        "Suite: write the results document here (for lambda-invoke merge).",
        group="suite",
        metavar="PATH",
        kind="path",
    ),
    InputSpec(
        "merge",
        "Instead of invoking: the shards' results files (paths or glob patterns, one per "
        "line) as one report: outputs, summary, junit-file, exit code.",
        group="suite",
        metavar="FILES",
        kind="lines",
    ),
    InputSpec(
        "local",
        "Run the function's handler on this machine (serverless invoke local).",
        default="false",
        group="local (invoke local)",
        kind="bool",
    ),
    InputSpec(
        "env",
        "Extra environment for invoke local: KEY=VALUE lines (CLI: --env, repeatable).",
        short=("-e",),
        repeatable=True,
        group="local (invoke local)",
        metavar="KEY=VALUE",
        kind="environment",
    ),
)

for _spec in INPUTS:
    if _spec.group not in GROUPS or _spec.kind not in KINDS:
        raise ValueError(f"input {_spec.name}: group {_spec.group!r} or kind {_spec.kind!r}")

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
