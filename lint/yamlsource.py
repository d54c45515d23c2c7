"""YAML documents as plain Python values that remember where each key and item was written.

PyYAML's C composer builds the node graph (fast, with marks); :func:`to_python` turns each node
into ``dict``/``list`` subclasses carrying 1-based line and column for every key and item:

* :class:`YMap` ``.loc`` is where the mapping starts, ``.key_loc(k)`` where key ``k`` is written;
* :class:`YSeq` ``.loc`` likewise, ``.item_loc(i)`` where item ``i`` is written.

Merge keys (``<<: *anchor``) are resolved as YAML 1.1 says (explicit keys win, earlier merged
mappings win over later ones); merged keys keep the location they were written at, inside the
anchor. Only safe tags are constructed.

Limits on hostile input (each refused with a :class:`YamlError` for that document or file):

* nesting deeper than ``MAX_DEPTH`` (1000) levels, as libyaml ≥ 0.2.6 itself refuses;
* aliases are converted once and shared, so an alias bomb costs no memory here, but a document
  whose aliases *expand* past go-yaml's ratio (99% of at most 400,000 nodes, falling to 10% from
  4,000,000) is refused as "excessive aliasing", as Kubernetes and Compose refuse it: a parser
  walking the shared graph then meets at most a few million nodes;
* an alias to a collection that contains it (a cycle);
* merge keys (``<<``) copying more than ``MAX_MERGE_COPIES`` keys in one document.
"""

from __future__ import annotations

import datetime
import gc
import json
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


_RESOLVERS = _Loader.yaml_implicit_resolvers
_ANY_FIRST = tuple(_RESOLVERS.get(None, []))
_BY_FIRST = {first: tuple(resolvers) + _ANY_FIRST for first, resolvers in _RESOLVERS.items() if first is not None}


class _PositionedLoader(_Loader):  # type: ignore[misc,valid-type]
    """The safe loader with its tag resolution, called by the composer for every node, made cheaper.

    Without path resolvers (the safe loader has none), a plain scalar's tag is that of the first
    implicit resolver, for its first character, that matches it, as ``BaseResolver.resolve`` finds.
    """

    if not _Loader.yaml_path_resolvers:

        def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
            if kind is ScalarNode:
                if not implicit[0]:
                    return self.DEFAULT_SCALAR_TAG
                tag = _PLAIN_TAGS.get(value)
                if tag is None:
                    tag = _plain_tag(value)
                    if len(value) <= _PLAIN_TAG_KEY and len(_PLAIN_TAGS) < _PLAIN_TAGS_KEPT:
                        _PLAIN_TAGS[value] = tag  # keys and enum-like values repeat
                return tag
            return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass


_PLAIN_TAGS: dict[str, str] = {}  # the tags of short plain scalars met so far
_PLAIN_TAG_KEY, _PLAIN_TAGS_KEPT = 64, 8192
# YAML 1.1's one-letter booleans, which PyYAML reads as text but go-yaml v2 (kubectl and the API
# server, through sigs.k8s.io/yaml) reads as booleans: kept as text marked :class:`BoolWord`
BOOL_WORD_TAG = "tag:isolint,2026:bool-word"
BOOL_WORDS = {"y": True, "Y": True, "n": False, "N": False}


class BoolWord(str):
    """A plain (unquoted) ``y``, ``Y``, ``n`` or ``N``: text to Compose (and to PyYAML), a boolean to
    Kubernetes (go-yaml v2's YAML 1.1 resolver, which ``sigs.k8s.io/yaml`` uses). ``"y"`` quoted is
    a plain ``str``. The Kubernetes reader reads a BoolWord where it expects a boolean."""

    __slots__ = ()

    @property
    def boolean(self) -> bool:
        return BOOL_WORDS[str(self)]


def _plain_tag(value: str) -> str:
    if value in BOOL_WORDS:
        return BOOL_WORD_TAG
    for tag, regexp in _BY_FIRST.get(value[:1], _ANY_FIRST):
        if regexp.match(value):
            return tag
    return _Loader.DEFAULT_SCALAR_TAG


