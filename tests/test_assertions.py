"""Assertion operators: each passes and fails where it should; every check is reported."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from support import time_budget

from lambda_invoke.assertions import OPERATORS, decode_document, evaluate, parse_checks
from lambda_invoke.errors import InputError

PAYLOAD = json.dumps(
    {
        "statusCode": 200,
        "name": "lambda-invoke",
        "count": 3,
        "ratio": 0.5,
        "ok": True,
        "nothing": None,
        "tags": ["a", "b"],
        "items": [{"name": "cheap", "price": 5}, {"name": "dear", "price": 20}],
        "meta": {"region": "us-east-1"},
    }
)
OUTPUTS: dict[str, Any] = {"status-code": 200, "logs": "START\nhello\nEND", "duration-ms": 12.5}

# (target, operator, expected value that passes, expected value that fails)
CASES = [
    ("$.name", "equals", "lambda-invoke", "other"),
    ("$.count", "equals", 3.0, 4),
    ("$.ok", "equals", True, 1),
    ("$.meta", "equals", {"region": "us-east-1"}, {"region": "eu-west-1"}),
    ("$.name", "not-equals", "other", "lambda-invoke"),
    ("$.name", "contains", "invoke", "nope"),
    ("$.tags", "contains", "b", "c"),
    ("$.meta", "contains", "region", "zone"),
    ("$.name", "not-contains", "nope", "lambda"),
    ("$.name", "matches", "^lambda-\\w+$", "^invoke"),
    ("$.count", "matches", "^3$", "^4$"),
    ("$.name", "exists", True, False),
    ("$.missing", "exists", False, True),
    ("$.name", "type", "string", "number"),
    ("$.count", "type", "integer", "string"),
    ("$.ratio", "type", "number", "integer"),
    ("$.ok", "type", "boolean", "number"),
    ("$.meta", "type", "object", "array"),
    ("$.tags", "type", "array", "object"),
    ("$.nothing", "type", "null", "string"),
    ("$.tags", "length", 2, 3),
    ("$.name", "length", 13, 1),
    ("$.count", "gt", 2, 3),
    ("$.count", "gte", 3, 4),
    ("$.count", "lt", 4, 3),
    ("$.count", "lte", 3, 2),
    ("$.name", "in", ["x", "lambda-invoke"], ["x", "y"]),
    ("$.items[?price > 10].name", "equals", "dear", "cheap"),
    ("$.items[*].name", "equals", ["cheap", "dear"], ["cheap"]),
    ("status-code", "equals", 200, 500),
    ("status-code", "in", [200, 202], [500]),
    ("logs", "not-contains", "ERROR", "hello"),
    ("duration-ms", "lt", 2000, 10),
    ("$.meta", "schema", {"required": ["region"]}, {"required": ["zone"]}),
    ("$.items[?@.price > 10].name", "equals", "dear", "cheap"),  # RFC 9535 filter form
]


def run_one(target: str, operator: str, expected: Any, payload: str = PAYLOAD) -> Any:
    text = f"{json.dumps(target)}: {{{json.dumps(operator)}: {json.dumps(expected)}}}"
    (result,) = evaluate(parse_checks(text), payload, OUTPUTS)
    return result


@pytest.mark.parametrize(("target", "operator", "good", "bad"), CASES)
def test_operator_passes_and_fails(target: str, operator: str, good: Any, bad: Any) -> None:
    assert run_one(target, operator, good).passed
    failed = run_one(target, operator, bad)
    assert not failed.passed
    assert failed.reason


def test_every_operator_is_covered() -> None:
    assert {case[1] for case in CASES} == set(OPERATORS)


def test_plain_value_means_equals_and_every_check_is_reported() -> None:
    checks = parse_checks("$.name: lambda-invoke\n$.count: 4\n$.missing: 1\nstatus-code: 200")
    results = evaluate(checks, PAYLOAD, OUTPUTS)
    assert [r.check.operator for r in results] == ["equals"] * 4
    assert [r.passed for r in results] == [True, False, False, True]
    assert results[1].reason == "got 3"
    assert results[2].reason == "no match in the payload"
    assert results[1].to_dict() == {
        "path": "$.count",
        "operator": "equals",
        "expected": 4,
        "actual": 3,
        "passed": False,
    }


def test_no_match_fails_every_operator_but_exists_false() -> None:
    for operator in OPERATORS:
        expected = {"exists": False}.get(operator)
        if expected is None:
            continue
        assert run_one("$.missing", operator, expected).passed
    assert not run_one("$.missing", "not-equals", "x").passed
    assert not run_one("$.missing", "not-contains", "x").passed


def test_payload_that_is_not_json() -> None:
    result = run_one("$.a", "equals", 1, payload="plain text")
    assert not result.passed
    assert result.reason == "the payload is not JSON"
    assert run_one("$.a", "exists", False, payload="plain text").passed


def test_missing_output() -> None:
    checks = parse_checks("init-duration-ms: {lt: 100}")
    (result,) = evaluate(checks, PAYLOAD, OUTPUTS)
    assert not result.passed
    assert "not set" in result.reason


def test_proxy_response_body_is_decoded() -> None:
    proxy = json.dumps({"statusCode": 200, "body": json.dumps({"message": "all ok", "n": [1, 2]})})
    assert run_one("$.body.message", "contains", "ok", payload=proxy).passed
    assert run_one("$.body.n", "length", 2, payload=proxy).passed
    assert run_one("$.statusCode", "equals", 200, payload=proxy).passed


def test_base64_proxy_body_and_plain_text_body() -> None:
    body = base64.b64encode(json.dumps({"x": 1}).encode()).decode()
    encoded = json.dumps({"statusCode": 200, "isBase64Encoded": True, "body": body})
    assert decode_document(encoded)[1]["body"] == {"x": 1}
    text = json.dumps({"statusCode": 200, "body": "<html>"})
    assert decode_document(text)[1]["body"] == "<html>"


def test_numbers_compare_across_types_but_not_booleans() -> None:
    assert run_one("$.count", "equals", "3").passed
    assert not run_one("$.ok", "equals", 1).passed
    assert not run_one("$.name", "gt", 1).passed  # not a number: fails, no crash


def test_describe_is_one_line_even_for_hostile_values() -> None:
    hostile = json.dumps({"x": "line1\n::error::pwned"})
    result = run_one("$.x", "equals", "safe", payload=hostile)
    assert "\n" not in result.describe()
    assert result.describe().startswith("$.x equals")


def test_a_check_given_twice_is_refused_not_dropped() -> None:
    from lambda_invoke.errors import InputError

    with pytest.raises(InputError, match=r"found the key '\$\.a' twice"):
        parse_checks("$.a: 1\n$.b: 2\n$.a: 3")


def test_type_null_takes_yaml_null_as_a_reader_writes_it() -> None:
    checks = parse_checks("$.n: { type: null }\n$.m: { type: 'null' }")
    assert [check.expected for check in checks] == ["null", "null"]
    results = evaluate(checks, '{"n": null, "m": 1}', {})
    assert [result.passed for result in results] == [True, False]


# -- schema: a JSON Schema on $ or any path ---------------------------------------------

ORDER_SCHEMA = {
    "type": "object",
    "required": ["id", "items"],
    "properties": {
        "id": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "required": ["price"]}},
    },
}


def test_schema_inline_passes_and_fails_with_json_pointers() -> None:
    import yaml as pyyaml

    checks = parse_checks(pyyaml.safe_dump({"$": {"schema": ORDER_SCHEMA}}))
    good, bad = '{"id": "a", "items": [{"price": 1}]}', '{"id": 7, "items": [{"name": "x"}, {}]}'
    assert evaluate(checks, good, {})[0].passed
    result = evaluate(checks, bad, {})[0]
    assert not result.passed
    assert result.reason == (
        "at /id: 7 is not of type 'string'; at /items/0: 'price' is a required property; "
        "at /items/1: 'price' is a required property"
    )


def test_schema_from_files_json_and_yaml_and_on_a_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "order.json").write_text(json.dumps(ORDER_SCHEMA))
    (tmp_path / "price.yml").write_text("type: number\nminimum: 0\n")
    checks = parse_checks(
        f"$: {{ schema: {tmp_path / 'order.json'} }}\n"
        f"$.items[0].price: {{ schema: {tmp_path / 'price.yml'} }}"
    )
    results = evaluate(checks, '{"id": "a", "items": [{"price": -1}]}', {})
    assert [r.passed for r in results] == [True, False]
    assert results[1].reason == "at /: -1 is less than the minimum of 0"


def test_schema_honours_its_dollar_schema() -> None:
    draft4 = {"$schema": "http://json-schema.org/draft-04/schema#", "type": "number",
              "maximum": 5, "exclusiveMaximum": True}  # fmt: skip
    checks = parse_checks(json.dumps({"$.n": {"schema": draft4}}))
    assert not evaluate(checks, '{"n": 5}', {})[0].passed  # draft 4's boolean exclusiveMaximum


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"schema": "missing.json"}, "file 'missing.json' does not exist"),
        ({"schema": {"type": "nonsense"}}, "not a valid JSON Schema"),
        ({"schema": 5}, "schema expects a file path or a mapping"),
    ],
)
def test_a_bad_schema_is_an_input_error(spec: dict[str, Any], message: str) -> None:
    from lambda_invoke.errors import InputError

    with pytest.raises(InputError, match=message):
        parse_checks(json.dumps({"$": spec}))


# -- each operator at its edges (issue 20: mutation testing) ------------------------------

EDGES: list[tuple[str, Any, Any, bool]] = [
    # operator, actual (the payload's $.v), expected, passes
    ("gt", 5, 5, False), ("gt", 5.01, 5, True), ("gt", "6", 5, True), ("gt", "x", 5, False),
    ("gte", 5, 5, True), ("gte", 4.99, 5, False), ("gte", True, 0, False),
    ("lt", 5, 5, False), ("lt", 4.99, 5, True), ("lt", [1], 5, False),
    ("lte", 5, 5, True), ("lte", 5.01, 5, False), ("lte", None, 5, False),
    ("equals", 200, "200", True), ("equals", "200", 200, True), ("equals", "2x", 2, False),
    ("equals", True, "true", False), ("equals", "true", True, False),
    ("equals", 200.0, 200, True), ("equals", "a", "a", True),
    ("equals", True, 1, False), ("equals", 1, True, False), ("equals", False, False, True),
    ("equals", "x", 1, False), ("equals", {"a": 1}, {"a": 1}, True),
    ("not-equals", 1, "1", False), ("not-equals", 1, 2, True),
    ("contains", "hello world", "lo w", True), ("contains", "hello", "x", False),
    ("contains", [1, 2], "2", True), ("contains", [1, 2], 3, False),
    ("contains", {"key": 1}, "key", True), ("contains", {"key": 1}, "1", False),
    ("contains", 123, "2", False),
    ("not-contains", "abc", "b", False), ("not-contains", "abc", "d", True),
    ("in", 2, [1, "2"], True), ("in", 3, [1, 2], False), ("in", True, [1], False),
    ("type", 2.0, "integer", True), ("type", 2.5, "integer", False), ("type", 2, "number", True),
    ("type", "2", "number", False), ("type", True, "boolean", True), ("type", [], "array", True),
    ("type", {}, "object", True), ("type", "s", "string", True), ("type", 1, "string", False),
    ("length", "abc", 3, True), ("length", [1, 2], 2, True), ("length", {"a": 1}, 1, True),
    ("length", "abc", 2, False), ("length", 123, 3, False), ("length", "", 0, True),
    ("length", [], 0, True), ("length", "a", 0, False),
    ("matches", "abc-123", "^[a-z]+-\\d+$", True), ("matches", "ABC", "^[a-z]+$", False),
    ("matches", {"n": 1}, '"n": 1', True), ("matches", 42, "^42$", True),
]  # fmt: skip


@pytest.mark.parametrize(("operator", "actual", "expected", "passes"), EDGES)
def test_an_operator_at_its_edge(operator: str, actual: Any, expected: Any, passes: bool) -> None:
    check = parse_checks(json.dumps({"$.v": {operator: expected}}))
    [result] = evaluate(check, json.dumps({"v": actual}), {})
    assert result.passed is passes
    if not passes and operator == "not-contains":  # the line that has it
        assert result.reason == f"line 1 has it: {json.dumps(actual)}"
    elif not passes:
        assert result.reason == f"got {json.dumps(actual)}"


def test_a_failed_not_contains_shows_the_offending_line() -> None:
    log = "START r\nINFO ready\n[ERROR] payment declined\nEND r\n"
    [failed] = evaluate(parse_checks("logs: {not-contains: ERROR}"), "", {"logs": log})
    said = failed.describe()
    assert said == 'logs not-contains "ERROR": line 3 has it: "[ERROR] payment declined"'


def test_a_failed_check_line_names_what_it_got_and_what_it_wanted() -> None:
    [failed] = evaluate(parse_checks("$.v: {lt: 5}"), '{"v": 7}', {})
    assert failed.describe() == "$.v lt 5: got 7"
    assert failed.to_dict() == {
        "path": "$.v", "operator": "lt", "expected": 5, "actual": 7, "passed": False,
    }  # fmt: skip
    [passed] = evaluate(parse_checks("$.v: {lt: 9}"), '{"v": 7}', {})
    assert passed.describe() == "$.v lt 9"


def test_several_matches_are_a_list_and_none_is_a_missing_value() -> None:
    checks = parse_checks("$.items[*].n: {length: 2}\n$.nothing: {exists: false}")
    results = evaluate(checks, '{"items": [{"n": 1}, {"n": 2}]}', {})
    assert [r.passed for r in results] == [True, True]
    assert results[0].actual == [1, 2]
    [exists] = evaluate(parse_checks("$.items: {exists: false}"), '{"items": 1}', {})
    assert (exists.passed, exists.reason) == (False, "it exists")


def test_a_long_value_is_cut_in_the_line() -> None:
    [failed] = evaluate(parse_checks('$.v: "short"'), json.dumps({"v": "x" * 500}), {})
    assert failed.reason == "got " + json.dumps("x" * 500)[:197] + "..."
    assert len(failed.reason) == 4 + 200


#: an expected value of the wrong kind for its operator
WRONG_KINDS = [
        ("$.v: {gt: 'a'}", '$.v: gt expects a number, got "a"'),
        ("$.v: {exists: 1}", "$.v: exists expects true or false, got 1"),
        ("$.v: {length: -1}", "$.v: length expects a whole number >= 0, got -1"),
        ("$.v: {length: true}", "$.v: length expects a whole number >= 0, got true"),
        ("$.v: {type: float}", "$.v: type expects one of string, number, integer, boolean, "
         'object, array, null, got "float"'),
        ("$.v: {in: 3}", "$.v: in expects a list of values, got 3"),
        ("$.v: {matches: 3}", "$.v: matches expects a regular expression string, got 3"),
        ("$.v: {matches: '('}", "$.v: matches has an invalid regular expression: missing ) "
         'at position 1, got "("'),
        (f"$.v: {{matches: '{'a' * 1001}'}}", "$.v: matches has a regular expression of 1001 "
         f'characters (at most 1000), got "{"a" * 196}...'),
]  # fmt: skip


def test_schema_violations_name_their_place_and_stop_at_three() -> None:
    checks = parse_checks(
        "$: {schema: {type: object, properties: {"
        "'a/b': {type: string}, 'c~d': {type: string}, e: {type: string}, f: {type: string}}}}"
    )
    [result] = evaluate(checks, json.dumps({"a/b": 1, "c~d": 2, "e": 3, "f": 4}), {})
    reasons = result.reason.split("; ")
    assert reasons[:3] == [
        "at /a~1b: 1 is not of type 'string'",
        "at /c~0d: 2 is not of type 'string'",
        "at /e: 3 is not of type 'string'",
    ]
    assert reasons[3] == "and 1 more"
    [root] = evaluate(parse_checks("$: {schema: {type: array}}"), "{}", {})
    assert root.reason == "at /: {} is not of type 'array'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        *WRONG_KINDS,
        ("- a\n- b", "must be a YAML mapping of checks (key: expected), not a list"),
        ("$.a: {}", "$.a: empty mapping of operators"),
        ("$.a: {near: 1}", "$.a: unknown operator 'near'; known: equals, not-equals, contains, "
         "not-contains, matches, exists, type, length, gt, gte, lt, lte, in, schema"),
        ("$.a: {eq: 1}", "$.a: unknown operator 'eq' (did you mean 'equals'?); known: equals, "
         "not-equals, contains, not-contains, matches, exists, type, length, gt, gte, lt, lte, "
         "in, schema"),
        ("$[: 1", "invalid JSONPath '$[': Parse error near the end of string!"),
        ("speed: 1", "'speed' is neither a JSONPath (starting with $) nor an output; outputs: "
         "payload, status-code, function-error, logs, logs-complete, executed-version, request-id, "
         "duration-ms, billed-duration-ms, max-memory-used-mb, init-duration-ms, elapsed-ms, "
         "durable-execution-arn, error-details, stream-complete, invocations, function-errors, "
         "cold-starts, throttles, duration-ms-p50, duration-ms-p90, duration-ms-p95, "
         "duration-ms-p99, duration-ms-max, billed-duration-ms-p50, billed-duration-ms-p90, "
         "billed-duration-ms-p95, billed-duration-ms-p99, billed-duration-ms-max, "
         "elapsed-ms-p50, elapsed-ms-p90, elapsed-ms-p95, elapsed-ms-p99, elapsed-ms-max, "
         "differences, new-function-errors, duration-ms-p95-ratio, elapsed-ms-p95-ratio"),
        ("duration: 1", "'duration' is neither a JSONPath (starting with $) nor an output "
         "(did you mean 'duration-ms'?)"),
        ("3", "must be a YAML mapping of checks (key: expected), not a number"),
        ("2.5", "must be a YAML mapping of checks (key: expected), not a number"),
        ("just words", "must be a YAML mapping of checks (key: expected), not text"),
        ("true", "must be a YAML mapping of checks (key: expected), not true or false"),
        ("a: &x [*x]", "holds a value that cannot be read: an alias refers to the node that "
         "holds it"),
        ("$: {schema: 3}", "$: schema expects a file path or a mapping, got 3"),
        ("$: {schema: 2024-01-31}", '$: schema expects a file path or a mapping, got "2024-01-31"'),
        ("$: {schema: [é]}", '$: schema expects a file path or a mapping, got ["é"]'),
        (
            f"$: {{schema: [{'y' * 196}]}}",
            f'$: schema expects a file path or a mapping, got ["{"y" * 196}"]',
        ),
        (
            f"$: {{schema: [{'y' * 197}]}}",
            f'$: schema expects a file path or a mapping, got ["{"y" * 195}...',
        ),
        (
            "$: {schema: {type: 12}}",
            "$: not a valid JSON Schema: 12 is not valid under any of the given schemas",
        ),
        (f"$: {{schema: {{type: {'x' * 300}}}}}", "$: not a valid JSON Schema: '" + "x" * 199),
        ("a: [b", "is not valid YAML: while parsing a flow sequence in \"<unicode string>\", "
         "line 1, column 4: a: [b ^ expected ',' or ']', but got '<stream end>' in "
         "\"<unicode string>\", line 1, column 6: a: [b ^"),
    ],
)  # fmt: skip
def test_a_bad_assert_names_what_is_wrong(text: str, message: str) -> None:
    from lambda_invoke.errors import InputError

    with pytest.raises(InputError) as raised:
        parse_checks(text)
    assert str(raised.value) == f"input 'assert': {message}"


def test_an_empty_assert_has_no_checks() -> None:
    assert parse_checks("") == () and parse_checks("# nothing\n") == ()


@pytest.mark.parametrize(
    ("payload", "document"),
    [
        ('{"statusCode": 200, "body": "{\\"a\\": 1}"}', {"statusCode": 200, "body": {"a": 1}}),
        ('{"statusCode": 200, "body": "plain"}', {"statusCode": 200, "body": "plain"}),
        ('{"statusCode": 200, "body": "eyJhIjogMX0=", "isBase64Encoded": true}',
         {"statusCode": 200, "body": {"a": 1}, "isBase64Encoded": True}),
        ('{"statusCode": 200, "body": "eyJhIjogMX0=", "isBase64Encoded": "yes"}',
         {"statusCode": 200, "body": "eyJhIjogMX0=", "isBase64Encoded": "yes"}),
        ('{"statusCode": 200, "body": "eyJhIjogMX0=!!", "isBase64Encoded": true}',
         {"statusCode": 200, "body": "eyJhIjogMX0=!!", "isBase64Encoded": True}),
        ('{"statusCode": 200, "body": "!!", "isBase64Encoded": true}',
         {"statusCode": 200, "body": "!!", "isBase64Encoded": True}),
        ('{"body": "{\\"a\\": 1}"}', {"body": '{"a": 1}'}),
        ('{"statusCode": 200, "body": 5}', {"statusCode": 200, "body": 5}),
    ],
)  # fmt: skip
def test_a_proxy_body_is_decoded_only_when_it_is_one(payload: str, document: object) -> None:
    assert decode_document(payload) == (True, document, "")


def test_a_payload_nested_past_the_limit_fails_its_check_in_one_line() -> None:
    """It ended the run in an unexpected RecursionError (exit 3) before."""
    deep = "[" * 50_000 + "]" * 50_000
    assert decode_document(deep) == (
        False, None, "the payload is not read as JSON: nested deeper than 128 levels"
    )  # fmt: skip
    (result,) = evaluate(parse_checks("$[0]: 1"), deep, {})
    assert not result.passed
    assert "the payload is not read as JSON: nested deeper than 128 levels" in result.describe()


def test_schema_files_in_every_form_and_their_refusals_word_for_word(tmp_path: Path) -> None:
    from lambda_invoke.errors import InputError

    def refused(path: Path) -> str:
        with pytest.raises(InputError) as raised:
            parse_checks(f"$: {{schema: '{path}'}}")
        return str(raised.value)

    (tmp_path / "number.yaml").write_text("type: number\n")  # .yaml as well as .yml
    [check] = parse_checks(f"$.n: {{schema: '{tmp_path / 'number.yaml'}'}}")
    assert [r.passed for r in evaluate((check,), '{"n": 1}', {})] == [True]
    assert [r.passed for r in evaluate((check,), '{"n": "1"}', {})] == [False]
    cases = {
        "list.json": ("[1]", "$: the schema is not a JSON Schema (an object)"),
        "broken.json": ("{bad", "$: schema file '{path}': Expecting property name enclosed in "
                        "double quotes: line 1 column 2 (char 1)"),
        "broken.yml": ("type: [", "$: schema file '{path}': while parsing a flow node expected "
                       "the node content, but found '<stream end>' in \"<unicode string>\", "
                       "line 1, column 8: type: [ ^"),
    }  # fmt: skip
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        path = tmp_path / name
        assert refused(path) == "input 'assert': " + message.format(path=path)
    latin = tmp_path / "latin.yml"
    latin.write_bytes(b"\xff: 1")
    assert refused(latin) == (
        f"input 'assert': $: schema file '{latin}': 'utf-8' codec can't decode byte 0xff in "
        "position 0: invalid start byte"
    )
    long = tmp_path / "long.yml"
    long.write_text("a:\n  b: 1\n c" + "x" * 300 + ": 2\n")
    message = refused(long)
    prefix = f"input 'assert': $: schema file '{long}': "
    assert message.startswith(prefix + 'while parsing a block mapping in "<unicode string>"')
    assert len(message) == len(prefix) + 200  # a YAML error is cut at 200 characters
    assert refused(tmp_path / "missing.json") == (
        f"input 'assert': file '{tmp_path / 'missing.json'}' does not exist"
    )


def test_a_regular_expression_that_runs_too_long_fails_its_check_and_says_so() -> None:
    # regex is quick on ^(a+)+$; on (a|a)* it backtracks through 2**40 ways
    [check] = parse_checks("$.v: {matches: '^(a|a)*$'}")
    started = time.monotonic()
    [result] = evaluate((check,), json.dumps({"v": "a" * 40 + "!"}), {})
    assert time.monotonic() - started < time_budget(
        10
    )  # the limit is checked now and then: about 2.5 s
    assert result.to_dict() == {
        "path": "$.v", "operator": "matches", "expected": "^(a|a)*$", "actual": "a" * 40 + "!",
        "passed": False,
    }  # fmt: skip
    assert result.reason == "the regular expression ran past its 1 s limit on this value"


def test_an_expression_of_1000_characters_is_taken() -> None:
    [check] = parse_checks(f"$.v: {{matches: '{'a' * 1000}'}}")
    assert evaluate((check,), json.dumps({"v": "a" * 1000}), {})[0].passed


@pytest.mark.parametrize(
    ("text", "payload", "result"),
    [
        ("$.v: {exists: true}", '{"v": 1}', ("$.v", "exists", True, 1, True, "")),
        ("$.v: {exists: false}", '{"v": 1}', ("$.v", "exists", False, 1, False, "it exists")),
        ("$.w: {exists: true}", '{"v": 1}',
         ("$.w", "exists", True, None, False, "no match in the payload")),
        ("$.w: 1", '{"v": 1}', ("$.w", "equals", 1, None, False, "no match in the payload")),
        ("$.v: {gt: 0}", '{"v": 1}', ("$.v", "gt", 0, 1, True, "")),
        ("$.v: {schema: {type: string}}", '{"v": 1}',
         ("$.v", "schema", {"type": "string"}, 1, False, "at /: 1 is not of type 'string'")),
        ("$.v: {schema: {type: number}}", '{"v": 1}',
         ("$.v", "schema", {"type": "number"}, 1, True, "")),
        ("$: {exists: true}", "plain text",
         ("$", "exists", True, None, False, "the payload is not JSON")),
        ("$: {exists: true}", "", ("$", "exists", True, None, False, "the payload is empty")),
        ("status-code: 200", "", ("status-code", "equals", 200, 200, True, "")),
        ("init-duration-ms: {lt: 1}", "",
         ("init-duration-ms", "lt", 1, None, False, "the output init-duration-ms is not set")),
    ],
)  # fmt: skip
def test_every_kind_of_result_whole(text: str, payload: str, result: tuple[Any, ...]) -> None:
    [checked] = evaluate(parse_checks(text), payload, {"status-code": 200})
    path, operator, expected, actual, passed, reason = result
    assert checked.to_dict() == {
        "path": path, "operator": operator, "expected": expected, "actual": actual,
        "passed": passed,
    }  # fmt: skip
    assert checked.reason == reason


def test_why_the_payload_is_absent_is_the_reason_a_check_on_it_fails() -> None:
    checks = parse_checks("$.v: 1\nlogs: {contains: x}")
    absent = {"payload": "an Event invocation returns no payload", "logs": "no log tail"}
    results = evaluate(checks, "", {}, absent)
    assert [r.reason for r in results] == [
        "an Event invocation returns no payload", "no log tail",
    ]  # fmt: skip
    [text] = evaluate(parse_checks("$.v: 1"), "text", {}, absent)  # a payload: not absent
    assert text.reason == "the payload is not JSON"


def test_a_schema_violation_is_cut_at_160_characters() -> None:
    names = [f"value-{n:03d}" for n in range(40)]
    [result] = evaluate(parse_checks(json.dumps({"$.v": {"schema": {"enum": names}}})),
                        '{"v": "other"}', {})  # fmt: skip
    whole = f"'other' is not one of {names}"
    assert len(whole) > 160
    assert result.reason == f"at /: {whole[:160]}"


OUTSIDE = "points outside the schema: only references inside it (#...) are followed"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"$ref": "http://127.0.0.1:9/s.json"}, f'$ref "http://127.0.0.1:9/s.json" {OUTSIDE}'),
        ({"$id": "http://127.0.0.1:9/root", "$ref": "item.json"}, f'$ref "item.json" {OUTSIDE}'),
        ({"$ref": "file:///etc/passwd"}, f'$ref "file:///etc/passwd" {OUTSIDE}'),
        ({"$ref": "file:///dev/zero"}, f'$ref "file:///dev/zero" {OUTSIDE}'),
        ({"properties": {"a": {"$ref": "item.json"}}}, f'$ref "item.json" {OUTSIDE}'),
        ({"$dynamicRef": "https://example.invalid/x"}, "$dynamicRef"),
        ({"$ref": "#"}, "the schema refers to itself without end ($ref cycle)"),
    ],
    ids=["http", "$id and a relative ref", "file", "/dev/zero", "sibling file", "dynamic", "cycle"],
)
def test_a_schema_that_reaches_outside_is_refused_before_invoking(
    schema: dict[str, Any], message: str
) -> None:
    text = json.dumps({"$": {"schema": schema}})
    with pytest.raises(InputError) as raised:
        parse_checks(text)
    assert message in str(raised.value)


def test_references_inside_the_schema_are_followed() -> None:
    schema = {"$defs": {"id": {"type": "integer"}}, "properties": {"id": {"$ref": "#/$defs/id"}}}
    checks = parse_checks(json.dumps({"$": {"schema": schema}}))
    good, bad = (evaluate(checks, json.dumps({"id": v}), {})[0] for v in (1, "x"))
    assert good.passed and not bad.passed
    assert "at /id" in bad.reason


def test_a_schema_pattern_runs_under_the_regex_time_limit() -> None:
    """A pattern inside a schema backtracks as a matches check would: the same 1 s limit."""
    import time

    schema = {"properties": {"v": {"pattern": "^(a|a)*$"}}}
    checks = parse_checks(json.dumps({"$": {"schema": schema}}))
    started = time.monotonic()
    (result,) = evaluate(checks, json.dumps({"v": "a" * 40 + "!"}), {})
    assert time.monotonic() - started < time_budget(30)  # it ran for ever before
    assert not result.passed
    assert "ran past its 1 s limit on this value" in result.reason


def test_pattern_properties_keep_their_meaning() -> None:
    schema = {"patternProperties": {"^n_": {"type": "integer"}}}
    checks = parse_checks(json.dumps({"$": {"schema": schema}}))
    ok, bad = (evaluate(checks, json.dumps(d), {})[0] for d in ({"n_a": 1}, {"n_a": "x"}))
    assert ok.passed and not bad.passed and "at /n_a" in bad.reason
