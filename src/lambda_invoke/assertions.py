"""Checks on the response: parsed (and every JSONPath compiled) before invoking, run after.

A key starting with ``$`` is a JSONPath (jsonpath-ng extended syntax) on the decoded payload;
any other key is an output name. The value is a plain value (equality) or a mapping of
operators. Each (key, operator) pair is one check, and every check is reported.
"""

from __future__ import annotations

import base64
import contextlib
import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambda_invoke.errors import InputError, did_you_mean
from lambda_invoke.loading import Refused, parse_json
from lambda_invoke.outputs import NOT_CHECKABLE, OUTPUT_NAMES
from lambda_invoke.schemas import load_validator, violations
from lambda_invoke.yamltext import load_yaml

TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
#: the time one ``matches`` search may take, and the longest pattern
REGEX_SECONDS = 1.0
MAX_PATTERN = 1000


class _Undecided(Exception):
    """A check that could not be decided (a regex over its time limit): it fails."""


#: outputs a check may name
CHECKABLE_OUTPUTS = tuple(name for name in OUTPUT_NAMES if name not in NOT_CHECKABLE)


@dataclass(frozen=True, slots=True)
class Check:
    target: str  # a JSONPath or an output name
    operator: str
    expected: Any
    path: Any = field(default=None, compare=False, repr=False)  # compiled JSONPath
    validator: Any = field(default=None, compare=False, repr=False)  # schema: jsonschema's


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: Check
    actual: Any
    passed: bool
    reason: str  # why it failed, "" when it passed

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.check.target,
            "operator": self.check.operator,
            "expected": self.check.expected,
            "actual": self.actual,
            "passed": self.passed,
        }

    def describe(self) -> str:
        """One line, JSON-quoted values: safe to print even when the payload is hostile."""
        expected = _short(self.check.expected)
        line = f"{self.check.target} {self.check.operator} {expected}"
        if self.passed:
            return line
        return f"{line}: {self.reason}"


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- parsing -------------------------------------------------------------------


def _expect_any(value: Any) -> str | None:
    return None


def _expect_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expects true or false"


def _expect_number(value: Any) -> str | None:
    return None if _is_number(value) else "expects a number"


