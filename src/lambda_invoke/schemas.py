"""The ``schema`` check's JSON Schema: loaded offline and bounded.

A schema comes from the workflow, but it is a document that can point anywhere: a ``$ref``
to ``http(s)://`` or ``file://`` would be fetched (after invoking), ``file:///dev/zero``
read without end, and a ``pattern`` backtrack for hours. So: a ``$ref`` (``$dynamicRef``,
``$recursiveRef``) may only point inside the schema document (``#...``); anything else is
refused before invoking, naming it; the validator's registry retrieves nothing, whatever
slips past; a schema that refers to itself without end is refused; ``pattern`` and
``patternProperties`` run under the time limit of ``matches``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lambda_invoke.errors import InputError
from lambda_invoke.loading import parse_json, read_file
from lambda_invoke.yamltext import load_yaml

REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")


def load_validator(target: str, expected: str | dict[str, Any], *, regex_seconds: float) -> Any:
    """A JSON Schema (a file: JSON or YAML; or an inline mapping) as a jsonschema
    validator: Draft 2020-12 unless the schema's ``$schema`` names another."""
    schema = _schema_document(target, expected)
    _check_references(target, schema)
    import jsonschema  # only with a schema check

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as error:
        problem = " ".join(str(error.message).split())[:200]
        raise InputError("assert", f"{target}: not a valid JSON Schema: {problem}") from None
    bounded = jsonschema.validators.extend(
        cls,
        {
            "pattern": _pattern(regex_seconds),
            "patternProperties": _pattern_properties(cls, regex_seconds),
        },
    )
    from referencing import Registry

    registry = Registry(retrieve=_retrieve_nothing)  # type: ignore[call-arg]
    validator = bounded(schema, registry=registry)
    try:
        validator.is_valid(None)
        validator.is_valid({})
        validator.is_valid([])
    except RecursionError:
        raise InputError(
            "assert", f"{target}: the schema refers to itself without end ($ref cycle)"
        ) from None
    return validator


def _schema_document(target: str, expected: str | dict[str, Any]) -> Any:

    if isinstance(expected, dict):
        return expected
    data = read_file("assert", expected)
    try:
        if expected.endswith((".yml", ".yaml")):
            schema = load_yaml(data.decode())
        else:
            schema = parse_json(data)
    except (ValueError, UnicodeDecodeError) as error:  # Refused is a ValueError
        raise InputError("assert", f"{target}: schema file '{expected}': {error}") from None
    except Exception as error:  # YAML's own errors
        problem = " ".join(str(error).split())[:200]
        raise InputError("assert", f"{target}: schema file '{expected}': {problem}") from None
    if not isinstance(schema, dict | bool):
        raise InputError("assert", f"{target}: the schema is not a JSON Schema (an object)")
    return schema


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in the document (iteratively: its depth is bounded by the loader)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check_references(target: str, schema: Any) -> None:
    """Refuse any reference that leaves the schema document, before invoking."""
    for mapping in _walk(schema):
        for keyword in REF_KEYWORDS:
            ref = mapping.get(keyword)
            if ref is None:
                continue
            if not isinstance(ref, str) or not ref.startswith("#"):
                shown = json.dumps(ref, ensure_ascii=False, default=str)[:200]
                raise InputError(
                    "assert",
                    f"{target}: the schema's {keyword} {shown} points outside the schema: "
                    "only references inside it (#...) are followed; nothing is fetched or read",
                )


def _retrieve_nothing(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def _search(pattern: str, text: str, seconds: float) -> bool | None:
    """regex.search under the time limit; None when it ran past it."""
    import regex

    try:
        return regex.search(pattern, text, timeout=seconds) is not None
    except TimeoutError:
        return None
    except regex.error:
        return False


def _pattern(seconds: float) -> Any:
    def pattern(validator: Any, value: str, instance: Any, schema: Any) -> Iterator[Any]:
        from jsonschema import ValidationError

        if not validator.is_type(instance, "string"):
            return
        found = _search(value, instance, seconds)
        if found is None:
            yield ValidationError(
                f"the pattern {value!r} ran past its {seconds:g} s limit on this value"
            )
        elif not found:
            yield ValidationError(f"{instance!r} does not match {value!r}")

    return pattern


def _pattern_properties(cls: Any, seconds: float) -> Any:
    def pattern_properties(
        validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
    ) -> Iterator[Any]:
        from jsonschema import ValidationError

        if not validator.is_type(instance, "object"):
            return
        for pattern, subschema in patterns.items():
            for key, item in instance.items():
                found = _search(pattern, key, seconds)
                if found is None:
                    yield ValidationError(
                        f"the pattern {pattern!r} ran past its {seconds:g} s limit on {key!r}"
                    )
                elif found:
                    yield from validator.descend(item, subschema, path=key, schema_path=pattern)

    return pattern_properties


def violations(validator: Any, value: Any, *, shown: int) -> list[str]:
    """The first few violations, each with its JSON pointer in the value."""
    from referencing.exceptions import Unresolvable

    try:
        errors = sorted(validator.iter_errors(value), key=lambda error: list(error.absolute_path))
    except RecursionError:
        return ["at /: the schema refers to itself without end on this value ($ref cycle)"]
    except Unresolvable as error:
        return [f"at /: the schema's reference {str(error)[:160]} cannot be resolved"]
    lines = []
    for violation in errors[:shown]:
        pointer = "".join(
            "/" + str(part).replace("~", "~0").replace("/", "~1")
            for part in violation.absolute_path
        )
        lines.append(f"at {pointer or '/'}: {' '.join(violation.message.split())[:160]}")
    if len(errors) > shown:
        lines.append(f"and {len(errors) - shown} more")
    return lines
