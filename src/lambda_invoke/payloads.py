"""The payload and the client context: inline JSON or YAML, a file, ``file://``/``fileb://``,
standard input, raw text; encoded as Lambda takes them and checked against its limits
before anything is sent. Each refusal is an InputError naming the input."""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lambda_invoke.errors import InputError
from lambda_invoke.inputparse import Get, check_reachable, file_of, parse_bool
from lambda_invoke.loading import Refused, json_problem, parse_json, read_file, read_stdin
from lambda_invoke.yamltext import load_yaml

if TYPE_CHECKING:
    from lambda_invoke.runner import RunnerLayout

YAML_ERROR_SHOWN = 200  # characters of a YAML error in a message

#: Invoke request payload limits (bytes): synchronous, asynchronous.
MAX_SYNC_PAYLOAD = 6 * 1024 * 1024
MAX_EVENT_PAYLOAD = 1024 * 1024
MAX_CLIENT_CONTEXT = 3583


def payload_of(
    values: Mapping[str, str], get: Get, runner: RunnerLayout | None, invocation_type: str
) -> bytes | None:
    """The bytes to send, from payload or payload-file, within Lambda's size limit."""
    raw = parse_bool("raw", get("raw"))
    for name in ("payload-file", "context-path", "payload"):
        check_reachable(name, file_of(name, get(name)), runner)
    loaded = _load_payload(values.get("payload", ""), values.get("payload-file", ""), raw)
    if loaded is None:
        return None
    payload, source = loaded
    limit = MAX_EVENT_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD
    if len(payload) > limit:
        raise InputError(
            source,
            f"{len(payload)} bytes is over Lambda's {limit}-byte limit for {invocation_type}",
        )
    return payload


def _load_payload(payload: str, payload_file: str, raw: bool) -> tuple[bytes, str] | None:
    """The bytes to send and the input they came from (None: no payload)."""
    if payload.strip() and payload_file.strip():
        raise InputError("payload-file", "give payload or payload-file, not both")
    if payload_file.strip():
        path = payload_file.strip()
        if path == "-":
            return _encode_payload("payload-file", read_stdin("payload-file"), raw), "payload-file"
        return _encode_payload(
            "payload-file", read_input_file("payload-file", path), raw
        ), "payload-file"
    if not payload.strip():
        return None
    if payload.startswith("fileb://"):  # as aws lambda invoke: the bytes, unchecked
        return read_input_file("payload", payload[len("fileb://") :]), "payload"
    if payload.startswith("file://"):
        data = read_input_file("payload", payload[len("file://") :])
        return _encode_payload("payload", data, raw), "payload"
    return _encode_payload("payload", payload.encode(), raw), "payload"


def read_input_file(name: str, path: str) -> bytes:
    return read_file(name, path)


def _encode_payload(name: str, data: bytes, raw: bool) -> bytes:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        raise InputError(
            name, "is not UTF-8 text (use fileb:// to send bytes as they are)"
        ) from None
    if raw:
        return json.dumps(text).encode()
    try:
        parse_json(text)
        return data
    except Refused as error:
        raise InputError(name, str(error)) from None
    except ValueError as error:
        json_error = json_problem(error)
    document, yaml_error = _yaml_collection(name, text)  # only when the payload is not JSON
    if yaml_error:
        raise InputError(name, f"is neither JSON ({json_error}) nor YAML ({yaml_error})")
    if document is not None:
        try:
            return json.dumps(document, default=str, allow_nan=False).encode()
        except ValueError:
            raise InputError(name, "holds NaN or Infinity, which Lambda rejects") from None
    if name == "payload" and _looks_like_a_file(text):
        raise InputError(
            name,
            f"'{text.strip()}' is not JSON but looks like a file's name: to send the file, "
            f"give payload-file (-p {text.strip()}) or payload: file://{text.strip()}",
        )
    raise InputError(name, f"is not valid JSON ({json_error}); set raw to send text as a string")


def _looks_like_a_file(text: str) -> bool:
    """A payload that is one word naming a file here, or ending as event files do."""
    word = text.strip()
    if not word or len(word) > 255 or any(ch.isspace() for ch in word):
        return False
    return os.path.isfile(word) or word.lower().endswith((".json", ".yaml", ".yml", ".txt"))


def _yaml_collection(name: str, text: str) -> tuple[object | None, str]:
    """The payload as YAML, when it is a mapping or a list; else why not (or "")."""
    import yaml

    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:
        return None, " ".join(str(error).split())[:YAML_ERROR_SHOWN]
    except Refused as error:
        raise InputError(name, str(error)) from None
    return (document, "") if isinstance(document, (dict, list)) else (None, "")


def client_context_of(text: str, path: str) -> tuple[str | None, dict[str, Any] | None]:
    """The base64 ClientContext to send and the context as a mapping (when it is one).

    As with serverless, a context-path file replaces the client-context text.
    """
    name = "client-context"
    mapping: dict[str, Any] | None
    if path:
        name, text = "context-path", read_input_file("context-path", path).decode(errors="replace")
        if not text.lstrip().startswith("{"):
            raise InputError(name, f"file '{path}' does not hold a JSON object")
    text = text.strip()
    if not text:
        return None, None
    if text.startswith("{"):
        try:
            document = parse_json(text)
        except ValueError as error:
            raise InputError(name, f"is not valid JSON: {json_problem(error)}") from None
        mapping = document  # text starting with "{" is an object when it is JSON
        encoded = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
    else:
        try:
            decoded = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(name, "is neither a JSON object nor base64 text") from None
        encoded = text
        try:
            document = parse_json(decoded)
            mapping = document if isinstance(document, dict) else None
        except ValueError:
            mapping = None
    if len(encoded) > MAX_CLIENT_CONTEXT:
        raise InputError(
            name,
            f"is {len(encoded)} bytes base64-encoded; Lambda accepts at most {MAX_CLIENT_CONTEXT}",
        )
    return encoded, mapping