def _libyaml_version() -> tuple[int, ...]:
    try:
        from yaml._yaml import get_version

        return tuple(get_version())
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        return ()


STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_DEPTH = 1000
# Python's own recursion limit stops the conversion first (about 500 levels): say so, not MAX_DEPTH
TOO_DEEP_FOR_PYTHON = "nesting too deep to read (hundreds of levels; no manifest needs that many)"
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

    __slots__ = ("complex_keys", "duplicates", "key_pos", "pos", "tags")

    def __init__(self) -> None:  # dict.__new__ made it empty: no dict.__init__ call needed
        self.pos: Pos = (1, 1)
        self.key_pos: dict[Any, Pos] = {}
        self.duplicates: list[tuple[Any, Pos]] = []
        self.tags: dict[Any, str] = {}
        self.complex_keys: tuple[Pos, ...] = ()  # a mapping or list as a key: `{{ x }}` unrendered

    def pos_of(self, key: Any) -> Pos:
        return self.key_pos.get(key, self.pos)


class YSeq(list):
    """A sequence with the position of the sequence and of each item."""

    __slots__ = ("item_pos", "pos")

    def __init__(self) -> None:  # list.__new__ made it empty
        self.pos: Pos = (1, 1)
        self.item_pos: list[Pos] = []

    def pos_of(self, index: int) -> Pos:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


def _pos(node: Node) -> Pos:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


ALIAS_RATIO_LOW, ALIAS_RATIO_HIGH = 400_000, 4_000_000  # go-yaml's alias_ratio_range


def allowed_alias_ratio(decoded: int) -> float:
    if decoded <= ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW)


_SCALAR_TYPES = (str, int, float, bool, type(None))
_INT_TAG, _BOOL_TAG, _NULL_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_BOOL_VALUES = SafeConstructor.bool_values


