"""Settings: every bad input is one line naming the input, exit 2, and no AWS client."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from support import Stubbed

from lambda_invoke.errors import InputError
from lambda_invoke.references import parse_function_name
from lambda_invoke.settings import Settings, load_settings

BASE = {"function-name": "my-function"}


def settings(**values: str):  # type: ignore[no-untyped-def]
    merged = {**BASE, **{key.replace("_", "-"): value for key, value in values.items()}}
    return load_settings(merged, environ={})


# (input named in the message, argv)
BAD_INPUTS = [
    ("function-name", []),
    ("function-name", ["-f", "a" * 65]),
    ("function-name", ["-f", "bad name"]),
    ("function-name", ["-f", "arn:aws:lambda:us-east-1:123:function:x"]),
    ("function-name", ["-f", "arn:aws:s3:::bucket"]),
    ("function-name", ["-f", "arn:aws:lambda:nowhere:123456789012:function:x"]),
    ("function-name", ["-f", "12345:function:x"]),
    ("function-name", ["-f", "fn:a:b"]),
    ("function-name", ["-f", "fn:bad.alias"]),
    ("function-name", ["-f", "x" * 171]),
    ("qualifier", ["-f", "fn:live", "-q", "prod"]),
    ("qualifier", ["-f", "fn", "-q", "no/slash"]),
    (
        "payload",
        ["-f", "fn", "-d", '{"a": '],
    ),
    ("payload", ["-f", "fn", "-d", "hello world"]),
    ("payload-file", ["-f", "fn", "-d", "{}", "-p", "event.json"]),
    ("payload-file", ["-f", "fn", "-p", "missing.json"]),
    ("payload", ["-f", "fn", "-d", "file://missing.json"]),
    ("invocation-type", ["-f", "fn", "-t", "Sync"]),
    ("log-type", ["-f", "fn", "--log-type", "All"]),
    ("client-context", ["-f", "fn", "--client-context", "not base64!"]),
    ("client-context", ["-f", "fn", "--client-context", "{not json"]),
    ("client-context", ["-f", "fn", "--client-context", "[1, 2]"]),
    ("client-context", ["-f", "fn", "--client-context", json.dumps({"k": "v" * 3000})]),
    ("region", ["-f", "fn", "-r", "Mars"]),
    ("region", ["-f", "arn:aws:lambda:eu-west-1:123456789012:function:x", "-r", "us-east-1"]),
    ("endpoint-url", ["-f", "fn", "--endpoint-url", "localhost:4566"]),
    ("read-timeout", ["-f", "fn", "--read-timeout", "abc"]),
    ("read-timeout", ["-f", "fn", "--read-timeout", "0"]),
    ("read-timeout", ["-f", "fn", "--read-timeout", "nan"]),
    ("connect-timeout", ["-f", "fn", "--connect-timeout", "-1"]),
    ("max-attempts", ["-f", "fn", "--max-attempts", "2.5"]),
    ("max-attempts", ["-f", "fn", "--max-attempts", "0"]),
    ("wait-timeout", ["-f", "fn", "--wait-timeout", "soon"]),
    ("raw", ["-f", "fn", "--raw", "maybe"]),
    ("fail-on-function-error", ["-f", "fn", "--fail-on-function-error", "maybe"]),
    ("summary", ["-f", "fn", "--summary", "sometimes"]),
    ("assert", ["-f", "fn", "--assert", "$.a: [unclosed"]),
    ("assert", ["-f", "fn", "--assert", "- just\n- a list"]),
    ("assert", ["-f", "fn", "--assert", "$.a[: 1"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {approximately: 1}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {matches: '('}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {length: -1}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {type: decimal}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {gt: ten}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {exists: maybe}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {in: 3}"]),
    ("assert", ["-f", "fn", "--assert", "$.a: {}"]),
    ("assert", ["-f", "fn", "--assert", "statuscode: 200"]),
    ("output-file", ["-f", "fn", "--output-file", "no/such/dir/out.json"]),
    ("command line", ["-f", "fn", "--no-such-option"]),
]


@pytest.mark.parametrize(("input_name", "argv"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2_and_no_client(
    input_name: str, argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "event.json").write_text("{}")
    stub = Stubbed()
    run = stub.run(argv)
    assert run.code == 2
    assert not run.client_created
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"lambda-invoke: error: input '{input_name}'")
    assert "Traceback" not in run.stderr + run.stdout
    assert run.stdout == ""


def test_bad_input_in_actions_is_an_error_annotation() -> None:
    stub = Stubbed()
    run = stub.run(
        [], {"GITHUB_ACTIONS": "true", "LAMBDA_INVOKE_AS_ACTION": "true", "INPUT_FUNCTION-NAME": ""}
    )
    assert run.code == 2
    assert run.stdout.startswith("::error title=lambda-invoke::input 'function-name'")
    assert run.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "name", "qualifier", "region"),
    [
        ("my-function", "my-function", None, None),
        ("my-function:v1", "my-function", "v1", None),
        ("my-function:$LATEST", "my-function", "$LATEST", None),
        ("123456789012:function:my-function", "my-function", None, None),
        ("123456789012:function:my-function:7", "my-function", "7", None),
        (
            "arn:aws:lambda:us-west-2:123456789012:function:my-function",
            "my-function",
            None,
            "us-west-2",
        ),
        ("arn:aws:lambda:us-west-2:123456789012:function:fn:live", "fn", "live", "us-west-2"),
        (
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:fn",
            "fn",
            None,
            "us-gov-west-1",
        ),
        ("a" * 64, "a" * 64, None, None),
    ],
)
def test_function_name_forms(
    text: str, name: str, qualifier: str | None, region: str | None
) -> None:
    ref = parse_function_name(text)
    assert (ref.value, ref.name, ref.qualifier, ref.region) == (text, name, qualifier, region)


def test_defaults() -> None:
    s = settings()
    assert s.invocation_type == "RequestResponse"
    assert s.log_type == "Tail"
    assert s.read_timeout == 910
    assert s.connect_timeout == 10
    assert s.max_attempts == 5
    assert s.wait_timeout == 300
    assert s.fail_on_function_error is True
    assert s.summary is True
    assert s.payload is None
    assert s.checks == ()


def test_case_insensitive_choices_and_booleans() -> None:
    s = settings(invocation_type="event", log_type="none", fail_on_function_error="FALSE")
    assert (s.invocation_type, s.log_type, s.fail_on_function_error) == ("Event", "None", False)


def test_region_order_input_then_arn_then_environment() -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:x"
    assert load_settings({"function-name": arn}, environ={"AWS_REGION": "us-east-1"}).region == (
        "eu-west-1"
    )
    assert load_settings({"function-name": "x"}, environ={"AWS_REGION": "us-east-2"}).region == (
        "us-east-2"
    )
    assert load_settings({"function-name": "x", "region": "ap-south-1"}, environ={}).region == (
        "ap-south-1"
    )


def test_same_qualifier_twice_is_fine() -> None:
    assert settings(function_name="fn:live", qualifier="live").qualifier == "live"


def test_json_payload_is_sent_as_given() -> None:
    assert settings(payload='{ "name": "Bob" }').payload == b'{ "name": "Bob" }'


def test_yaml_payload_is_sent_as_json() -> None:
    s = settings(payload="name: Bob\nitems: [1, 2]")
    assert json.loads(s.payload or b"") == {"name": "Bob", "items": [1, 2]}
    assert json.loads(settings(payload="{name: Bob}").payload or b"") == {"name": "Bob"}


def test_raw_payload_is_a_json_string() -> None:
    assert settings(payload='{"a": 1}', raw="true").payload == b'"{\\"a\\": 1}"'
    assert settings(payload="hello world", raw="yes").payload == b'"hello world"'


def test_payload_from_files(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"from": "file"}')
    assert settings(payload=f"file://{event}").payload == b'{"from": "file"}'
    assert settings(payload_file=str(event)).payload == b'{"from": "file"}'
    yaml_event = tmp_path / "event.yml"
    yaml_event.write_text("from: yaml\n")
    assert json.loads(settings(payload_file=str(yaml_event)).payload or b"") == {"from": "yaml"}
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\xff\x00")
    assert settings(payload=f"fileb://{binary}").payload == b"\xff\x00"


def test_payload_size_limits(tmp_path: Path) -> None:
    big = json.dumps({"data": "x" * (1024 * 1024)})
    (tmp_path / "big.json").write_text(big)
    assert settings(payload_file=str(tmp_path / "big.json")).payload is not None
    with pytest.raises(InputError) as error:
        settings(payload_file=str(tmp_path / "big.json"), invocation_type="Event")
    assert error.value.input_name == "payload-file"
    huge = json.dumps({"data": "x" * (6 * 1024 * 1024)})
    with pytest.raises(InputError, match="6291456-byte limit"):
        settings(payload=huge)


def test_client_context_object_is_base64_encoded() -> None:
    s = settings(client_context='{"custom": {"k": "v"}}')
    assert json.loads(base64.b64decode(s.client_context or "")) == {"custom": {"k": "v"}}
    encoded = base64.b64encode(b'{"a":1}').decode()
    assert settings(client_context=encoded).client_context == encoded


def test_client_context_limit_is_on_the_encoded_size() -> None:
    fits = json.dumps({"k": "v" * 2600})  # about 3480 bytes once encoded
    assert settings(client_context=fits).client_context
    with pytest.raises(InputError, match="at most 3583"):
        settings(client_context=json.dumps({"k": "v" * 2700}))


def test_assertions_are_compiled_with_the_settings() -> None:
    s = settings(**{"assert": "$.a: 1\nstatus-code: {gte: 200, lt: 300}"})
    assert [(c.target, c.operator) for c in s.checks] == [
        ("$.a", "equals"),
        ("status-code", "gte"),
        ("status-code", "lt"),
    ]


def test_environment_inputs_hyphen_and_underscore_forms() -> None:
    from lambda_invoke.actioninputs import env_inputs

    found = env_inputs(
        {
            "INPUT_FUNCTION-NAME": "same",
            "INPUT_FUNCTION_NAME": "same",
            "INPUT_LOG_TYPE": "None",
            "INPUT_QUALIFIER": "   ",
        }
    )
    assert found == {"function-name": "same", "log-type": "None"}
    with pytest.raises(InputError, match="INPUT_FUNCTION-NAME and INPUT_FUNCTION_NAME are both"):
        env_inputs({"INPUT_FUNCTION-NAME": "hyphen", "INPUT_FUNCTION_NAME": "underscore"})


def test_a_parameter_the_installed_botocore_lacks_is_named_with_its_version() -> None:
    import botocore

    from lambda_invoke.invocation import check_invoke_parameter

    with pytest.raises(InputError) as caught:
        check_invoke_parameter("tenant-id", "TenantIdOfTheFuture", "t1", "Invoke")
    assert str(caught.value) == (
        f"input 'tenant-id': the installed botocore ({botocore.__version__}) does not know "
        "Invoke's TenantIdOfTheFuture; install a newer botocore (pip install -U botocore)"
    )


def test_aws_depth_settings() -> None:
    settings = load_settings(
        {
            "stack-name": "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/0a1b-2c3d",
            "function-name": "Api",
            "role-to-assume": "arn:aws:iam::123456789012:role/path/deploy",
            "invoke-mode": "Stream",
            "tenant-id": "tenant-1",
        }
    )
    assert settings.stack is not None and settings.stack.logical_id == "Api"
    assert settings.region == "eu-west-1"  # from the stack ARN
    assert settings.function.value == ""  # looked up before invoking
    assert settings.function_name.startswith("Api of stack arn:aws:cloudformation:")
    assert settings.role is not None
    assert (settings.role.session_name, settings.role.duration_seconds) == ("lambda-invoke", 3600)
    assert settings.role.audience == "sts.amazonaws.com"
    assert settings.invoke_mode == "stream"
    assert settings.tenant_id == "tenant-1"


# -- every partition botocore knows (its partitions.json), not a pattern of our own --------

PARTITION_REGIONS = [
    ("aws", "us-east-1"),
    ("aws", "ap-southeast-7"),
    ("aws-cn", "cn-northwest-1"),
    ("aws-us-gov", "us-gov-west-1"),
    ("aws-iso", "us-iso-east-1"),
    ("aws-iso-b", "us-isob-east-1"),
    ("aws-iso-e", "eu-isoe-west-1"),
    ("aws-iso-f", "us-isof-south-1"),
    ("aws-eusc", "eusc-de-east-1"),
]


def test_the_partition_table_covers_every_partition_botocore_knows() -> None:
    from lambda_invoke.regions import partition_ids

    assert sorted({partition for partition, _ in PARTITION_REGIONS}) == sorted(partition_ids())


@pytest.mark.parametrize(("partition", "region"), PARTITION_REGIONS)
def test_every_partition_is_accepted_in_region_and_arns(partition: str, region: str) -> None:
    from lambda_invoke.regions import partition_of

    assert partition_of(region) is not None and partition_of(region).id == partition  # type: ignore[union-attr]
    arn = f"arn:{partition}:lambda:{region}:123456789012:function:fn:live"
    settings = load_settings({"function-name": arn, "region": region}, environ={})
    assert (settings.region, settings.function.name, settings.function.qualifier) == (
        region,
        "fn",
        "live",
    )
    stack = f"arn:{partition}:cloudformation:{region}:123456789012:stack/app/abc-123"
    assert load_settings({"stack-name": stack}, environ={}).region == region


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"function-name": "fn", "region": "eusc-xx-east-1"}, "not a region of any AWS partition"),
        ({"function-name": "fn", "region": "us-east"}, "not a region of any AWS partition"),
        ({"function-name": "fn", "region": "aws-global"}, "not a region of any AWS partition"),
        (
            {"function-name": "arn:aws-mars:lambda:us-east-1:123456789012:function:fn"},
            "partition 'aws-mars' is not one",
        ),
        (
            {"function-name": "arn:aws-cn:lambda:us-east-1:123456789012:function:fn"},
            "region 'us-east-1' is not a region of partition aws-cn",
        ),
        (
            {"stack-name": "arn:aws:cloudformation:mars-1:123456789012:stack/app/abc"},
            "input 'stack-name'",
        ),
    ],
)
def test_regions_and_partitions_botocore_does_not_know_are_refused(
    values: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        load_settings(values, environ={})
    assert message in str(caught.value)


# -- the bounds of every number, both ends (issue 20: off-by-one bounds survived) --------

BOUNDS = [
    # input, lowest accepted, highest accepted, refused below, refused above, message below
    ("read-timeout", "0.5", "3600", "0", "3600.5", "must be more than 0, got '0'"),
    ("connect-timeout", "0.1", "300", "0", "300.1", "must be more than 0, got '0'"),
    ("max-attempts", "1", "20", "0", "21", "must be at least 1, got '0'"),
    ("wait-timeout", "0", "3600", "-0.1", "3600.1", "must be at least 0, got '-0.1'"),
    ("full-logs-timeout", "0", "3600", "-1", "3601", "must be at least 0, got '-1'"),
    ("repeat", "1", "10000", "0", "10001", "must be at least 1, got '0'"),
    ("repeat-concurrency", "1", "64", "0", "65", "must be at least 1, got '0'"),
    ("max-rate", "0", "1000", "-1", "1000.5", "must be at least 0, got '-1'"),
]


@pytest.mark.parametrize(("name", "low", "high", "below", "above", "message"), BOUNDS)
def test_each_number_takes_its_bounds_and_refuses_past_them(
    name: str, low: str, high: str, below: str, above: str, message: str
) -> None:
    field = name.replace("-", "_")
    assert getattr(settings(**{field: low}), field) == float(low)
    assert getattr(settings(**{field: high}), field) == float(high)
    with pytest.raises(InputError) as raised:
        settings(**{field: below})
    assert str(raised.value) == f"input '{name}': {message}"
    with pytest.raises(InputError) as raised:
        settings(**{field: above})
    assert f"input '{name}': must be at most" in str(raised.value)


def test_max_attempts_is_a_whole_number() -> None:
    assert isinstance(settings(max_attempts="3").max_attempts, int)
    with pytest.raises(InputError, match=r"expected a whole number, got '2\.5'"):
        settings(max_attempts="2.5")


@pytest.mark.parametrize(
    ("kind", "limit"), [("RequestResponse", 6 * 1024 * 1024), ("Event", 1024 * 1024)]
)
def test_a_payload_may_be_as_large_as_lambda_takes_and_no_larger(
    tmp_path: Path, kind: str, limit: int
) -> None:
    exact = tmp_path / "exact.json"
    exact.write_bytes(b'"' + b"x" * (limit - 2) + b'"')
    loaded = settings(payload_file=str(exact), invocation_type=kind)
    assert loaded.payload is not None and len(loaded.payload) == limit
    over = tmp_path / "over.json"
    over.write_bytes(b'"' + b"x" * (limit - 1) + b'"')
    with pytest.raises(InputError) as raised:
        settings(payload_file=str(over), invocation_type=kind)
    assert str(raised.value) == (
        f"input 'payload-file': {limit + 1} bytes is over Lambda's {limit}-byte limit for {kind}"
    )


def test_the_client_context_may_be_3583_bytes_encoded_and_no_more() -> None:
    exact = base64.b64encode(b"x" * 2687).decode()  # 3584 characters: one over
    assert len(exact) == 3584
    with pytest.raises(InputError) as raised:
        settings(client_context=exact)
    assert "is 3584 bytes base64-encoded; Lambda accepts at most 3583" in str(raised.value)
    text = base64.b64encode(b"y" * 2685).decode()  # 3580: base64 comes in fours
    assert len(text) == 3580 and settings(client_context=text).client_context == text


@pytest.mark.parametrize(
    ("qualifier", "ok"),
    [("a" * 128, True), ("a" * 129, False), ("$LATEST", True), ("v-1_2", True), ("a.b", False)],
)
def test_a_qualifier_is_at_most_128_letters_digits_hyphens_and_underscores(
    qualifier: str, ok: bool
) -> None:
    if ok:
        assert settings(qualifier=qualifier).qualifier == qualifier
        return
    with pytest.raises(InputError) as raised:
        settings(qualifier=qualifier)
    assert str(raised.value) == (
        f"input 'qualifier': '{qualifier}' is not a version or alias (letters, digits, - and _)"
    )


def test_a_function_reference_is_at_most_170_characters() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:" + "f" * 64 + ":" + "q" * 58
    assert len(arn) == 170
    assert settings(function_name=arn).function.qualifier == "q" * 58
    with pytest.raises(InputError, match="is 171 characters; at most 170"):
        settings(function_name=arn + "q")
    with pytest.raises(InputError, match="is 65 characters; at most 64"):
        settings(function_name="f" * 65)


# -- every refusal of load_settings, in this process (issue 20) --------------------------

REFUSALS = [
    ({"stack_name": "arn:aws:cloudformation:eu-west-1:123456789012:stack/app/abc",
      "region": "us-east-1", "function_name": ""},
     "input 'region': 'us-east-1' differs from the stack ARN's (eu-west-1)"),
    ({"stack_name": "1app", "function_name": ""},
     "input 'stack-name': '1app' is not a stack name (a letter, then letters, digits, "
     "hyphens; at most 128) or a stack ARN"),
    ({"stack_name": "app", "function_name": "Api-1"},
     "input 'function-name': with stack-name, function-name is the function's logical id in "
     "the template (letters and digits), got 'Api-1'"),
    ({"role_to_assume": "arn:aws:iam::123:role/x"},
     "input 'role-to-assume': 'arn:aws:iam::123:role/x' is not an IAM role ARN "
     "(arn:aws:iam::ACCOUNT:role/NAME)"),
    ({"role_to_assume": "arn:aws:iam::123456789012:role/x", "role_session_name": "a"},
     "input 'role-session-name': 'a' must be 2 to 64 letters, digits or _+=,.@- characters"),
    ({"role_to_assume": "arn:aws:iam::123456789012:role/x", "role_duration_seconds": "899"},
     "input 'role-duration-seconds': must be at least 900, got '899'"),
    ({"role_to_assume": "arn:aws:iam::123456789012:role/x", "role_duration_seconds": "43201"},
     "input 'role-duration-seconds': must be at most 43200, got '43201'"),
    ({"invoke_mode": "stream", "invocation_type": "Event"},
     "input 'invoke-mode': stream needs invocation-type RequestResponse or DryRun"),
    ({"invoke_mode": "stream", "durable_execution_name": "run"},
     "input 'durable-execution-name': InvokeWithResponseStream (invoke-mode stream) has no "
     "such parameter"),
    ({"tenant_id": "t" * 300}, "input 'tenant-id': must be 1 to 256 characters long"),
    ({"wait_for_completion": "true"},
     "input 'wait-for-completion': follows an Event run; invocation-type is RequestResponse"),
    ({"test_event": "a b"},
     "input 'test-event': 'a b' is not a test event name (letters, digits, - _)"),
    ({"test_event": "ok", "payload": "{}"},
     "input 'test-event': give test-event or payload, not both"),
    ({"env": "1BAD=x"}, "input 'env': '1BAD=x' is not KEY=VALUE or KEY"),
    ({"function_name": "123:function:x:y:z"},
     "input 'function-name': '123:function:x:y:z' is not a partial ARN "
     "(ACCOUNT:function:NAME[:QUALIFIER])"),
    ({"function_name": "12345678901:function:x"},
     "input 'function-name': the account '12345678901' is not 12 digits"),
    ({"function_name": "a:b:c"}, "input 'function-name': 'a:b:c' has more than one ':' qualifier"),
    ({"read_timeout": "1" * 31}, "input 'read-timeout': expected a number, got 31 characters"),
    ({"read_timeout": "nan"}, "input 'read-timeout': expected a finite number, got 'nan'"),
    ({"read_timeout": "soon"}, "input 'read-timeout': expected a number of seconds, got 'soon'"),
    ({"client_context": "[1]"}, "input 'client-context': is neither a JSON object nor base64 text"),
    ({"summary": "maybe"}, "input 'summary': expected true or false, got 'maybe'"),
    ({"log_type": "all"}, "input 'log-type': expected one of Tail, None, got 'all'"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "message"), REFUSALS)
def test_a_refusal_names_its_input(values: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        settings(**values)
    assert str(raised.value) == message


def test_the_lowercase_forms_of_choices_are_the_canonical_ones() -> None:
    loaded = settings(invocation_type="dryrun", log_type="none", invoke_mode="STREAM")
    assert (loaded.invocation_type, loaded.log_type, loaded.invoke_mode) == (
        "DryRun", "None", "stream",
    )  # fmt: skip


def test_env_lines_keep_values_and_take_a_bare_key_as_empty() -> None:
    loaded = settings(env="A=1\n\n  B=x=y  \nC\n")
    assert loaded.env == (("A", "1"), ("B", "x=y"), ("C", ""))


def test_payload_text_forms_and_their_refusals(tmp_path: Path) -> None:
    latin = tmp_path / "latin.bin"
    latin.write_bytes(b"\xe9t\xe9")
    with pytest.raises(InputError, match="is not UTF-8 text \\(use fileb:// to send bytes"):
        settings(payload_file=str(latin))
    assert settings(payload=f"fileb://{latin}").payload == b"\xe9t\xe9"  # as given
    with pytest.raises(InputError, match="holds NaN or Infinity, which Lambda rejects"):
        settings(payload="a: .nan")
    with pytest.raises(InputError, match=r"is not valid JSON \(.*\); set raw to send text"):
        settings(payload="just words")
    with pytest.raises(InputError, match=r"is neither JSON \(.*\) nor YAML \("):
        settings(payload="a: [b")
    assert settings(payload="just words", raw="true").payload == b'"just words"'
    assert settings(payload="- 1\n- two").payload == b'[1, "two"]'
    assert settings(payload='{"kept": "as sent"}').payload == b'{"kept": "as sent"}'


def test_runner_and_output_paths_are_checked_before_invoking(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="it is a directory"):
        settings(output_file=str(tmp_path))
    with pytest.raises(InputError, match="no such directory"):
        settings(output_file=str(tmp_path / "missing" / "out.json"))
    assert settings(output_file=str(tmp_path / "out.json")).output_file == str(
        tmp_path / "out.json"
    )


def test_an_empty_audience_and_a_lone_stage_or_config() -> None:
    with pytest.raises(InputError, match="input 'audience': must not be empty"):
        settings(role_to_assume="arn:aws:iam::123456789012:role/x", audience=" ")
    assert settings(stage="dev").warnings == (
        "stage is used only with function (a serverless.yml key)",
    )
    assert settings(config="serverless.yml").warnings == (
        "config is used only with function (a serverless.yml key)",
    )


# -- the rest of load_settings in this process: each input's name and words (issue 20) ---

RUNNER_ENVIRON = {
    "GITHUB_ACTIONS": "true",
    "LAMBDA_INVOKE_AS_ACTION": "true",
    "GITHUB_WORKSPACE": "/github/workspace",
    "GITHUB_REPOSITORY": "owner/repo",
}


def refusal(environ: dict[str, str] | None = None, /, **values: str) -> str:
    """The one line load_settings refuses these inputs with."""
    merged = {**BASE, **{key.replace("_", "-"): value for key, value in values.items()}}
    with pytest.raises(InputError) as raised:
        load_settings(merged, environ=environ or {})
    return str(raised.value)


EXACT_REFUSALS = [
    ({"function_name": "arn:aws:lambda:us-east-1:123456789012:function:"},
     "input 'function-name': 'arn:aws:lambda:us-east-1:123456789012:function:' has no "
     "function name"),
    ({"function_name": "f" * 65},
     "input 'function-name': the name 'ffffffffffffffffffff...' is 65 characters; at most 64"),
    ({"function_name": "bad.name"},
     "input 'function-name': 'bad.name' may hold only letters, digits, hyphens and "
     "underscores"),
    ({"function_name": ""},
     "input 'function-name': is required (a name, name:alias or ARN; or function, a "
     "serverless.yml key; or stack-name)"),
    ({"invoke_mode": "fast"},
     "input 'invoke-mode': expected one of buffered, stream, got 'fast'"),
    ({"durable_execution_name": "d" * 65},
     "input 'durable-execution-name': must be 1 to 64 characters long"),
    ({"durable_execution_name": "no spaces"},
     "input 'durable-execution-name': 'no spaces' does not match [a-zA-Z0-9-_]+"),
    ({"tenant_id": "t" * 257}, "input 'tenant-id': must be 1 to 256 characters long"),
    ({"tenant_id": "semi;colon"},
     "input 'tenant-id': 'semi;colon' does not match [a-zA-Z0-9\\._:\\/=+\\-@ ]+"),
    ({"payload": "{}", "payload_file": "event.json"},
     "input 'payload-file': give payload or payload-file, not both"),
    ({"payload": "fileb://no/such/event.bin"},
     "input 'payload': file 'no/such/event.bin' does not exist"),
    ({"payload": '{"a": NaN}'},
     "input 'payload': NaN is not JSON (Lambda rejects NaN and Infinity)"),
    ({"payload": "a: &x [*x]"},
     "input 'payload': holds a value that cannot be read: an alias refers to the node that "
     "holds it"),
    ({"payload": "a: .inf"}, "input 'payload': holds NaN or Infinity, which Lambda rejects"),
    ({"payload": "a: [b"},
     "input 'payload': is neither JSON (Expecting value at line 1 column 1) nor YAML (while "
     "parsing a flow sequence in \"<unicode string>\", line 1, column 4: a: [b ^ expected ',' "
     "or ']', but got '<stream end>' in \"<unicode string>\", line 1, column 6: a: [b ^)"),
    ({"payload": "just words"},
     "input 'payload': is not valid JSON (Expecting value at line 1 column 1); set raw to "
     "send text as a string"),
    ({"full_logs": "maybe"}, "input 'full-logs': expected true or false, got 'maybe'"),
    ({"wait_for_completion": "maybe"},
     "input 'wait-for-completion': expected true or false, got 'maybe'"),
    ({"local": "maybe"}, "input 'local': expected true or false, got 'maybe'"),
    ({"local": "true"},
     "input 'function': invoke local needs function: a key of serverless.yml"),
    ({"local": "true", "stack_name": "app"},
     "input 'stack-name': local runs a serverless.yml function's handler here: give function "
     "(a serverless.yml key) instead of stack-name, or leave out local"),
    ({"repeat": "2.5"}, "input 'repeat': expected a whole number, got '2.5'"),
    ({"repeat_concurrency": "2.5"},
     "input 'repeat-concurrency': expected a whole number, got '2.5'"),
    ({"role_to_assume": "arn:aws:iam::123456789012:role/x", "role_duration_seconds": "900.5"},
     "input 'role-duration-seconds': expected a whole number, got '900.5'"),
    ({"endpoint_url": "ftp://localhost:21"},
     "input 'endpoint-url': 'ftp://localhost:21' is not an http(s) URL"),
    ({"endpoint_url": "http://"}, "input 'endpoint-url': 'http://' is not an http(s) URL"),
    ({"test_event": "x" * 101},
     f"input 'test-event': '{'x' * 101}' is not a test event name (letters, digits, - _)"),
    ({"function_name": "fn:live", "qualifier": "prod"},
     "input 'qualifier': 'prod' conflicts with ':live' in function-name; give one"),
    ({"function_name": "arn:aws:s3:::bucket"},
     "input 'function-name': 'arn:aws:s3:::bucket' is not a Lambda function ARN "
     "(arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER])"),
    ({"function_name": "arn:aws:lambda:eu-west-1:123456789012:function:x", "region": "us-east-1"},
     "input 'region': 'us-east-1' differs from the region of the function ARN (eu-west-1)"),
    ({"payload": "ok: [", "raw": "false"},
     "input 'payload': is neither JSON (Expecting value at line 1 column 1) nor YAML (while "
     "parsing a flow node expected the node content, but found '<stream end>' in \"<unicode "
     "string>\", line 1, column 6: ok: [ ^)"),
    ({"read_timeout": "1" * 30},
     f"input 'read-timeout': must be at most 3600, got '{'1' * 30}'"),
    ({"client_context": "eyJ9!!"},
     "input 'client-context': is neither a JSON object nor base64 text"),
    ({"client_context": "{bad"},
     "input 'client-context': is not valid JSON: Expecting property name enclosed in double "
     "quotes at line 1 column 2"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "message"), EXACT_REFUSALS)
def test_each_refusal_word_for_word(values: dict[str, str], message: str) -> None:
    assert refusal(**values) == message


def test_regions_and_partitions_are_refused_naming_what_botocore_knows() -> None:
    from lambda_invoke.regions import partition_ids

    known = ", ".join(partition_ids())
    assert refusal(region="Mars") == (
        f"input 'region': 'Mars' is not a region of any AWS partition the installed botocore "
        f"knows ({known}); like us-east-1"
    )
    assert refusal(function_name="arn:aws-moon:lambda:us-east-1:123456789012:function:f") == (
        f"input 'function-name': the ARN's partition 'aws-moon' is not one the installed "
        f"botocore knows ({known})"
    )


def test_accepted_forms_of_the_newer_inputs() -> None:
    loaded = settings(
        tenant_id="t", durable_execution_name="run-1", test_event="Ab-9_",
        endpoint_url="https://localhost:1", env="lower_case=1", full_logs="true",
        full_logs_timeout="0",
    )  # fmt: skip
    assert (loaded.tenant_id, loaded.durable_execution_name, loaded.test_event) == (
        "t", "run-1", "Ab-9_",
    )  # fmt: skip
    assert loaded.endpoint_url == "https://localhost:1" and loaded.env == (("lower_case", "1"),)
    assert (loaded.full_logs, loaded.full_logs_timeout, loaded.wait_for_completion) == (
        True, 0.0, False,
    )  # fmt: skip
    assert settings(tenant_id="t" * 256).tenant_id == "t" * 256
    waited = settings(invocation_type="event", wait_for_completion="yes")
    assert (waited.invocation_type, waited.wait_for_completion) == ("Event", True)
    role = settings(role_to_assume="arn:aws:iam::123456789012:role/deploy").role
    assert role is not None and role.arn == "arn:aws:iam::123456789012:role/deploy"


def test_a_client_context_file_and_text_forms(tmp_path: Path) -> None:
    latin = tmp_path / "context.json"
    latin.write_bytes(b'  \n{"who": "\xff"}')  # not UTF-8: replaced, as serverless reads it
    loaded = settings(context_path=str(latin))
    assert loaded.context == {"who": "\ufffd"}
    assert loaded.client_context == base64.b64encode(b'{"who":"\\ufffd"}').decode()
    listed = tmp_path / "list.json"
    listed.write_text("[1]")
    assert refusal(context_path=str(listed)) == (
        f"input 'context-path': file '{listed}' does not hold a JSON object"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{bad")
    assert refusal(context_path=str(broken)) == (
        "input 'context-path': is not valid JSON: Expecting property name enclosed in double "
        "quotes at line 1 column 2"
    )
    assert refusal(context_path=str(tmp_path / "missing.json")) == (
        f"input 'context-path': file '{tmp_path / 'missing.json'}' does not exist"
    )
    compact = settings(client_context='{"a": 1, "b": [2]}')
    assert base64.b64decode(compact.client_context or "") == b'{"a":1,"b":[2]}'
    assert compact.context == {"a": 1, "b": [2]}

    def encoded(data: bytes) -> str:
        return base64.b64encode(data).decode()

    assert settings(client_context=encoded(b'{"k": 1}')).context == {"k": 1}
    assert settings(client_context=encoded(b"[1]")).context is None
    assert settings(client_context=encoded(b"not json")).context is None
    assert settings(client_context=encoded(b"[1]")).client_context == encoded(b"[1]")


def test_payload_sources_are_named_in_their_refusals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = tmp_path / "words.txt"
    words.write_text("just words")
    for form, name in ((f"file://{words}", "payload"), (str(words), "payload-file")):
        values = {"payload": form} if name == "payload" else {"payload_file": form}
        assert refusal(**values) == (
            f"input '{name}': is not valid JSON (Expecting value at line 1 column 1); set raw "
            "to send text as a string"
        )
        assert settings(raw="true", **values).payload == b'"just words"'
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    assert refusal(payload=f"fileb://{big}", invocation_type="Event") == (
        "input 'payload': 1048577 bytes is over Lambda's 1048576-byte limit for Event"
    )
    assert refusal(payload='"' + "x" * (1024 * 1024) + '"', invocation_type="Event") == (
        "input 'payload': 1048578 bytes is over Lambda's 1048576-byte limit for Event"
    )
    dated = settings(payload="day: 2024-01-31")
    assert dated.payload == b'{"day": "2024-01-31"}'  # YAML dates are sent as text

    def stdin(data: bytes) -> None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))

    stdin(b'{"from": "stdin"}')
    assert settings(payload_file="-").payload == b'{"from": "stdin"}'
    stdin(b"plain")
    assert settings(payload_file="-", raw="true").payload == b'"plain"'
    stdin(b"plain")
    assert refusal(payload_file="-").startswith("input 'payload-file': is not valid JSON")
    stdin(b" \n")
    assert refusal(payload_file="-") == "input 'payload-file': standard input was empty"
    stdin(b'"' + b"x" * (1024 * 1024) + b'"')
    assert refusal(payload_file="-", invocation_type="Event") == (
        "input 'payload-file': 1048578 bytes is over Lambda's 1048576-byte limit for Event"
    )


def test_runner_paths_of_every_file_input_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    (work / "repo" / "repo").mkdir(parents=True)
    environ = {**RUNNER_ENVIRON, "RUNNER_WORKSPACE": str(work / "repo")}
    temp = f"{work}/_temp/event.json"

    def in_temp(name: str, path: str) -> str:
        return (
            f"input '{name}': '{path}' is in the runner's temp folder on the host "
            "(runner.temp), which this runner does not mount into Docker actions (runners "
            "before v2.329 do not); write under the workspace instead, e.g. "
            "${{ github.workspace }}/out.json or a relative path"
        )

    assert refusal(environ, payload=f"file://{temp}") == in_temp("payload", temp)
    assert refusal(environ, payload=f"fileb://{temp}") == in_temp("payload", temp)
    assert refusal(environ, payload_file=temp) == in_temp("payload-file", temp)
    assert refusal(environ, context_path=temp) == in_temp("context-path", temp)
    assert refusal(environ, output_file=temp) == in_temp("output-file", temp)
    assert load_settings({**BASE}, environ=environ).runner is not None
    # "-" is standard input, never a file of the host: not checked even in the runner's
    # folders (here the working directory is one)
    monkeypatch.chdir(work / "repo")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"{}")))
    loaded = load_settings({**BASE, "payload-file": "-"}, environ=environ)
    assert loaded.payload == b"{}"


SERVERLESS_YML = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  region: ${opt:region, 'eu-west-1'}
functions:
  hello:
    handler: handler.main
    environment:
      SUFFIX: ${env:SUFFIX, 'none'}
  named:
    handler: handler.main
    name: ${self:service}-${sls:stage}-${env:SUFFIX}
  ruby:
    handler: app.main
    runtime: ruby3.3
"""


