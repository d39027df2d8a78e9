"""YAML as users write it in inputs and suite files, read strictly and within a budget.

PyYAML keeps the last of two equal keys without a word; in an ``assert`` mapping or a
suite case that silently drops a check or an input. Here a repeated key is an error.
Aliases make a small document stand for a huge one ("billion laughs": 342 bytes that
expand to gigabytes once anything walks or serialises it); before anything is built the
composed document is measured as if every alias were expanded, and refused over the
budget, as is nesting deeper than ``loading.MAX_DEPTH``.
PyYAML (~20 ms to import) is imported on the first document read, not with this module.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

from lambda_invoke.loading import MAX_DEPTH, Refused

#: libyaml's parser when PyYAML has it (LAMBDA_INVOKE_YAML_PARSER=python: the pure one)
_C_PARSER = os.environ.get("LAMBDA_INVOKE_YAML_PARSER", "c") != "python"
#: nodes (scalars, lists, mappings) and scalar bytes a document may expand to
MAX_NODES = 200_000
MAX_EXPANDED_BYTES = 16 * 1024 * 1024

if TYPE_CHECKING:
    import yaml


@functools.cache
def _loaders(c_parser: bool = True) -> tuple[type[Any], type[Any]]:
    """The budget loader and the strict one, built on first use (they subclass PyYAML's):
    on libyaml's parser when PyYAML was built with it and ``c_parser`` (5x faster on a
    large suite), else on the pure-Python one. The budget and the strictness are ours, on
    the composed nodes: the same either way."""
    import yaml
    from yaml.constructor import ConstructorError

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if c_parser else yaml.SafeLoader

    class BudgetLoader(safe):  # type: ignore[valid-type, misc]
        """PyYAML's safe loader that measures the composed document before building it."""

        def get_single_node(self) -> Any:
            node = super().get_single_node()
            if node is not None:
                check_budget(node)
            return node

    class StrictLoader(BudgetLoader):
        """``BudgetLoader`` that also refuses a key given twice in one mapping."""

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            self.flatten_mapping(node)  # merge keys (<<) may repeat a key on purpose
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    repeated = key in seen
                except TypeError:  # an unhashable key: SafeLoader names that itself
                    continue
                if repeated:
                    raise ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"found the key {key!r} twice",
                        key_node.start_mark,
                    )
                seen.add(key)
            mapping: dict[Any, Any] = super().construct_mapping(node, deep)
            return mapping

    return BudgetLoader, StrictLoader


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_budget(root: yaml.Node) -> None:
    """Nodes, scalar bytes and depth of the document with every alias expanded, within
    the budget; else ``Refused`` saying which."""
    if not _walk_within_budget(root):
        _measure_shared_once(root)  # says why (and an alias that holds itself)


def _walk_within_budget(root: yaml.Node) -> bool:
    """Whether a walk of the document, every alias followed, stays within the budget. It
    stops at the first limit passed, so it is bounded however far the aliases expand; a
    document without aliases (a suite) is walked once, at a third of the cost of
    ``_measure_shared_once``."""
    from yaml import MappingNode, ScalarNode

    nodes = size = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            return False
        value = node.value
        if isinstance(node, ScalarNode):
            size += len(value)
            if size > MAX_EXPANDED_BYTES:
                return False
        elif isinstance(node, MappingNode):
            for key, item in value:
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        else:
            stack.extend([(item, depth + 1) for item in value])
    return True


def _measure_shared_once(root: yaml.Node) -> None:
    """Nodes, scalar bytes and depth of the document with every alias expanded (each
    shared node measured once: linear in the document's own size); ``Refused`` over the
    budget, or when an alias refers to the node that holds it."""
    import yaml

    measured: dict[int, tuple[int, int, int]] = {}  # node -> (nodes, bytes, depth)
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in measured:
            continue
        children = _children(node)
        if not children_done:
            if key in open_nodes:
                raise Refused("an alias refers to the node that holds it")
            open_nodes.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in open_nodes:
                    raise Refused("an alias refers to the node that holds it")
                stack.append((child, False))
            continue
        open_nodes.discard(key)
        nodes = 1 + sum(measured[id(child)][0] for child in children)
        size = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        size += sum(measured[id(child)][1] for child in children)
        depth = 1 + max((measured[id(child)][2] for child in children), default=0)
        if nodes > MAX_NODES:
            raise Refused(f"its aliases expand to more than {MAX_NODES} values")
        if size > MAX_EXPANDED_BYTES:
            raise Refused(f"its aliases expand to more than {MAX_EXPANDED_BYTES} bytes")
        if depth > MAX_DEPTH:
            raise Refused(f"nested deeper than {MAX_DEPTH} levels")
        measured[key] = (nodes, size, depth)


def load_yaml(text: str, *, strict: bool = True) -> Any:
    """``yaml.safe_load`` within the budget; ``strict`` rejects repeated keys.

    Raises ``yaml.YAMLError`` for bad YAML and ``loading.Refused`` over the budget.
    """
    import yaml

    budget, strict_loader = _loaders(_C_PARSER)
    loader = strict_loader if strict else budget
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError:
        if _C_PARSER:  # libyaml words its errors its own way: say it as the reference does
            _python_parser_error(text, strict=strict)
        raise
    except RecursionError:
        raise Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        problem = " ".join(str(error).split())[:160]
        raise Refused(f"holds a value that cannot be read: {problem}") from None


def _python_parser_error(text: str, *, strict: bool) -> None:
    """Raise the pure-Python parser's error for a document libyaml refused (the error
    lines users see stay word for word; a bad document is the rare, slow path)."""
    import yaml

    budget, strict_loader = _loaders(False)
    yaml.load(text, Loader=strict_loader if strict else budget)  # noqa: S506