class _Converter:
    """Nodes to YMap/YSeq. Scalars, nearly every node, are converted inline in the collection loops,
    with SafeConstructor's own results for the common tags computed directly; a collection costs
    two frames (``convert`` and its loop), as before.

    ``shared``: the document may hold aliases (its text holds a ``*``); only then are converted
    collections remembered (an alias shares one) and the nodes they expand to counted (see
    :meth:`check_aliasing`; without aliases a document expands to no more nodes than it writes).
    """

    def __init__(self, shared: bool = True) -> None:
        self.shared = shared
        self.constructor = SafeConstructor()
        self.memo: dict[int, Any] = {}
        self.copies = 0
        self.open: set[int] = set()  # collections being converted: an alias to one is a cycle
        self.sizes: dict[int, int] = {}  # id of a converted collection -> nodes once aliases expanded
        self.written = 0  # nodes converted once each (aliases not expanded)

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == STR_TAG:
            return node.value
        if tag == _NULL_TAG:
            return None
        if tag == _BOOL_TAG:
            return _BOOL_VALUES.get(node.value.lower(), node.value)  # `!!bool maybe` stays text
        if tag == BOOL_WORD_TAG:
            return BoolWord(node.value)
        if tag == _INT_TAG:
            text = node.value
            if text.isascii() and text.isdigit() and text[0] != "0":
                try:
                    return int(text)
                except ValueError:  # past Python's digit limit
                    return text
        build = self.constructor.yaml_constructors.get(tag)
        if build is None:  # unknown or custom tag (!reset, !override, !Ref ...): keep the text
            return node.value
        try:
            value = build(self.constructor, node)
        # an explicit tag on text it cannot read (`!!int ""`, `!!timestamp soon`): kept as text
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, IndexError, AttributeError):
            return node.value
        if isinstance(value, _SCALAR_TYPES):
            return value
        if isinstance(value, datetime.date):  # a timestamp, as written in ISO form
            return str(value)
        return node.value  # bytes, or a collection's tag on a scalar (`!!set x`: a generator)

    def convert(self, node: Node, depth: int = 0) -> Any:
        if isinstance(node, ScalarNode):
            self.written += 1
            return self.scalar(node)
        key = id(node)
        if key in self.memo:
            if key in self.open:
                raise YamlError("an alias refers to a collection that contains it (a recursive alias); "
                                "Kubernetes and Compose reject it", *_pos(node))
            return self.memo[key]
        if depth > MAX_DEPTH:
            line, column = _pos(node)
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        self.written += 1
        if self.shared:
            self.open.add(key)
        if isinstance(node, SequenceNode):
            value = self._sequence(node, key, depth)
        elif isinstance(node, MappingNode):
            value = self._mapping(node, key, depth)
        else:
            raise YamlError(f"unsupported YAML node {type(node).__name__}", *_pos(node))
        if self.shared:
            self.open.discard(key)
        return value

    def _size(self, value: Any) -> int:
        return self.sizes.get(id(value), 1)

    def _sequence(self, node: SequenceNode, key: int, depth: int) -> YSeq:
        seq = YSeq()
        seq.pos = _pos(node)
        shared = self.shared
        if shared:
            self.memo[key] = seq
        item_pos, append, sizes = seq.item_pos, seq.append, self.sizes
        convert, scalar, depth = self.convert, self.scalar, depth + 1
        size = 1
        scalars = 0
        for item in node.value:
            mark = item.start_mark
            item_pos.append((mark.line + 1, mark.column + 1))
            if isinstance(item, ScalarNode):
                scalars += 1
                append(item.value if item.tag == STR_TAG else scalar(item))
            else:
                value = convert(item, depth)
                append(value)
                if shared:
                    size += sizes.get(id(value), 1)
        self.written += scalars
        if shared:
            sizes[id(seq)] = size + scalars
        return seq

    def _mapping(self, node: MappingNode, key: int, depth: int) -> YMap:
        mapping = YMap()
        mapping.pos = _pos(node)
        shared = self.shared
        if shared:
            self.memo[key] = mapping
        key_pos, sizes = mapping.key_pos, self.sizes
        convert, scalar, child_depth = self.convert, self.scalar, depth + 1
        merges: list[YMap] = []
        scalars = 0
        nested = 0  # nodes the collection values expand to, beyond one each
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == MERGE_TAG:
                merges.extend(self._merge_sources(value_node, depth))
                continue
            mark = key_node.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                mapping.complex_keys += (pos,)  # never in manifests; left out
                continue
            scalars += 1
            k = key_node.value if key_tag == STR_TAG else scalar(key_node)
            if k in mapping:
                mapping.duplicates.append((k, pos))
            value_tag = value_node.tag
            if isinstance(value_node, ScalarNode):
                scalars += 1
                mapping[k] = value_node.value if value_tag == STR_TAG else scalar(value_node)
            else:
                value = mapping[k] = convert(value_node, child_depth)
                if shared:
                    nested += sizes[id(value)] - 1
            key_pos[k] = pos
            if value_tag in MERGE_DIRECTIVE_TAGS:
                mapping.tags[k] = value_tag
        self.written += scalars
        for source in merges:
            for k, v in source.items():
                if k not in mapping:
                    self.copies += 1
                    mapping[k] = v
                    key_pos[k] = source.pos_of(k)
                    if k in source.tags:
                        mapping.tags[k] = source.tags[k]
            if self.copies > MAX_MERGE_COPIES:
                raise YamlError(f"merge keys (<<) copy more than {MAX_MERGE_COPIES:,} keys; refused as a "
                                "merge-key bomb", *mapping.pos)
        if not shared:
            return mapping
        if merges or mapping.duplicates:  # values replaced or added: count those the mapping holds
            nested = sum(sizes[id(v)] - 1 for v in mapping.values() if id(v) in sizes)
        sizes[id(mapping)] = 1 + 2 * len(mapping) + nested  # the mapping, each key and value
        return mapping

    def check_aliasing(self, root: Any, node: Node) -> None:
        """Refuse a document whose aliases expand too far, by the rule Kubernetes and Compose apply.

        Both decode YAML with go-yaml, which fails a document with "excessive aliasing" once the
        share of nodes reached through aliases passes a ratio that falls from 99% (up to 400,000
        decoded nodes) to 10% (from 4,000,000). Aliases are shared here, never copied, so this
        bounds what a parser walking the document may meet, not the memory of loading it.
        """
        if not self.shared:
            return
        expanded = self._size(root)
        aliased = expanded - self.written
        if aliased > 100 and expanded > 1000 and aliased / expanded > allowed_alias_ratio(expanded):
            shown = f"{expanded:,}" if expanded < 10**15 else f"about 10^{len(str(expanded)) - 1}"
            raise YamlError(f"excessive aliasing: aliases expand this document to {shown} nodes from "
                            f"{self.written:,} written (an alias bomb?); refused as Kubernetes and Compose "
                            "refuse it", *_pos(node))

    def _merge_sources(self, node: Node, depth: int) -> list[YMap]:
        value = self.convert(node, depth + 1)
        if isinstance(value, YMap):
            return [value]
        if isinstance(value, YSeq) and all(isinstance(v, YMap) for v in value):
            return list(value)
        line, column = _pos(node)
        raise YamlError("a merge key (<<) must refer to a mapping or a list of mappings", line, column)


