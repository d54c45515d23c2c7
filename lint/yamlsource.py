"""YAML documents as plain Python values that remember where each key and item was written.

PyYAML's C composer builds the node graph (fast, with marks); :func:`to_python` turns each node
into ``dict``/``list`` subclasses carrying 1-based line and column for every key and item:

* :class:`YMap` ``.loc`` is where the mapping starts, ``.key_loc(k)`` where key ``k`` is written;
* :class:`YSeq` ``.loc`` likewise, ``.item_loc(i)`` where item ``i`` is written.

Merge keys (``<<: *anchor``) are resolved as YAML 1.1 says (explicit keys win, earlier merged
mappings win over later ones); merged keys keep the location they were written at, inside the
anchor. Aliases are converted once and shared, so an alias bomb costs no memory here; the
expansion budget bounds what merge keys copy. Only safe tags are constructed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_DEPTH = 1000
MAX_MERGE_COPIES = 1_000_000
MERGE_DIRECTIVE_TAGS = frozenset({"!reset", "!override"})  # Compose multi-file merge directives


class YamlError(Exception):
    """A YAML document that cannot be read; ``line``/``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


Pos = tuple[int, int]


class YMap(dict):
    """A mapping with the position of the mapping and of each of its keys.

    ``tags`` holds the local tag (``!reset``, ``!override``) a value was written with, by key:
    Compose merges honour them; the value itself is read as if untagged.
    """

    __slots__ = ("duplicates", "key_pos", "pos", "tags")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Pos = (1, 1)
        self.key_pos: dict[Any, Pos] = {}
        self.duplicates: list[tuple[Any, Pos]] = []
        self.tags: dict[Any, str] = {}

    def pos_of(self, key: Any) -> Pos:
        return self.key_pos.get(key, self.pos)


class YSeq(list):
    """A sequence with the position of the sequence and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos: Pos = (1, 1)
        self.item_pos: list[Pos] = []

    def pos_of(self, index: int) -> Pos:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


def _pos(node: Node) -> Pos:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self) -> None:
        self.constructor = SafeConstructor()
        self.memo: dict[int, Any] = {}
        self.copies = 0

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == STR_TAG:
            return node.value
        build = self.constructor.yaml_constructors.get(node.tag)
        if build is None:  # unknown or custom tag (!reset, !override, !Ref ...): keep the text
            return node.value
        try:
            value = build(self.constructor, node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            return node.value
        if isinstance(value, (bytes, bytearray)):
            return node.value
        return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)

    def convert(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        key = id(node)
        if key in self.memo:
            return self.memo[key]
        if depth > MAX_DEPTH:
            line, column = _pos(node)
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        if isinstance(node, SequenceNode):
            seq = YSeq()
            seq.pos = _pos(node)
            self.memo[key] = seq
            for item in node.value:
                seq.item_pos.append(_pos(item))
                seq.append(self.convert(item, depth + 1))
            return seq
        if isinstance(node, MappingNode):
            mapping = YMap()
            mapping.pos = _pos(node)
            self.memo[key] = mapping
            merges: list[YMap] = []
            for key_node, value_node in node.value:
                if key_node.tag == MERGE_TAG:
                    merges.extend(self._merge_sources(value_node, depth))
                    continue
                k = self.convert(key_node, depth + 1) if isinstance(key_node, ScalarNode) else None
                if k is None and not isinstance(key_node, ScalarNode):
                    continue  # complex keys never occur in manifests
                if isinstance(k, (list, dict)):
                    continue
                if k in mapping:
                    mapping.duplicates.append((k, _pos(key_node)))
                mapping[k] = self.convert(value_node, depth + 1)
                mapping.key_pos[k] = _pos(key_node)
                if value_node.tag in MERGE_DIRECTIVE_TAGS:
                    mapping.tags[k] = value_node.tag
            for source in merges:
                for k, v in source.items():
                    if k not in mapping:
                        self.copies += 1
                        mapping[k] = v
                        mapping.key_pos[k] = source.pos_of(k)
                        if k in source.tags:
                            mapping.tags[k] = source.tags[k]
                if self.copies > MAX_MERGE_COPIES:
                    raise YamlError("merge keys expand past the limit", *mapping.pos)
            return mapping
        raise YamlError(f"unsupported YAML node {type(node).__name__}", *_pos(node))

    def _merge_sources(self, node: Node, depth: int) -> list[YMap]:
        value = self.convert(node, depth + 1)
        if isinstance(value, YMap):
            return [value]
        if isinstance(value, YSeq) and all(isinstance(v, YMap) for v in value):
            return list(value)
        line, column = _pos(node)
        raise YamlError("a merge key (<<) must refer to a mapping or a list of mappings", line, column)


def _mark_error(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if mark is not None:
        return YamlError(f"invalid YAML: {message}", mark.line + 1, mark.column + 1)
    return YamlError(f"invalid YAML: {message}")


_BRACKETS = re.compile(r"[\[{]")


def _check_nesting(text: str) -> None:
    """Refuse input nested deeper than MAX_DEPTH before libyaml's recursive composer sees it.

    The C composer recurses once per level and overflows the C stack on very deep input
    (a segmentation fault, not an exception), so depth is measured first with the
    non-recursive event parser. Ordinary files are recognised cheaply and skip the scan.
    """
    if len(_BRACKETS.findall(text, 0, 1 << 22)) < MAX_DEPTH and text.count("- ") < MAX_DEPTH \
            and text.count(":") < MAX_DEPTH * 4:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _mark_error(exc) from None


def load_all(text: str) -> Iterator[tuple[Any, YamlError | None]]:
    """Yield ``(document, None)`` for each document, or ``(None, error)`` for the one that failed.

    A syntax error ends the stream (the parser cannot resynchronise), reported once.
    """
    try:
        _check_nesting(text)
    except YamlError as exc:
        yield None, exc
        return
    loader = _Loader(text)
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.YAMLError as exc:
                yield None, _mark_error(exc)
                return
            if node is None:
                continue
            try:
                yield _Converter().convert(node), None
            except YamlError as exc:
                yield None, exc
            except RecursionError:
                yield None, YamlError("document nested too deeply", *_pos(node))
    finally:
        loader.dispose()
