"""The shape of the house: every import of our own modules (function-level and
type-checking ones too) goes to the importing module's layer or one below it, and no
module imports itself back through others. A newcomer reads the layers bottom up."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from support import ROOT

PACKAGE = ROOT / "src" / "lambda_invoke"
#: bottom to top
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "base: facts and mechanisms every module may use",
        frozenset(
            {
                "__init__",
                "errors",
                "awserrors",
                "interface",
                "outputs",
                "redaction",
                "heldlines",
                "regions",
                "botodata",
                "runner",
                "progress",
                "stopping",
                "deadline",
                "outcome",
            }
        ),
    ),
    (
        "reading what users and runs hand us",
        frozenset(
            {
                "loading",
                "yamltext",
                "links",
                "payload_files",
                "rows",
                "charts",
                "answers",
                "inputparse",
                "actioninputs",
            }
        ),
    ),
    (
        "checks and sources",
        frozenset(
            {
                "schemas",
                "assertions",
                "comparison",
                "snapshots",
                "serverless",
                "fulllogs",
                "testevents",
                "repeat",
                "merge",
                "references",
                "payloads",
                "invocation",
            }
        ),
    ),
    (
        "settings and results",
        frozenset({"settings", "suitefile", "result", "verdict", "github", "readiness"}),
    ),
    (
        "calling functions and rendering reports",
        frozenset(
            {
                "invoke",
                "local",
                "report",
                "dispatch",
                "baselines",
                "roles",
                "stacks",
                "awsvalues",
                "aws",
                "suite",
                "following",
            }
        ),
    ),
    ("showing", frozenset({"reporters"})),
    ("running", frozenset({"app", "suiterun"})),
    ("the boundary", frozenset({"commandline", "cli", "__main__"})),
)


def imports() -> dict[str, set[str]]:
    """Each module's imports of our own modules, wherever in the file they are."""
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lambda_invoke"):
                parts = (node.module or "").split(".")
                found |= {parts[1]} if len(parts) > 1 else {"__init__"}
            elif isinstance(node, ast.Import):
                found |= {
                    a.name.split(".")[1]
                    for a in node.names
                    if a.name.count(".") == 1 and a.name.startswith("lambda_invoke.")
                }
        graph[path.stem] = found - {path.stem}
    return graph


def upward_imports(graph: Mapping[str, set[str]]) -> list[str]:
    layer_of = {module: n for n, (_, modules) in enumerate(LAYERS) for module in modules}
    return [
        f"{module} ({LAYERS[layer_of[module]][0]}) imports {imported} "
        f"({LAYERS[layer_of[imported]][0]})"
        for module, imported_set in sorted(graph.items())
        for imported in sorted(imported_set)
        if layer_of[imported] > layer_of[module]
    ]


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported == path[0]:
                found.append([*path, imported])
            elif imported not in path and len(path) < len(graph):
                visit(imported, [*path, imported])

    for module in sorted(graph):
        visit(module, [module])
    return found


def test_every_module_is_in_one_layer() -> None:
    layered = [module for _, modules in LAYERS for module in modules]
    assert sorted(layered) == sorted(imports()) and len(layered) == len(set(layered))


def test_no_module_imports_from_a_layer_above_it() -> None:
    assert upward_imports(imports()) == []


def test_no_import_cycle() -> None:
    assert cycles(imports()) == []


def test_a_planted_upward_import_and_cycle_are_caught() -> None:
    graph = imports()
    graph["errors"] = graph["errors"] | {"cli"}
    assert upward_imports(graph) == [
        "errors (base: facts and mechanisms every module may use) imports cli (the boundary)"
    ]
    assert any(cycle[0] == "errors" for cycle in cycles(graph))


def deferred_imports() -> list[str]:
    """Imports of our own modules inside functions, as ``module:line -> imported``."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        lines = path.read_text().splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "lambda_invoke"
                ):
                    found.append((path.stem, node.lineno, node.module, lines[node.lineno - 1]))
    return [f"{stem}:{line} -> {module}: {text.strip()}" for stem, line, module, text in found]


def test_imports_are_deferred_only_where_start_up_needs_it() -> None:
    """An import of our own module inside a function is a start-up seam (a single invoke
    does not load suites, merges, invoke local, assertions or serverless.yml reading): a
    handful, each marked ``(start-up`` with what it keeps off the common path."""
    deferred = deferred_imports()
    assert len(deferred) <= 11, "\n".join(deferred)  # (the tenth: compare-to, 4 ms; snapshot)
    unmarked = [entry for entry in deferred if "(start-up" not in entry]
    assert not unmarked, "\n".join(unmarked)


#: the modules that only orchestrate (one run, a suite's cases, a suite's run and a merge)
ORCHESTRATORS = ("app", "suite", "suiterun")


def complexity(function: ast.FunctionDef) -> int:
    """McCabe's count as radon and ruff's C901 make it: 1 + each decision point."""
    count = 1
    for node in ast.walk(function):
        if isinstance(node, (ast.If, ast.For, ast.While, ast.IfExp, ast.ExceptHandler)):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
    return count


def test_the_orchestrators_entry_functions_stay_small() -> None:
    """app, suite and suiterun only orchestrate: each public function's body (signature and
    docstring aside) is at most 30 lines, its complexity at most 10."""
    large = []
    for name in ORCHESTRATORS:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
                continue
            body = function.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            lines = (function.end_lineno or 0) - body[0].lineno + 1
            if lines > 30 or complexity(function) > 10:
                large.append(f"{name}.{function.name}: {lines} lines, {complexity(function)}")
    assert not large, large