def _mark_error(exc: yaml.YAMLError, text: str = "") -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}, {problem}" if context else str(problem)
    if mark is None:
        return YamlError(f"invalid YAML: {message}")
    if _char_at(text, mark.line, mark.column) == "\t":
        message = "a tab character where YAML allows only spaces (indent with spaces)"
    elif "maximum nesting depth" in message:  # libyaml >= 0.2.6
        message = f"nesting deeper than {MAX_DEPTH} levels"
    return YamlError(f"invalid YAML: {message}", mark.line + 1, mark.column + 1)


def _char_at(text: str, line: int, column: int) -> str:
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    return text[start + column:start + column + 1]


_WHITESPACE = re.compile(r"\s*")


def json_values(text: str) -> list[tuple[int, int]] | None:
    """The spans of the JSON values ``text`` holds, one after another, or None if it is not JSON.

    Kubernetes reads a file starting with ``{`` as a stream of JSON objects (``kubectl`` accepts
    several in a row), which is not YAML: each is then read on its own.
    """
    if text.lstrip()[:1] not in ("{", "["):
        return None
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    index = _WHITESPACE.match(text).end()
    try:
        while index < len(text):
            _, end = decoder.raw_decode(text, index)
            spans.append((index, end))
            index = _WHITESPACE.match(text, end).end()
    except (ValueError, RecursionError):
        return None
    return spans


# libyaml 0.2.6 refuses nesting past 1000 levels itself (yaml/libyaml#287); older releases do not
_CSAFE = getattr(_Loader, "__module__", "") == "yaml.cyaml"
LIBYAML_LIMITS_NESTING = _CSAFE and _libyaml_version() >= (0, 2, 6)
# every collection starts with one of these: `[` `{` (flow), `-` (block sequence), `?` or `:` (mappings)
_COLLECTION_INDICATORS = "[{-?:"


def may_nest_deeper_than(text: str, depth: int) -> bool:
    """A cheap, sound test: False only when ``text`` cannot hold collections nested ``depth`` deep."""
    return sum(text.count(c) for c in _COLLECTION_INDICATORS) > depth


def _check_nesting(text: str) -> None:
    """Refuse input nested deeper than MAX_DEPTH before an old libyaml's recursive composer sees it.

    libyaml before 0.2.6 composes recursively, once per level, and overflows the C stack on very
    deep input (a segmentation fault, not an exception); its event parser is not recursive, so
    depth is measured with it first. Newer libyaml refuses deep input itself, and the pure-Python
    composer raises RecursionError, which is caught.
    """
    if LIBYAML_LIMITS_NESTING or not _CSAFE or not may_nest_deeper_than(text, MAX_DEPTH):
        return
    scan_depth(text)


