"""From a position in rendered YAML to the line a person edits: the template, and the values file.

A rendered document came from one template. Each position the Kubernetes parser asks about (a key,
a list item) has a *key path* in the rendered document (``spec.template.spec.containers.securityContext
.privileged``, list indices dropped). The template's text is indexed by the same key paths, read
from its lines by indentation, tolerant of ``{{ }}`` actions: a line that is only an action (``{{- if
}}``, ``{{- end }}``) does not count, a key whose value is an action (``privileged: {{
.Values.securityContext.privileged }}``) does. A scalar list item written on its own line (``- SYS_TIME``,
no action in it) counts as one more occurrence of its list's key path, after the key, as the
rendered document counts it; a block scalar's text (``|``, ``>``) is skipped.

* A key path written once in the template: that line (several times: the k-th rendered occurrence
  is the k-th written one when the counts agree, else no line).
* A key path not written there, below a key that is (``securityContext:`` then ``{{- toYaml
  .Values.securityContext | nindent 12 }}``, an ``include``): the line of that action, the deepest
  one under the written key.
* Where the value comes from the values file (``.Values.a.b`` in the key's line or in the action,
  ``with .Values.a`` around a ``toYaml .``), a related location at that key's line of the values file
  (none when the values file writes that key path in several list items).
* Otherwise the document's first line in the template, with a note saying the line was not found:
  never a wrong line.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Location
from ..parsers.fields import Reader
from ..yamlsource import Pos, YMap, YSeq, load_all

NOT_FOUND = "rendered from this template; the line that writes this value was not found (first line of its document)"
FROM_VALUES = "value set here (values file)"
KeyPath = tuple[str, ...]

_KEY_LINE = re.compile(
    r"""^( *)((?:- +)*)("[^"]*"|'[^']*'|[^\s:#{}"'\[\]-][^:#{}]*?|-[^\s:#{}][^:#{}]*?)[ \t]*:(?:[ \t]|$)""")
_SCALAR_ITEM = re.compile(r"^ *(- +)(?!-(?:\s|$))[^\s#\[{|>&*!]")  # ``- value``: not a map, list or alias
_BLOCK_SCALAR = re.compile(r"^[|>][-+0-9]*[ \t]*(?:#.*)?$")
_ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
_VALUES_REF = re.compile(r"\.Values((?:\.[A-Za-z_][\w-]*)+)")
_NINDENT = re.compile(r"\bn?indent\s+(\d+)")
_BLOCK_OPEN = re.compile(r"^(if|with|range|define|block)\b\s*(.*)$")


