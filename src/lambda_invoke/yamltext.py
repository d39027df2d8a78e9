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

import contextlib
import functools
import itertools
import os
from collections.abc import Callable, Iterator
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

    str_tag = "tag:yaml.org,2002:str"

    class BudgetLoader(safe):  # type: ignore[valid-type, misc]
        """PyYAML's safe loader that measures the composed document before building it."""

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            """A text scalar is its value, as PyYAML's own constructor makes it (most of a
            suite's values: its lookups took 4 ms of the 45 that 2,000 cases take to read)."""
            if node.tag == str_tag and type(node) is yaml.ScalarNode:
                return node.value
            return super().construct_object(node, deep)

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
    return _walk(root, (0, 0, 0)) is not None


@functools.cache
def _node_types() -> tuple[type[yaml.MappingNode], type[yaml.ScalarNode]]:
    import yaml

    return yaml.MappingNode, yaml.ScalarNode


def _walk(root: yaml.Node, spent: tuple[int, int, int]) -> tuple[int, int] | None:
    """``_walk_within_budget``'s walk: the nodes and bytes spent with ``root``'s, or None
    past a limit. ``spent``: the nodes and bytes of the parts of the document measured
    before this one, and the depth ``root`` is at, less one."""
    MappingNode, ScalarNode = _node_types()
    nodes, size, above = spent
    stack = [(root, above + 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            return None
        value = node.value
        if isinstance(node, ScalarNode):
            size += len(value)
            if size > MAX_EXPANDED_BYTES:
                return None
        elif isinstance(node, MappingNode):
            for key, item in value:
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        else:
            stack.extend([(item, depth + 1) for item in value])
    return nodes, size


def _measure_shared_once(root: yaml.Node, spent: tuple[int, int, int] = (0, 0, 0)) -> None:
    """Nodes, scalar bytes and depth of the document with every alias expanded (each
    shared node measured once: linear in the document's own size); ``Refused`` over the
    budget, or when an alias refers to the node that holds it. ``spent``: as for
    ``_walk``."""
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
        if nodes + spent[0] > MAX_NODES:
            raise Refused(f"its aliases expand to more than {MAX_NODES} values")
        if size + spent[1] > MAX_EXPANDED_BYTES:
            raise Refused(f"its aliases expand to more than {MAX_EXPANDED_BYTES} bytes")
        if depth + spent[2] > MAX_DEPTH:
            raise Refused(f"nested deeper than {MAX_DEPTH} levels")
        measured[key] = (nodes, size, depth)


def load_yaml(text: str, *, strict: bool = True) -> Any:
    """``yaml.safe_load`` within the budget; ``strict`` rejects repeated keys.

    Raises ``yaml.YAMLError`` for bad YAML and ``loading.Refused`` over the budget.
    """
    import yaml

    budget, strict_loader = _loaders(_C_PARSER)
    with _worded(lambda: _python_parser_error(text, strict=strict)):
        return yaml.load(text, Loader=strict_loader if strict else budget)  # noqa: S506
    raise AssertionError("unreachable")  # pragma: no cover (mypy: _worded may swallow)


@contextlib.contextmanager
def _worded(as_the_reference_says: Callable[[], object]) -> Iterator[None]:
    """PyYAML's errors as ours: libyaml's parse errors as the pure-Python parser words
    them (``as_the_reference_says`` raises that; the lines users see stay word for word,
    and a bad document is the rare, slow path), nesting and values past what Python
    reads as ``Refused``."""
    import yaml

    try:
        yield
    except yaml.MarkedYAMLError:
        if _C_PARSER:
            as_the_reference_says()
        raise
    except RecursionError:
        raise Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        problem = " ".join(str(error).split())[:160]
        raise Refused(f"holds a value that cannot be read: {problem}") from None


def _python_parser_error(text: str, *, strict: bool) -> None:
    """Raise the pure-Python parser's error for a document libyaml refused."""
    import yaml

    budget, strict_loader = _loaders(False)
    yaml.load(text, Loader=strict_loader if strict else budget)  # noqa: S506


class NotAMapping(Exception):
    """The document is not a mapping (``stream_mapping``)."""


def stream_mapping(text: str, streamed: str) -> Iterator[tuple[Any, Any]]:
    """A document's top-level mapping entry by entry, as ``load_yaml`` would build it,
    within the same budget (over the whole document) and as strict; the list under the
    key ``streamed`` as an iterator of its items, each composed and built when reached.
    The memory this takes at its peak is one item's nodes, not the whole document's (a
    suite of 10,000 cases: 4 KiB a case less). An iterator not read to the end is read
    when the next entry is asked for. ``NotAMapping`` when the document is not one.
    """

    def as_the_reference_says() -> None:
        for _, value in _stream_entries(text, streamed, c_parser=False):
            if isinstance(value, _Items):
                value.drain()

    def worded(entries: Iterator[Any]) -> Iterator[Any]:
        with _worded(as_the_reference_says):
            yield from entries

    for key, value in worded(_stream_entries(text, streamed, c_parser=_C_PARSER)):
        yield key, worded(iter(value)) if isinstance(value, _Items) else value


#: items of a streamed list built ahead of the reader: parsing and the reader's work one
#: item each in turn took 20 % longer than in runs of 128 (measured on a suite of 10,000
#: cases; the interpreter's caches), and 128 items are little memory
READ_AHEAD = 128


class _Items:
    """The streamed list's items (``stream_mapping``), built READ_AHEAD at a time."""

    def __init__(self, items: Iterator[Any]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        while batch := list(itertools.islice(self._items, READ_AHEAD)):
            yield from batch

    def drain(self) -> None:
        for _ in self._items:
            pass


def _stream_entries(text: str, streamed: str, *, c_parser: bool) -> Iterator[tuple[Any, Any]]:
    import yaml
    from yaml.constructor import ConstructorError

    loader = _streaming_loader(c_parser)(text)

    def built(node: yaml.Node, above: int) -> Any:
        if loader.over:  # says why (and an alias that holds itself)
            _measure_shared_once(node, (loader.spent[0], loader.spent[1], above))
            raise Refused(f"its aliases expand to more than {MAX_NODES} values")
        loader.spent[:] = loader.counted
        return loader.construct_document(node)

    def composed(above: int) -> yaml.Node:
        loader.depth = above
        node: yaml.Node = loader.compose_node(None, None)
        return node

    def items() -> Iterator[Any]:
        loader.get_event()
        loader.count(1, 0, 2)  # the list itself, at depth 2
        loader.spent[:] = loader.counted
        while not loader.check_event(yaml.SequenceEndEvent):
            yield built(composed(2), 2)
        loader.get_event()

    loader.get_event()  # the stream's start
    if loader.check_event(yaml.StreamEndEvent):
        raise NotAMapping
    loader.get_event()  # the document's start
    start: Any = loader.peek_event()
    if not isinstance(start, yaml.MappingStartEvent) or start.anchor or start.tag:
        document = built(composed(0), 0)  # whatever it is, it is small
        _single_document(loader, start)
        if not isinstance(document, dict):
            raise NotAMapping
        yield from document.items()
        return
    loader.get_event()
    mapping_mark: Any = start.start_mark
    loader.count(1, 0, 1)  # the mapping
    loader.spent[:] = loader.counted
    seen: set[Any] = set()
    while not loader.check_event(yaml.MappingEndEvent):
        key_node = composed(1)
        key = built(key_node, 1)
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise Refused("a merge key (<<) at its top level is not read")
        try:
            repeated = key in seen
        except TypeError:
            raise ConstructorError(
                "while constructing a mapping", mapping_mark, "found unhashable key",
                key_node.start_mark,
            ) from None  # fmt: skip
        if repeated:
            raise ConstructorError(
                "while reading a mapping", mapping_mark, f"found the key {key!r} twice",
                key_node.start_mark,
            )  # fmt: skip
        seen.add(key)
        value_start = loader.peek_event()
        if (
            key == streamed
            and isinstance(value_start, yaml.SequenceStartEvent)
            and not value_start.anchor
            and not value_start.tag
        ):
            listed = _Items(items())
            yield key, listed
            listed.drain()
        else:
            yield key, built(composed(1), 1)
    loader.get_event()
    _single_document(loader, start)


def _single_document(loader: Any, start: Any) -> None:
    """The document's end, and no other document after it (as PyYAML's get_single_node)."""
    import yaml
    from yaml.composer import ComposerError

    loader.get_event()  # the document's end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        raise ComposerError(
            "expected a single document in the stream", start.start_mark,
            "but found another document", event.start_mark,
        )  # fmt: skip


@functools.cache
def _streaming_loader(c_parser: bool) -> type[Any]:
    """The strict loader with PyYAML's composer in Python (on libyaml's events: as fast as
    libyaml's composer, which can only compose a whole document), measuring as it goes."""
    import yaml
    from yaml.composer import Composer, ComposerError

    strict = _loaders(c_parser)[1]
    bases = (strict,) if issubclass(strict, Composer) else (Composer, strict)

    class StreamingLoader(*bases):  # type: ignore[misc]
        """PyYAML's ``compose_node`` (the same nodes and errors; a safe loader has no path
        resolvers) that also counts what it composes as ``_walk`` would: nodes and scalar
        bytes with every alias expanded, and the depth; ``over`` once past a limit."""

        def __init__(self, stream: str) -> None:
            strict.__init__(self, stream)
            Composer.__init__(self)
            self.spent = [0, 0]  # nodes and bytes of the pieces built so far
            self.counted = [0, 0]  # and of the piece being composed
            self.depth = 0
            self.over = False
            self.open_anchors: set[str] = set()

        def count(self, nodes: int, size: int, depth: int) -> None:
            counted = self.counted
            counted[0] += nodes
            counted[1] += size
            if counted[0] > MAX_NODES or counted[1] > MAX_EXPANDED_BYTES or depth > MAX_DEPTH:
                self.over = True

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            kind = type(event)
            if kind is yaml.AliasEvent:
                self.get_event()
                if event.anchor not in self.anchors:
                    raise ComposerError(
                        None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                    )
                node = self.anchors[event.anchor]
                if event.anchor in self.open_anchors:  # refers to a node that holds it
                    self.over = True
                if not self.over:
                    spent = (self.counted[0], self.counted[1], self.depth)
                    total = _walk(node, spent)
                    if total is None:
                        self.over = True
                    else:
                        self.counted[:] = total
                return node
            anchor = event.anchor
            if anchor is not None and anchor in self.anchors:
                raise ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence",
                    self.anchors[anchor].start_mark,
                    "second occurrence",
                    event.start_mark,
                )
            self.depth += 1
            if kind is yaml.ScalarEvent:
                self.count(1, len(event.value), self.depth)
                node = self.compose_scalar_node(anchor)
            else:
                self.count(1, 0, self.depth)
                if anchor is not None:
                    self.open_anchors.add(anchor)
                if kind is yaml.SequenceStartEvent:
                    node = self.compose_sequence_node(anchor)
                else:
                    node = self.compose_mapping_node(anchor)
                self.open_anchors.discard(anchor)
            self.depth -= 1
            return node

    return StreamingLoader