@pytest.fixture
def service(tmp_path: Path) -> Path:
    (tmp_path / "serverless.yml").write_text(SERVERLESS_YML)
    (tmp_path / "handler.py").write_text("def main(event, context):\n    return event\n")
    return tmp_path / "serverless.yml"


def from_service(
    service: Path, environ: dict[str, str] | None = None, /, **values: str
) -> Settings:
    merged = {"config": str(service), **{k.replace("_", "-"): v for k, v in values.items()}}
    return load_settings(merged, environ=environ or {})


def test_a_serverless_function_is_resolved_with_its_stage_region_and_environment(
    service: Path,
) -> None:
    loaded = from_service(service, {"SUFFIX": "x"}, function="named", stage="prod")
    assert loaded.function.name == "shop-prod-x"
    assert loaded.serverless is not None and loaded.serverless.key == "named"
    assert loaded.region == "eu-west-1" and loaded.warnings == ()
    moved = from_service(service, function="hello", region="us-west-2")
    assert (moved.function.name, moved.region) == ("shop-dev-hello", "us-west-2")
    assert moved.serverless is not None and moved.serverless.region == "us-west-2"
    both = from_service(service, function="hello", function_name="other")
    assert both.function.name == "other"
    assert both.warnings == (
        "function-name 'other' and function 'hello' are both given: function-name wins "
        "(serverless.yml would give 'shop-dev-hello')",
    )
    local = from_service(service, function="hello", local="true")
    assert local.local is True and local.serverless is not None


