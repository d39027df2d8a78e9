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


STREAMED = [
    *BAD,
    "cases: [{a: 1}, {b: [1, 2]}]\ndefaults: {x: y}\n",
    "defaults: {x: &v [1, 2]}\ncases:\n  - {a: *v}\n  - {a: *v, b: {c: d}}\n",
    "cases: [1, 2]\ncases: [3]\n",
    "cases: [{a: 1, a: 2}]\n",
    "cases: [{a: 1}, [\n",
    "cases: [&x [*x]]\n",
    "cases: &c [1]\nother: *c\n",
    "!!map {cases: [1]}\n",
    "a: 1\n---\nb: 2\n",
    "? [a]\n: 1\n",
    "- 1\n",
    "",
    "cases: {a: 1}\n",
    "cases:\n  - {x: " + "[" * 130 + "]" * 130 + "}\n",
]


def _streamed(text: str) -> object:
    try:
        return {
            key: list(value) if key == "cases" and not isinstance(value, (dict, str)) else value
            for key, value in yamltext.stream_mapping(text, "cases")
        }
    except yamltext.NotAMapping:
        return "not a mapping"
    except (yaml.YAMLError, Refused) as error:
        return f"{type(error).__name__}: {error}"


def _loaded(text: str) -> object:
    try:
        document = yamltext.load_yaml(text)
    except (yaml.YAMLError, Refused) as error:
        return f"{type(error).__name__}: {error}"
    return document if isinstance(document, dict) else "not a mapping"


@pytest.mark.parametrize("parser", [True, False])
@pytest.mark.parametrize("text", STREAMED)
def test_a_streamed_document_reads_as_the_whole_one(
    text: str, parser: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stream_mapping (a suite read case by case) builds what load_yaml builds and says
    what it says: the same strictness, budget and error lines."""
    monkeypatch.setattr(yamltext, "_C_PARSER", parser)
    assert _streamed(text) == _loaded(text)


def test_the_budget_counts_the_whole_streamed_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each item within the budget, all of them together not: refused as load_yaml does."""
    monkeypatch.setattr(yamltext, "MAX_NODES", 50)
    text = "cases:\n" + "".join(f"  - {{n: {n}}}\n" for n in range(20))  # 3 nodes each
    assert (
        _loaded(text)
        == _streamed(text)
        == ("Refused: holds a value that cannot be read: its aliases expand to more than 50 values")
    )
    assert isinstance(_streamed("cases:\n" + "  - {n: 1}\n" * 15), dict)


def test_a_streamed_suite_holds_one_case_at_a_time() -> None:
    """The peak while reading 5,000 cases one at a time is far below the whole document's
    nodes (tracemalloc: ~40 B a case streamed against ~2.4 KiB composed whole)."""
    import tracemalloc

    text = "cases:\n" + "".join(f"  - {{name: c{n}, function-name: fn}}\n" for n in range(5000))
    tracemalloc.start()
    try:
        for _, value in yamltext.stream_mapping(text, "cases"):
            for _ in value:
                pass
        _, streamed = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        yamltext.load_yaml(text)
        _, whole = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert streamed < whole / 10, (streamed, whole)