def _expect_length(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "expects a whole number >= 0"


def _expect_type(value: Any) -> str | None:
    return None if value in TYPES else f"expects one of {', '.join(TYPES)}"


def _expect_list(value: Any) -> str | None:
    return None if isinstance(value, list) else "expects a list of values"


def _expect_regex(value: Any) -> str | None:
    if not isinstance(value, str):
        return "expects a regular expression string"
    if len(value) > MAX_PATTERN:
        return f"has a regular expression of {len(value)} characters (at most {MAX_PATTERN})"
    import regex  # only with a matches check: about 15 ms

    try:
        regex.compile(value)
    except regex.error as error:
        return f"has an invalid regular expression: {error}"
    return None


_EXPECTED: dict[str, Callable[[Any], str | None]] = {
    "equals": _expect_any,
    "not-equals": _expect_any,
    "contains": _expect_any,
    "not-contains": _expect_any,
    "matches": _expect_regex,
    "exists": _expect_bool,
    "type": _expect_type,
    "length": _expect_length,
    "gt": _expect_number,
    "gte": _expect_number,
    "lt": _expect_number,
    "lte": _expect_number,
    "in": _expect_list,
    "schema": _expect_any,  # checked (and loaded) by _schema_validator
}
#: schema violations a failed check lists
SCHEMA_ERRORS_SHOWN = 3
OPERATORS = tuple(_EXPECTED)
#: the names other tools give our operators (jest, chai, Python's operator module)
_ALIASES = {
    "eq": "equals",
    "equal": "equals",
    "is": "equals",
    "ne": "not-equals",
    "neq": "not-equals",
    "not-equal": "not-equals",
    "ge": "gte",
    "le": "lte",
    "regex": "matches",
    "match": "matches",
    "includes": "contains",
    "has": "contains",
    "len": "length",
    "size": "length",
    "not-in": "not-contains",
}


def parse_checks(text: str) -> tuple[Check, ...]:
    """Parse the ``assert`` input; any problem is an ``InputError`` naming ``assert``."""
    import yaml

    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise InputError("assert", f"is not valid YAML: {problem}") from None
    except Refused as error:
        raise InputError("assert", str(error)) from None
    if document is None:
        return ()
    if not isinstance(document, dict):
        kind = {list: "a list", str: "text", bool: "true or false"}.get(type(document), "a number")
        raise InputError("assert", f"must be a YAML mapping of checks (key: expected), not {kind}")
    checks: list[Check] = []
    for key, spec in document.items():
        target = str(key)
        path = _compile_target(target)
        if isinstance(spec, dict):
            if not spec:
                raise InputError("assert", f"{target}: empty mapping of operators")
            for operator, expected in spec.items():
                checks.append(_check(target, str(operator), expected, path))
        else:
            checks.append(_check(target, "equals", spec, path))
    return tuple(checks)


def compile_path(input_name: str, text: str) -> Any:
    """A JSONPath (jsonpath-ng's extended syntax); an InputError naming the input."""
    if not text.startswith("$"):
        raise InputError(input_name, f"'{text}' is not a JSONPath (it starts with $)")
    from jsonpath_ng.ext.parser import parse

    try:
        return parse(text)
    except Exception as error:  # jsonpath-ng raises several unrelated types
        problem = " ".join(str(error).split()) or type(error).__name__
        raise InputError(input_name, f"invalid JSONPath '{text}': {problem}") from None


def _compile_target(target: str) -> Any:
    if target.startswith("$"):
        return compile_path("assert", target)
    if target not in CHECKABLE_OUTPUTS:
        hint = did_you_mean(target, CHECKABLE_OUTPUTS)
        known = hint or f"; outputs: {', '.join(CHECKABLE_OUTPUTS)}"
        raise InputError(
            "assert",
            f"'{target}' is neither a JSONPath (starting with $) nor an output{known}",
        )
    return None


def _check(target: str, operator: str, expected: Any, path: Any) -> Check:
    if operator == "type" and expected is None:  # `type: null` as a reader writes it
        expected = "null"
    validate = _EXPECTED.get(operator)
    if validate is None:
        alias = _ALIASES.get(operator.lower())
        hint = f" (did you mean '{alias}'?)" if alias else did_you_mean(operator, OPERATORS)
        raise InputError(
            "assert",
            f"{target}: unknown operator '{operator}'{hint}; known: {', '.join(OPERATORS)}",
        )
    problem = validate(expected)
    if problem:
        raise InputError("assert", f"{target}: {operator} {problem}, got {_short(expected)}")
    if operator == "schema":
        return Check(target, operator, expected, path, _schema_validator(target, expected))
    return Check(target, operator, expected, path)


def _schema_validator(target: str, expected: Any) -> Any:
    """A schema file's path or an inline mapping, as a bounded, offline validator."""
    if not isinstance(expected, str | dict):
        raise InputError(
            "assert", f"{target}: schema expects a file path or a mapping, got {_short(expected)}"
        )

    return load_validator(target, expected, regex_seconds=REGEX_SECONDS)


def schema_violations(validator: Any, value: Any) -> list[str]:

    return violations(validator, value, shown=SCHEMA_ERRORS_SHOWN)


# -- evaluation ----------------------------------------------------------------


def decode_document(payload: str) -> tuple[bool, Any, str]:
    """The payload as JSON, proxy ``body`` decoded: (True, document, ""), or (False, None,
    why not) when it is not JSON or is past the JSON limits (nested deeper than
    loading.MAX_DEPTH: read unbounded, it would end the run in a RecursionError).

    An API Gateway / function-URL proxy response (``statusCode`` plus a string ``body``
    holding JSON) gets its body replaced by the decoded JSON, so ``$.body.x`` works.
    """
    try:
        document = parse_json(payload)
    except Refused as error:
        return False, None, f"the payload is not read as JSON: {error}"
    except ValueError:
        return False, None, "the payload is not JSON"
    if isinstance(document, dict) and "statusCode" in document:
        body = document.get("body")
        if isinstance(body, str):
            if document.get("isBase64Encoded") is True:
                try:
                    body = base64.b64decode(body, validate=True).decode()
                except ValueError:
                    return True, document, ""
            with contextlib.suppress(ValueError):  # (Refused too: the body stays text)
                document = {**document, "body": parse_json(body)}
    return True, document, ""


def evaluate(
    checks: tuple[Check, ...],
    payload: str,
    outputs: Mapping[str, Any],
    absent: Mapping[str, str] | None = None,
) -> list[CheckResult]:
    """Run every check. ``outputs`` maps output names to typed values (None: absent);
    ``absent`` says why an output is missing (the line of a check that needed it)."""
    absent = absent or {}
    is_json, document, not_json = (
        decode_document(payload) if any(c.path for c in checks) else (False, None, "")
    )
    results = []
    for check in checks:
        if check.path is not None:
            values = [match.value for match in check.path.find(document)] if is_json else []
            found = bool(values)
            actual: Any = values[0] if len(values) == 1 else (values or None)
            if is_json:
                missing = "no match in the payload"
            elif not payload and "payload" in absent:
                missing = absent["payload"]
            else:
                missing = "the payload is empty" if not payload else not_json
        else:
            actual = outputs.get(check.target)
            found = actual is not None
            missing = absent.get(check.target) or f"the output {check.target} is not set"
        results.append(_run(check, actual, found, missing))
    return results


def _run(check: Check, actual: Any, found: bool, missing: str) -> CheckResult:
    expected = check.expected
    if check.operator == "exists":
        passed = found == expected
        reason = "" if passed else ("it exists" if found else missing)
        return CheckResult(check, actual, passed, reason)
    if not found:
        return CheckResult(check, None, False, missing)
    if check.operator == "schema":
        violations = schema_violations(check.validator, actual)
        return CheckResult(check, actual, not violations, "; ".join(violations))
    try:
        passed = _OPERATIONS[check.operator](actual, expected)
    except _Undecided as error:
        return CheckResult(check, actual, False, str(error))
    reason = "" if passed else _got(check, actual)
    return CheckResult(check, actual, passed, reason)


def _got(check: Check, actual: Any) -> str:
    """What a failed check got: the value, or for a text that should not contain something,
    the line of it that does (a log's offending line, not its first characters)."""
    expected = check.expected
    if check.operator == "not-contains" and isinstance(actual, str) and isinstance(expected, str):
        at = actual.find(expected)
        if at >= 0:
            start = actual.rfind("\n", 0, at) + 1
            end = actual.find("\n", at)
            line = actual[start : end if end >= 0 else len(actual)]
            number = actual.count("\n", 0, at) + 1
            return f"line {number} has it: {_short(line)}"
    return f"got {_short(actual)}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(value: Any) -> float | None:
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _equal(actual: Any, expected: Any) -> bool:
    """Numbers equal across types; a boolean only a boolean (_as_number refuses them)."""
    if _is_number(actual) or _is_number(expected):  # 200 == 200.0 == "200"
        left, right = _as_number(actual), _as_number(expected)
        return left is not None and left == right
    return bool(actual == expected)


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected) in actual
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    if isinstance(actual, dict):
        return str(expected) in actual
    return False