def test_local_and_serverless_refusals_word_for_word(service: Path) -> None:
    def refused(**values: str) -> str:
        with pytest.raises(InputError) as raised:
            from_service(service, **values)
        return str(raised.value)

    assert refused(function="hello", stack_name="app") == (
        "input 'stack-name': give stack-name or function (serverless.yml), not both"
    )
    assert refused(function="hello", local="true", invoke_mode="stream") == (
        "input 'invoke-mode': invoke local does not stream; use invoke-mode buffered"
    )
    assert refused(function="hello", local="true", full_logs="true") == (
        "input 'full-logs': reads CloudWatch Logs: not with local (its log is complete)"
    )
    assert refused(
        function="hello", local="true", invocation_type="Event", wait_for_completion="true"
    ) == (
        "input 'wait-for-completion': reads CloudWatch Logs: not with local (its log is complete)"
    )
    assert refused(function="hello", local="true", test_event="saved") == (
        "input 'test-event': is read from AWS: not with local"
    )
    assert refused(function="ruby", local="true") == (
        "input 'local': 'ruby' runs on 'ruby3.3': invoke local runs python and nodejs functions"
    )
    assert from_service(service, function="ruby").function.name == "shop-dev-ruby"


def test_a_stack_function_describes_itself() -> None:
    assert settings(stack_name="app", function_name="").function.name == "the function of stack app"
    assert settings(stack_name="app", function_name="Api").function.name == "Api of stack app"


