"""action.yml, the settings and the result document describe the same interface."""

from __future__ import annotations

import argparse
import re

import pytest
import yaml
from support import ROOT

from lambda_invoke.commandline import build_parser
from lambda_invoke.interface import INPUTS, SUITE_INPUTS
from lambda_invoke.outcome import InvokeResult, Report
from lambda_invoke.outputs import OUTPUT_NAMES, SUITE_OUTPUT_NAMES
from lambda_invoke.result import build_document, output_strings
from lambda_invoke.settings import Settings
from lambda_invoke.suitefile import SuiteSettings

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_inputs_match_the_settings_table() -> None:
    declared = ACTION["inputs"]
    assert list(declared) == [spec.name for spec in INPUTS]
    for spec in INPUTS:
        entry = declared[spec.name]
        assert entry.get("required", False) == spec.required, spec.name
        assert str(entry.get("default", "")) == spec.default, spec.name
        assert entry["description"] == spec.description, spec.name


def test_every_input_reaches_a_settings_field() -> None:
    fields = set(Settings.__dataclass_fields__)
    aliases = {  # inputs that shape another field
        "function-name": "function",
        "payload": "payload",
        "payload-file": "payload",
        "raw": "payload",
        "assert": "checks",
        "function": "serverless",
        "stage": "serverless",
        "config": "serverless",
        "context-path": "client_context",
        "stack-name": "stack",
        "role-to-assume": "role",
        "role-session-name": "role",
        "role-duration-seconds": "role",
        "audience": "role",
        "update-snapshots": "snapshot",
    }
    # merge is a mode of its own (cli._merge_input), with no settings of a run
    suite_fields = set(SuiteSettings.__dataclass_fields__) | {"suite", "merge"}
    for spec in INPUTS:
        field = aliases.get(spec.name, spec.name.replace("-", "_"))
        if spec.name in SUITE_INPUTS:
            assert field in suite_fields, spec.name
        else:
            assert field in fields, spec.name


def test_every_input_is_a_cli_option() -> None:
    options = {
        option
        for action in build_parser()._actions
        if isinstance(action, argparse.Action)
        for option in action.option_strings
    }
    for spec in INPUTS:
        assert f"--{spec.name}" in options
        assert set(spec.short) <= options
    assert {"-f", "-q", "-d", "-p", "-t", "-l", "-r", "-c"} <= options


def test_action_outputs_match_the_result_document() -> None:
    assert list(ACTION["outputs"]) == [*OUTPUT_NAMES, *SUITE_OUTPUT_NAMES]
    result = InvokeResult(200, "", b"{}", "", "1", "id", Report())
    document = build_document(
        result, [], payload_file=None, payload_in_outputs=True, logs_file=None, extra={}
    )
    assert list(output_strings(document)) == list(OUTPUT_NAMES)


def test_action_runs_the_dockerfile() -> None:
    assert ACTION["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_dockerfile_base_is_pinned_by_digest_and_entrypoint_is_exec_form() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE_IMAGE=python:3\.\d+-slim@sha256:[0-9a-f]{64}$", text, re.M)
    assert 'ENTRYPOINT ["/usr/local/bin/python", "/opt/lambda-invoke/entrypoint.py"]' in text
    assert "-r /opt/lambda-invoke/requirements/runtime.txt" in text


def test_workflow_actions_are_pinned_to_commit_shas() -> None:
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        for uses in re.findall(r"uses:\s*(\S+)", workflow.read_text()):
            if uses.startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), (workflow.name, uses)


def test_action_inputs_and_suite_schema_are_what_the_sync_script_writes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("sync", ROOT / "scripts" / "sync_interface.py")
    assert spec is not None and spec.loader is not None
    sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sync)
    action_text = (ROOT / "action.yml").read_text()
    assert sync.action_yml(action_text) == action_text, "run python scripts/sync_interface.py"
    assert sync.SCHEMA.read_text() == sync.schema_text(), "run python scripts/sync_interface.py"
    composite = sync.COMPOSITE.read_text()
    assert composite == sync.composite_yml(action_text), "run python scripts/sync_interface.py"
    readme = (ROOT / "README.md").read_text()
    assert readme == sync.readme_text(readme), "run python scripts/sync_interface.py"


def test_the_composite_action_has_the_docker_actions_inputs_and_outputs() -> None:
    docker = yaml.safe_load((ROOT / "action.yml").read_text())
    composite = yaml.safe_load((ROOT / "cli" / "action.yml").read_text())
    assert composite["inputs"] == docker["inputs"]
    assert list(composite["outputs"]) == list(docker["outputs"])
    assert composite["runs"]["using"] == "composite"
    run_step = composite["runs"]["steps"][-1]
    assert {f"INPUT_{name.upper().replace('-', '_')}" for name in docker["inputs"]} <= set(
        run_step["env"]
    )


def test_suite_schema_accepts_the_example_and_knows_every_case_field() -> None:
    import json

    import jsonschema

    from lambda_invoke.suitefile import CASE_KEYS

    schema = json.loads((ROOT / "schema" / "suite.schema.json").read_text())
    case_fields = schema["properties"]["cases"]["items"]["properties"]
    assert set(case_fields) == set(CASE_KEYS)
    example = yaml.safe_load((ROOT / "examples" / "hello" / "smoke.yml").read_text())
    jsonschema.validate(example, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cases": [{"paylod": {}}]}, schema)
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```yaml\n(# smoke.yml .*?)```", readme, re.S)
    assert block, "the README shows a suite file"
    jsonschema.validate(yaml.safe_load(block[1]), schema)


def test_contributings_map_of_the_house_names_every_module_once() -> None:
    """CONTRIBUTING.md answers "where is X decided?" with one line per module: the map
    cannot go stale (a module added, removed or renamed fails here)."""
    import re

    text = (ROOT / "CONTRIBUTING.md").read_text()
    mapped = re.findall(r"^  \| `([a-z_]+)` \| (.+) \|$", text, flags=re.M)
    modules = sorted(path.stem for path in (ROOT / "src" / "lambda_invoke").glob("*.py"))
    assert sorted(name for name, _ in mapped) == modules
    assert all(len(what) > 8 for _, what in mapped)  # each says what it decides


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings (lower case, punctuation but
    hyphens dropped, spaces as hyphens)."""
    text = re.sub(r"```.*?```", "", markdown, flags=re.S)
    headings = re.findall(r"^#{1,6} (.+)$", text, flags=re.M)
    return {re.sub(r"[^a-z0-9 _-]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_link_of_the_user_docs_leads_somewhere() -> None:
    """The README is a front page: every relative link and #anchor in it (and in docs/)
    must lead to a file and heading that exist, or a moved section leaves a dead link."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    dead = []
    for path in files:
        text = path.read_text()
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                dead.append(f"{path.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked.read_text()):
                dead.append(f"{path.name}: {target} (no such heading)")
    assert not dead, dead


def test_the_readme_is_a_front_page() -> None:
    """Under 400 lines, and the first screen (40 lines) reaches a working step."""
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) < 400
    first = "\n".join(lines[:40])
    assert "bash scripts/demo.sh" in first and "uses: <owner>/lambda-invoke-action@" in first
