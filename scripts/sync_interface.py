"""Write the files that restate lambda_invoke.interface: action.yml's inputs block, the
composite action for macOS and Windows runners (cli/action.yml: the same inputs and
outputs), the suite file's JSON Schema (schema/suite.schema.json) and the README's tables
of inputs (the most used first, the rest in collapsed groups).

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
README = ROOT / "README.md"
README_START = "<!-- inputs: written by scripts/sync_interface.py from interface.py -->"
README_END = "<!-- end of inputs -->"
COMPOSITE = ROOT / "cli" / "action.yml"
sys.path.insert(0, str(ROOT / "src"))

from lambda_invoke.interface import GROUPS, INPUTS, SUITE_INPUTS, InputSpec  # noqa: E402

#: the suite schema's type of each kind of input (interface.KINDS): what the YAML may hold
TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "path": {"type": "string"},
    "lines": {"type": "string"},
    "bool": {"type": ["boolean", "string"]},
    "int": {"type": ["integer", "string"]},
    "number": {"type": ["number", "string"]},
    "mapping": {"type": ["object", "string"]},
    "document": {"type": ["object", "array", "string", "number", "boolean", "null"]},
    "environment": {
        "type": ["object", "array", "string"],
        "additionalProperties": {"type": ["string", "number", "boolean"]},
        "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*(=|$)"},
    },
}


#: what an input's value is, as the README's type column says it (interface.KINDS)
README_TYPES = {
    "text": "text",
    "path": "path",
    "lines": "lines",
    "bool": "boolean",
    "int": "integer",
    "number": "number",
    "mapping": "YAML mapping",
    "document": "JSON or YAML",
    "environment": "KEY=VALUE lines",
}


def _readme_row(spec: InputSpec) -> str:
    default = "required" if spec.required else f"`{spec.default}`" if spec.default else ""
    text = spec.description.replace("|", "\\|")
    return f"| `{spec.name}` | {README_TYPES[spec.kind]} | {default} | {text} |"


def readme_inputs() -> str:
    """The README's inputs: the most used in one table; every other folded away in one
    table, by help group (the CLI's groups, in their order), each group a bold row."""
    head = ["| input | type | default | meaning |", "|---|---|---|---|"]
    rest = [spec for spec in INPUTS if not spec.common]
    lines = [README_START, "", *head, *(_readme_row(s) for s in INPUTS if s.common), ""]
    lines += [f"<details><summary>The other {len(rest)} inputs, by group</summary>", "", *head]
    for group in GROUPS:
        specs = [spec for spec in rest if spec.group == group]
        if specs:
            lines += [f"| **{group}** | | | |", *(_readme_row(spec) for spec in specs)]
    return "\n".join([*lines, "", "</details>", "", README_END])


def readme_text(text: str) -> str:
    """The README with its inputs block written again."""
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    return text[:start] + readme_inputs() + text[end:]


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


def suite_schema() -> dict[str, Any]:
    inputs = {}
    for spec in INPUTS:
        if spec.name in SUITE_INPUTS:
            continue
        entry = {"description": spec.description, **TYPES[spec.kind]}
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


COMPOSITE_HEAD = """\
# Generated by scripts/sync_interface.py from src/lambda_invoke/interface.py and ../action.yml:
# do not edit by hand. The same action as the Docker one, for runners that cannot run
# Docker actions (macOS, Windows; Linux too): it installs the package on the runner's own
# Python (3.11+) and runs the same lambda-invoke command.
name: Lambda Invoke Action (runner's Python)
description: Invoke an AWS Lambda function on any runner (macOS, Windows, Linux) with the runner's own Python; the same inputs and outputs as the Docker action.
author: lambda-invoke-action
branding:
  icon: zap
  color: orange

"""

COMPOSITE_RUNS = """\
runs:
  using: composite
  steps:
    - name: Install lambda-invoke on the runner's Python
      id: setup
      shell: bash
      env:
        ACTION_PATH: ${{ github.action_path }}
      run: |
        python=python3
        command -v python3 > /dev/null 2>&1 || python=python
        "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "::error::lambda-invoke needs Python 3.11 or newer on the runner (actions/setup-python)"; exit 1; }
        venv="$RUNNER_TEMP/lambda-invoke-venv"
        if "$python" -m venv "$venv" > /dev/null 2>&1; then
          bin="$venv/bin"; [ -d "$bin" ] || bin="$venv/Scripts"
          "$bin/python" -m pip install --quiet --disable-pip-version-check -r "$ACTION_PATH/../requirements/runtime.txt" "$ACTION_PATH/.."
          echo "python=$bin/python" >> "$GITHUB_OUTPUT"
        else  # no venv module (a minimal Linux image): a private folder on the path instead
          PIP_BREAK_SYSTEM_PACKAGES=1 "$python" -m pip install --quiet --disable-pip-version-check --target "$venv" -r "$ACTION_PATH/../requirements/runtime.txt" "$ACTION_PATH/.."
          echo "python=$python" >> "$GITHUB_OUTPUT"
          echo "pythonpath=$venv" >> "$GITHUB_OUTPUT"
        fi
    - name: Invoke
      id: run
      shell: bash
      env:
        PYTHON: ${{ steps.setup.outputs.python }}
        PYTHONPATH: ${{ steps.setup.outputs.pythonpath }}
        LAMBDA_INVOKE_AS_ACTION: "true"
{env}      run: '"$PYTHON" -m lambda_invoke'
"""


def composite_yml(action_text: str) -> str:
    """cli/action.yml: inputs as action.yml's, each passed as INPUT_<NAME> (the underscore
    form, which the command reads too); outputs those of the run step."""
    import yaml

    outputs = yaml.safe_load(action_text)["outputs"]
    lines = ["outputs:"]
    for name, output in outputs.items():
        lines += [
            f"  {name}:",
            f"    description: {json.dumps(output['description'])}",
            f"    value: ${{{{ steps.run.outputs.{name} }}}}",
        ]
    env = "".join(
        f"        INPUT_{spec.name.upper().replace('-', '_')}: ${{{{ inputs.{spec.name} }}}}\n"
        for spec in INPUTS
    )
    return (
        COMPOSITE_HEAD
        + inputs_block()
        + "\n".join(lines)
        + "\n\n"
        + COMPOSITE_RUNS.replace("{env}", env)
    )


def schema_text() -> str:
    return json.dumps(suite_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    path = ROOT / "action.yml"
    path.write_text(action_yml(path.read_text()))
    COMPOSITE.parent.mkdir(exist_ok=True)
    COMPOSITE.write_text(composite_yml(path.read_text()))
    README.write_text(readme_text(README.read_text()))
    SCHEMA.parent.mkdir(exist_ok=True)
    SCHEMA.write_text(schema_text())


if __name__ == "__main__":
    main()
