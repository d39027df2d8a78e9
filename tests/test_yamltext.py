"""YAML read with libyaml's parser where PyYAML has it, with the same strictness and the
same error lines as the pure-Python parser (the hostile-input table runs on both:
LAMBDA_INVOKE_YAML_PARSER=python)."""

from __future__ import annotations

import time

import pytest
import yaml

from lambda_invoke import yamltext
from lambda_invoke.loading import Refused

BAD = [
    "a: [b",
    "type: [",
    "a: 1\na: 2",
    "a: {b: 1, b: 2}",
    "- a\n b: c",
    "key: 'unclosed",
    "&x [*x]",
]


def _error(text: str) -> str:
    try:
        yamltext.load_yaml(text)
    except (yaml.YAMLError, Refused) as error:
        return f"{type(error).__name__}: {error}"
    return "no error"


def test_libyaml_parses_when_pyyaml_has_it() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: suites parse 5x slower"
    budget, strict = yamltext._loaders(True)
    assert issubclass(strict, yaml.CSafeLoader) and issubclass(budget, yaml.CSafeLoader)


@pytest.mark.parametrize("text", BAD)
def test_an_error_reads_the_same_with_either_parser(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "_C_PARSER", True)
    with_c = _error(text)
    monkeypatch.setattr(yamltext, "_C_PARSER", False)
    assert with_c == _error(text) != "no error"


def test_a_large_suite_parses_much_faster(monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 cases: the same document, libyaml vs pure Python, side by side (a ratio;
    our budget walk and duplicate-key check run on both)."""
    text = "cases:\n" + "".join(
        f"  - name: case {n}\n    function-name: fn\n    payload: {{i: {n}}}\n"
        f"    assert: {{status-code: 200}}\n"
        for n in range(10_000)
    )
    seconds: dict[bool, float] = {True: float("inf"), False: float("inf")}
    for parser in (True, False, True, False):  # interleaved; the best of two each
        monkeypatch.setattr(yamltext, "_C_PARSER", parser)
        started = time.perf_counter()
        document = yamltext.load_yaml(text)
        seconds[parser] = min(seconds[parser], time.perf_counter() - started)
        assert len(document["cases"]) == 10_000
    assert seconds[True] < 0.6 * seconds[False], seconds  # measured: 0.36-0.44
