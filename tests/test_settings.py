"""Settings: every bad input is one line naming the input, exit 2, and no AWS client."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from support import Stubbed

from lambda_invoke.errors import InputError
from lambda_invoke.settings import load_settings, parse_function_name

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
    run = stub.run([], {"GITHUB_ACTIONS": "true", "INPUT_FUNCTION-NAME": ""})
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
    from lambda_invoke.interface import env_inputs

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

    from lambda_invoke.settings import check_invoke_parameter

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
    ({"function_name": "arn:aws:lambda:us-east-1:123456789012:function:"},
     "has no function name"),
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
    ({"client_context": "{1}"}, "input 'client-context': is not valid JSON"),
    ({"summary": "maybe"}, "input 'summary': expected true or false, got 'maybe'"),
    ({"log_type": "all"}, "input 'log-type': expected one of Tail, None, got 'all'"),
]  # fmt: skip


@pytest.mark.parametrize(("values", "message"), REFUSALS)
def test_a_refusal_names_its_input(values: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        settings(**values)
    assert message in str(raised.value)


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