def scan_depth(text: str) -> None:
    """Raise :class:`YamlError` at the first collection nested deeper than MAX_DEPTH.

    A syntax error ends the scan quietly: the composer stops at the same place, before any depth
    the scan did not see. (libyaml >= 0.2.6 stops at its own nesting limit: that is reported.)
    """
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
        if "maximum nesting depth" in str(exc):
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
    spans = json_values(text)
    if spans:
        # YAML forbids tabs outside flow collections, JSON allows them as whitespace; strict JSON
        # has no raw tab inside a string, so each is whitespace and a space keeps every position
        text = text.replace("\t", " ")
    if spans is None or len(spans) == 1:
        yield from _load_stream(text)
        return
    line, counted = 0, 0
    for start, end in spans:
        line += text.count("\n", counted, start)
        counted = start
        column = start - (text.rfind("\n", 0, start) + 1)
        for document, error in _load_stream(text[start:end]):
            yield _shifted(document, line, column), _shifted_error(error, line, column)


def _load_stream(text: str) -> Iterator[tuple[Any, YamlError | None]]:
    loader = _PositionedLoader(text)
    shared = "*" in text  # else no alias: nothing is shared (see _Converter)
    try:
        while True:
            # composing and converting allocate a document's objects, all alive until it is done:
            # the cyclic collector would only walk them again and again (a recursive alias's nodes,
            # the one cycle, are collected once it runs again)
            collecting = gc.isenabled()
            gc.disable()
            try:
                step = _next_document(loader, text, shared)
            finally:
                if collecting:
                    gc.enable()
            if step is None:
                return
            document, error, ends_stream = step
            yield document, error
            if ends_stream:
                return
    finally:
        loader.dispose()


def _next_document(loader: Any, text: str, shared: bool = True) -> tuple[Any, YamlError | None, bool] | None:
    """The next document and its error, and whether a syntax error ends the stream; None at its end."""
    while True:
        try:
            if not loader.check_node():
                return None
            node = loader.get_node()
        except yaml.YAMLError as exc:
            return None, _mark_error(exc, text), True
        except RecursionError:  # the pure-Python composer (PyYAML without libyaml)
            return None, YamlError(TOO_DEEP_FOR_PYTHON), True
        if node is not None:
            return (*_convert_document(node, shared), False)


def _shift(pos: Pos, line: int, column: int) -> Pos:
    return (pos[0] + line, pos[1] + column if pos[0] == 1 else pos[1])


def collections(document: Any) -> Iterator[YMap | YSeq]:
    """Each mapping and sequence of a document once, however often aliases share it."""
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if not isinstance(node, (YMap, YSeq)) or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(node.values() if isinstance(node, YMap) else node)


def _shifted(document: Any, line: int, column: int) -> Any:
    """Move the positions of a document read from a slice of the file to where the slice starts."""
    for node in collections(document):
        if isinstance(node, YMap):
            node.key_pos = {k: _shift(p, line, column) for k, p in node.key_pos.items()}
            node.duplicates = [(k, _shift(p, line, column)) for k, p in node.duplicates]
            node.complex_keys = tuple(_shift(p, line, column) for p in node.complex_keys)
        else:
            node.item_pos = [_shift(p, line, column) for p in node.item_pos]
        node.pos = _shift(node.pos, line, column)
    return document


def _shifted_error(error: YamlError | None, line: int, column: int) -> YamlError | None:
    if error is None or error.line is None:
        return error
    shifted = _shift((error.line, error.column or 1), line, column)
    return YamlError(error.message, shifted[0], shifted[1] if error.column is not None else None)


def _convert_document(node: Node, shared: bool = True) -> tuple[Any, YamlError | None]:
    converter = _Converter(shared)
    try:
        document = converter.convert(node)
        converter.check_aliasing(document, node)
    except YamlError as exc:
        return None, exc
    except RecursionError:
        return None, YamlError(TOO_DEEP_FOR_PYTHON, *_pos(node))
    return document, None