def test_a_yaml_error_is_cut_at_200_characters() -> None:
    text = "a" * 300 + ":\n  b: 1\n c" + "x" * 300 + ": 2"
    message = refusal(payload=text)
    prefix = "input 'payload': is neither JSON (Expecting value at line 1 column 1) nor YAML ("
    assert message.startswith(prefix + "while parsing a block mapping in")
    assert len(message) == len(prefix) + 200 + 1  # and the closing parenthesis


def test_what_is_refused_in_a_file_is_named_by_its_input(tmp_path: Path) -> None:
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"\xe9t\xe9")
    for values, name in (({"payload_file": str(latin)}, "payload-file"),
                         ({"payload": f"file://{latin}"}, "payload")):  # fmt: skip
        assert refusal(**values) == (
            f"input '{name}': is not UTF-8 text (use fileb:// to send bytes as they are)"
        )
    big = tmp_path / "big.json"
    big.write_bytes(b'"' + b"x" * (1024 * 1024) + b'"')
    assert refusal(payload=f"file://{big}", invocation_type="Event") == (
        "input 'payload': 1048578 bytes is over Lambda's 1048576-byte limit for Event"
    )
    assert refusal(output_file=str(tmp_path)) == (
        f"input 'output-file': cannot write '{tmp_path}': it is a directory"
    )


