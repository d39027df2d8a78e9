"""Write the files that restate lambda_invoke.interface: action.yml's inputs block and the
suite file's JSON Schema (schema/suite.schema.json).

Run after changing INPUTS: python scripts/sync_interface.py
(tests/test_action_contract.py fails until both match).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "suite.schema.json"
sys.path.insert(0, str(ROOT / "src"))

from lambda_invoke.interface import INPUTS, SUITE_INPUTS  # noqa: E402

NUMBERS = {
    "read-timeout",
    "connect-timeout",
    "max-attempts",
    "wait-timeout",
    "role-duration-seconds",
}


def inputs_block() -> str:
    lines = ["inputs:"]
    for spec in INPUTS:
        lines += [f"  {spec.name}:", f"    description: {json.dumps(spec.description)}"]
        lines.append(f"    required: {'true' if spec.required else 'false'}")
        if spec.default:
            lines.append(f"    default: {json.dumps(spec.default)}")
    return "\n".join(lines) + "\n\n"


def action_yml(text: str) -> str:
    return re.sub(r"^inputs:\n.*?\n\n(?=outputs:)", inputs_block(), text, flags=re.S | re.M)


def _value_schema(name: str, boolean: bool) -> dict[str, Any]:
    if boolean:
        return {"type": ["boolean", "string"]}
    if name in NUMBERS:
        return {"type": ["number", "string"]}
    if name == "payload":
        return {"type": ["object", "array", "string", "number", "boolean", "null"]}
    if name in {"assert", "client-context"}:
        return {"type": ["object", "string"]}
    if name == "env":
        return {
            "type": ["object", "array", "string"],
            "additionalProperties": {"type": ["string", "number", "boolean"]},
            "items": {"type": "string", "pattern": "^[^=]+="},
        }
    return {"type": "string"}


def suite_schema() -> dict[str, Any]:
    inputs = {}
    for spec in INPUTS:
        if spec.name in SUITE_INPUTS:
            continue
        entry = {"description": spec.description, **_value_schema(spec.name, spec.boolean)}
        if spec.default:
            entry["default"] = spec.default
        inputs[spec.name] = entry
    case = {
        "name": {"type": "string", "description": "Shown in the report; unique in the suite."},
        "expect-function-error": {
            "type": ["boolean", "string"],
            "description": "The case passes only if the function fails: true (any error) or "
            "the FunctionError value (Unhandled, Handled).",
        },
        **inputs,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lambda-invoke smoke suite",
        "description": "Cases run by lambda-invoke suite FILE (or the action's suite input). "
        "Each case is one invoke; defaults apply to every case and a case overrides them "
        "(assert mappings are merged).",
        "type": "object",
        "required": ["cases"],
        "additionalProperties": False,
        "properties": {
            "defaults": {
                "type": "object",
                "description": "Inputs for every case.",
                "properties": {k: v for k, v in case.items() if k != "name"},
                "additionalProperties": False,
            },
            "cases": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "object", "properties": case, "additionalProperties": False},
            },
        },
    }


def schema_text() -> str:
    return json.dumps(suite_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    path = ROOT / "action.yml"
    path.write_text(action_yml(path.read_text()))
    SCHEMA.parent.mkdir(exist_ok=True)
    SCHEMA.write_text(schema_text())


if __name__ == "__main__":
    main()