@dataclass(frozen=True, slots=True, repr=False)
class MappedLocation(Location):
    """A location in a template with what explains it: the values file's line, or a note that the
    exact line was not found. The engine adds ``notes`` to the finding's related locations."""

    notes: tuple[tuple[Location, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Action:
    line: int
    column: int
    parent: KeyPath  # the written keys the action's output lands under
    values: KeyPath | None  # the .Values path it writes from, when known


class TemplateIndex:
    """The key paths of a template's text (one per ``---`` document), and its actions that write YAML."""

    def __init__(self, text: str) -> None:
        self.documents: list[tuple[int, dict[KeyPath, list[tuple[int, int, KeyPath | None]]], list[_Action]]] = []
        keys: dict[KeyPath, list[tuple[int, int, KeyPath | None]]] = {}
        actions: list[_Action] = []
        start = 1
        stack: list[tuple[int, str]] = []
        blocks: list[KeyPath | None] = []  # the .Values path of each open with/range (None: other block)
        literal: int | None = None  # the indent of the key whose block scalar (``|``, ``>``) is being read
        for number, line in enumerate(text.splitlines(), start=1):
            if re.match(r"^---[ \t]*(?:#.*)?$", line):
                self.documents.append((start, keys, actions))
                keys, actions, stack, start = {}, [], [], number + 1
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            for action in _ACTION.finditer(line):
                body = action.group(1)
                opened = _BLOCK_OPEN.match(body)
                if opened:
                    ref = _VALUES_REF.search(opened.group(2)) if opened.group(1) in ("with", "range") else None
                    blocks.append(_split(ref.group(1)) if ref else None)
                elif re.match(r"^end\b", body) and blocks:
                    blocks.pop()
            if stripped.startswith("{{"):
                if re.search(r"\b(toYaml|include|tpl|toJson|template)\b", stripped):
                    nindent = _NINDENT.search(stripped)
                    indent = int(nindent.group(1)) if nindent else len(line) - len(line.lstrip())
                    parent = tuple(k for i, k in stack if i < indent)
                    actions.append(_Action(number, line.index("{{") + 1, parent, _values_path(stripped, blocks)))
                continue
            indent = len(line) - len(line.lstrip(" "))
            if literal is not None and indent > literal:
                continue  # a block scalar's text, not keys
            literal = None
            match = _KEY_LINE.match(line)
            if match is None:
                item = _SCALAR_ITEM.match(line)
                if item is not None and "{{" not in line:  # ``- SYS_TIME``: its own line, after its list's key
                    while stack and stack[-1][0] > indent:
                        stack.pop()
                    keys.setdefault(tuple(k for _, k in stack), []).append((number, item.end(1) + 1, None))
                continue
            indent, dashes, key = len(match.group(1)), match.group(2), match.group(3).strip("\"'")
            key_indent = indent + len(dashes)
            while stack and stack[-1][0] >= key_indent:
                stack.pop()
            path = (*(k for _, k in stack), key)
            rest = line[match.end():]
            keys.setdefault(path, []).append((number, key_indent + 1, _values_path(rest, blocks)))
            stack.append((key_indent, key))
            if _BLOCK_SCALAR.match(rest):
                literal = key_indent
        self.documents.append((start, keys, actions))


def _split(dotted: str) -> KeyPath:
    return tuple(part for part in dotted.split(".") if part)


def _values_path(text: str, blocks: list[KeyPath | None]) -> KeyPath | None:
    ref = _VALUES_REF.search(text)
    if ref is not None:
        return _split(ref.group(1))
    dot = re.search(r"\b(?:toYaml|toJson)\s+\.((?:[A-Za-z_][\w-]*\.?)*)(?=[\s|)]|$)", text)
    scope = next((b for b in reversed(blocks) if b is not None), None)
    if dot is not None and scope is not None:
        return scope + _split(dot.group(1))
    return None


class ValuesIndex:
    """Key paths of a values file -> (line, column). A key path written more than once (in several
    items of a list: ``containers[].securityContext.privileged``) has no line: which item a
    rendered value came from is not known, and never a wrong line."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = tuple(text.splitlines())  # for the comment suppressions written there
        self.keys: dict[KeyPath, Pos] = {}
        for doc, error in load_all(text):
            if error is None and isinstance(doc, YMap):
                repeated = set()
                for key_path, pos in _ordered_positions(doc, (), items=False):
                    if self.keys.setdefault(key_path, pos) != pos:
                        repeated.add(key_path)
                for key_path in repeated:
                    del self.keys[key_path]
                break

    def location(self, key_path: KeyPath) -> Location | None:
        pos = self.keys.get(key_path)
        return Location(self.path, pos[0], pos[1]) if pos is not None else None


def locator(rendered: str, template_path: str, template_text: str, values: ValuesIndex | None
            ) -> Callable[[Pos], Location]:
    """A function from a position in ``rendered`` (one template's output) to its place in the template."""
    template = TemplateIndex(template_text)
    docs = [doc for doc, error in load_all(rendered) if error is None]
    starts: list[int] = []
    paths: dict[Pos, tuple[int, KeyPath, int]] = {}  # pos -> (document, key path, occurrence of that path)
    for doc in docs:
        if not isinstance(doc, (YMap, YSeq)):
            continue
        starts.append(doc.pos[0])
        seen: dict[KeyPath, int] = {}
        for key_path, pos in _ordered_positions(doc, ()):
            if pos not in paths:
                paths[pos] = (len(starts) - 1, key_path, seen.get(key_path, 0))
                seen[key_path] = seen.get(key_path, 0) + 1
    aligned = len(template.documents) == len(starts)
    cache: dict[Pos, Location] = {}

    def document_of(index: int) -> tuple[int, dict, list[_Action]]:
        if aligned:
            return template.documents[index]
        merged: dict[KeyPath, list] = {}
        for _, keys, _ in template.documents:
            for k, v in keys.items():
                merged.setdefault(k, []).extend(v)
        return (1, merged, [a for _, _, acts in template.documents for a in acts])

    def locate(pos: Pos) -> Location:
        found = cache.get(pos)
        if found is None:
            found = cache[pos] = _locate(pos)
        return found

    def _locate(pos: Pos) -> Location:
        known = paths.get(pos)
        index = known[0] if known else max(bisect.bisect_right(starts, pos[0]) - 1, 0)
        first, keys, actions = document_of(index) if starts else (1, {}, [])
        if known is not None:
            _, key_path, occurrence = known
            hit = _written(keys, key_path, occurrence, sum(1 for p in paths.values() if p[0] == index
                                                           and p[1] == key_path))
            if hit is not None:
                line, column, from_values = hit
                return MappedLocation(template_path, line, column, _values_note(values, from_values))
            action = _action_for(actions, key_path)
            if action is not None:
                from_values = action.values + key_path[len(action.parent):] if action.values is not None else None
                return MappedLocation(template_path, action.line, action.column, _values_note(values, from_values))
        fallback = Location(template_path, first)
        return MappedLocation(template_path, first, None, ((fallback, NOT_FOUND),))

    return locate


def _ordered_positions(node: Any, path: KeyPath, items: bool = True) -> Iterator[tuple[KeyPath, Pos]]:
    """Every key of ``node`` with its key path (list indices dropped), in document order; with
    ``items``, every scalar list item too (at its list's key path)."""
    if isinstance(node, YMap):
        for key, value in node.items():
            key_path = (*path, str(key))
            yield key_path, node.pos_of(key)
            yield from _ordered_positions(value, key_path, items)
    elif isinstance(node, YSeq):
        for i, item in enumerate(node):
            if items and not isinstance(item, (YMap, YSeq)):
                yield path, node.pos_of(i)  # a scalar item: its list's key
            yield from _ordered_positions(item, path, items)


def _written(keys: dict[KeyPath, list[tuple[int, int, KeyPath | None]]], key_path: KeyPath, occurrence: int,
             rendered_count: int) -> tuple[int, int, KeyPath | None] | None:
    places = keys.get(key_path)
    if not places:
        return None
    if len(places) == 1:
        return places[0]
    if len(places) == rendered_count and occurrence < len(places):
        return places[occurrence]
    return None  # written several times, rendered a different number of times: no line is sure


def _action_for(actions: list[_Action], key_path: KeyPath) -> _Action | None:
    """The one action whose output holds ``key_path``: under the deepest written parent."""
    best: list[_Action] = []
    depth = -1
    for action in actions:
        n = len(action.parent)
        if n < len(key_path) and key_path[:n] == action.parent:
            if n > depth:
                best, depth = [action], n
            elif n == depth:
                best.append(action)
    return best[0] if len(best) == 1 else None


def _values_note(values: ValuesIndex | None, key_path: KeyPath | None) -> tuple[tuple[Location, str], ...]:
    if values is None or key_path is None:
        return ()
    where = values.location(key_path)
    return ((where, FROM_VALUES),) if where is not None else ()


class MappedReader(Reader):
    """A reader whose locations are mapped from rendered or built text into the files that wrote it."""

    def __init__(self, path: str, what: str, locate: Callable[..., Location]) -> None:
        super().__init__(path, what)
        self.locate = locate

    def loc(self, pos: Pos) -> Location:
        return self.locate(pos)