def test_the_profile_given_to_the_cli_is_kept() -> None:
    assert load_settings(BASE, environ={}, profile="ci").profile == "ci"
    assert load_settings(BASE, environ={}).profile is None


def _loaded_or_refused(load, values: dict[str, str]):  # type: ignore[no-untyped-def]
    try:
        return load(values)
    except InputError as error:
        return f"{error.input_name}: {error.problem}"


def test_a_suites_loader_gives_what_load_settings_gives_case_after_case(tmp_path: Path) -> None:
    """SettingsLoader checks what a case shares with an earlier one once: case after case
    (payloads that differ, one that is refused, a test-event that meets a payload, a
    payload file) its settings and its refusals are load_settings' own."""
    from lambda_invoke.settings import SettingsLoader

    event = tmp_path / "event.json"
    event.write_text('{"from": "file"}')
    cases = [
        {"function-name": "fn"},
        {"function-name": "fn"},
        {"function-name": "fn", "payload": '{"a": 1}'},
        {"function-name": "fn", "payload": '{"a": 2}'},
        {"function-name": "fn", "payload": "{not json"},
        {"function-name": "fn", "payload-file": str(event)},
        {"function-name": "fn", "payload": "x" * (1024 * 1024 + 1), "invocation-type": "Event"},
        {"function-name": "fn", "payload": '{"a": 3}', "invocation-type": "Event"},
        {"function-name": "fn", "test-event": "saved"},
        {"function-name": "fn", "test-event": "saved", "payload": '{"a": 4}'},
        {"function-name": "fn", "test-event": "saved", "payload": '{"a": 5}'},
        {"function-name": "other", "payload": '{"a": 1}'},
        {"function-name": "fn", "payload": '{"a": 1}', "raw": "true"},
    ]
    loader = SettingsLoader(environ={}, profile=None)
    for values in cases:
        expected = _loaded_or_refused(lambda v: load_settings(v, environ={}), values)
        assert _loaded_or_refused(loader.load, values) == expected, values
    shared = loader.load({"function-name": "fn", "payload": '{"a": 9}'})
    assert shared.payload == b'{"a": 9}'
    assert loader.load({"function-name": "fn"}) is loader.load({"function-name": "fn"})