def _matches(actual: Any, pattern: str) -> bool:
    """``regex`` (the ``re`` syntax, with a time limit: ``re`` can backtrack for hours on
    a hostile value); a search over ``REGEX_SECONDS`` fails the check and says so."""
    import regex

    text = actual if isinstance(actual, str) else json.dumps(actual)
    try:
        return regex.search(pattern, text, timeout=REGEX_SECONDS) is not None
    except TimeoutError:
        raise _Undecided(
            f"the regular expression ran past its {REGEX_SECONDS:g} s limit on this value"
        ) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _has_type(actual: Any, expected: str) -> bool:
    kind = _json_type(actual)
    if expected == "integer":
        return kind == "number" and float(actual).is_integer()
    return kind == expected


def _length(actual: Any, expected: int) -> bool:
    return isinstance(actual, (str, list, dict)) and len(actual) == expected


def _compare(actual: Any, expected: Any, test: Callable[[float, float], bool]) -> bool:
    """gt, gte, lt, lte: a number (or numeric text) against the expected number. Called
    for each check, not at import, so that what it does can be mutated (issue 20)."""
    number = _as_number(actual)
    return number is not None and test(number, float(expected))


_OPERATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": _equal,
    "not-equals": lambda actual, expected: not _equal(actual, expected),
    "contains": _contains,
    "not-contains": lambda actual, expected: not _contains(actual, expected),
    "matches": _matches,
    "type": _has_type,
    "length": _length,
    "gt": lambda actual, expected: _compare(actual, expected, operator.gt),
    "gte": lambda actual, expected: _compare(actual, expected, operator.ge),
    "lt": lambda actual, expected: _compare(actual, expected, operator.lt),
    "lte": lambda actual, expected: _compare(actual, expected, operator.le),
    "in": lambda actual, expected: any(_equal(actual, item) for item in expected),
}
