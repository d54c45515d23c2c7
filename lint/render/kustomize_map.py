"""Kustomize mapping: each position of a built resource to the line of the file that wrote it.

A built resource names its origin file (``config.kubernetes.io/origin``, from the build's
``buildMetadata``). What a transformer of the root's tree wrote points at the transformer; any other
key at its line in the origin file (in the document of the same kind and name, list items told
apart by identity). The writers, in the order Kustomize applies them (each kustomization after
those it includes, its components after its resources; within one: ``patchesStrategicMerge``,
``patches``, ``patchesJson6902``, ``images``, ``replacements``), the last one that selects the
resource and writes the key path winning:

* a strategic-merge patch (a file, or written inline in the kustomization: a block scalar ``|``,
  its lines counted from the line after the indicator, the block's text checked against the value
  read): each scalar it writes, at its line; a list item is told by its ``name`` (``mountPath``,
  ``devicePath``, ``containerPort``) or, for a scalar item (``- SYS_ADMIN``), by its value;
* a JSON 6902 op (``add``/``replace``: its ``value``, and every key inside a value that is a
  mapping; ``copy``/``move``: its ``path``), list indices read against the built resource;
* an ``images:`` entry: a container ``image`` of the entry's (new) name, at its ``newTag`` line;
* a replacement (``replacements``, inline or a ``path``): each ``fieldPaths`` entry of a target that
  selects the resource, with related locations at its ``source`` and at the source field's line.

An inline patch written so that its lines cannot be counted (a quoted or folded string) points at
its entry, with a note saying so; a replacement whose selection isolint cannot evaluate (a set-based
label selector) does not claim a line: the resource's first line, with a note naming the
replacement. A value a legacy ``vars`` entry substitutes (``$(NAME)`` on the origin's line) gets a
related location at the var. Where no line is sure: the document's first line with a note; never a
wrong line. A transformer applies to the resources of its kustomization's tree only (a
component's, to its includer's). :func:`isolint.render.kustomize.merge_overlays` reports a finding
several roots produce at one place once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..model import FileModel, Location, ParseError
from ..sources import ReadError, contained, read_text
from ..yamlsource import Pos, YMap, YSeq, load_all
from .kustomize_native import cached, real_path
from .kustomize_select import Resource, matches_selector
from .mapping import MappedLocation, MappedReader

BUILT_BY = "built by the kustomization"
NOT_FOUND_HERE = "built from this resource; the line that writes this value was not found (first line of its document)"
INLINE_NOT_COUNTED = "written by this inline patch; its lines cannot be counted (a quoted or folded string)"
REPLACED_FROM = "value copied here by this replacement from"
MAY_REPLACE = "a replacement whose selection isolint cannot evaluate may write this value"
VAR_FROM = "value substituted from this var"
SOURCE_FIELD = "the replacement's source field"
HELM_INFLATED = "rendered by Kustomize's Helm inflation of this chart; the template's line is not known"
_IDENTITY = ("name", "mountPath", "devicePath", "containerPort")  # how a list item of a patch is told apart

# An element of a rich key path: a key (str), a mapping list item ("#", index, identity, length) or a
# scalar list item ("=", value, index, length). A pattern (what a writer writes) uses the same shapes
# with None for "any": ("#", index | -1 (last) | None, identity | None) and ("=", value).
Element = Any
Pattern = tuple[Any, ...]


def _spelled(real: str, like: str) -> str:
    return real if os.path.isabs(like) else os.path.relpath(real)


# -- rich key paths ---------------------------------------------------------------------------------
def _identity(item: Any) -> tuple[str, str] | None:
    if isinstance(item, dict):
        for key in _IDENTITY:
            value = item.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                return key, str(value)
    return None


def _rich_positions(node: Any, path: tuple[Element, ...]) -> Iterator[tuple[tuple[Element, ...], Pos, Any]]:
    """Every key and list item of a resource with its path (list items told apart) and value."""
    if isinstance(node, YMap):
        for key, value in node.items():
            key_path = (*path, str(key))
            yield key_path, node.pos_of(key), value
            yield from _rich_positions(value, key_path)
    elif isinstance(node, YSeq):
        for i, item in enumerate(node):
            if isinstance(item, (YMap, YSeq)):
                item_path = (*path, ("#", i, _identity(item), len(node)))
                yield item_path, node.pos_of(i), item
                yield from _rich_positions(item, item_path)
            else:
                yield (*path, ("=", _text(item), i, len(node))), node.pos_of(i), item


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else "null" if value is None else str(value)


def _same_place(path: tuple[Element, ...]) -> tuple[Any, ...]:
    """The path as it is found in the origin file: a list item by its identity, its value (a
    scalar), or its index when it has neither (then only in a list of the same length)."""
    return tuple(e if isinstance(e, str) else ("=", e[1]) if e[0] == "=" else ("#", e[2]) if e[2] is not None
                 else ("#", e[1], e[3]) for e in path)


def _skeleton(path: tuple[Element, ...]) -> tuple[str, ...]:
    return tuple(e if isinstance(e, str) else "[]" for e in path)


def _element_matches(pattern: Element, element: Element) -> bool:
    if isinstance(pattern, str) or isinstance(element, str):
        return pattern == element
    if pattern[0] == "=":
        return element[0] == "=" and element[1] == pattern[1]
    _, index, identity = pattern
    position, length = element[2 if element[0] == "=" else 1], element[3]
    if index is not None and not (index == position or (index == -1 and position == length - 1)):
        return False
    return identity is None or (element[0] == "#" and element[2] == identity)


def _smp_leaves(node: Any, path: Pattern, item: bool = False) -> Iterator[tuple[Pattern, Pos, Any]]:
    """What a strategic-merge patch writes: each key with a scalar value (not the keys that only
    select what it patches: kind, name, a list item's identity) and each scalar list item. A list
    item and its identity key are yielded as ``ITEM``: written by the patch only if the origin
    does not hold that item (the patch adds it, rather than merges into it)."""
    if isinstance(node, YMap):
        for key, value in node.items():
            key_path = (*path, str(key))
            if not isinstance(value, (YMap, YSeq)) and key_path not in _SELECTORS and not str(key).startswith("$"):
                yield key_path, node.pos_of(key), ITEM if item and key in _IDENTITY else value
            yield from _smp_leaves(value, key_path)
    elif isinstance(node, YSeq):
        for i, entry in enumerate(node):
            if isinstance(entry, (YMap, YSeq)):
                item_path = (*path, ("#", None, _identity(entry)))
                if _identity(entry) is not None:
                    yield item_path, node.pos_of(i), ITEM
                yield from _smp_leaves(entry, item_path, True)
            else:
                yield (*path, ("=", _text(entry))), node.pos_of(i), entry


def _all_written(node: Any, path: Pattern) -> Iterator[tuple[Pattern, Pos, Any]]:
    """Every key and item inside a JSON 6902 ``value``: the op writes all of it."""
    if isinstance(node, YMap):
        for key, value in node.items():
            yield (*path, str(key)), node.pos_of(key), value
            yield from _all_written(value, (*path, str(key)))
    elif isinstance(node, YSeq):
        for i, entry in enumerate(node):
            element = ("#", None, _identity(entry)) if isinstance(entry, (YMap, YSeq)) else ("=", _text(entry))
            yield (*path, element), node.pos_of(i), entry
            yield from _all_written(entry, (*path, element))


def _pointer(path: str) -> Pattern:
    """A JSON pointer (``/spec/containers/0/securityContext``) as a pattern."""
    out: list[Element] = []
    for part in path.strip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        out.append(("#", int(part), None) if part.isdigit() else ("#", -1, None) if part == "-" else part)
    return tuple(out)


def _field_path(path: str) -> Pattern:
    """A Kustomize field path (``spec.containers.[name=api].image``, ``metadata.annotations.[a.b]``)."""
    out: list[Element] = []
    for part in re.findall(r"\[[^\]]*\]|[^.\[\]]+", path):
        if part.startswith("["):
            key, eq, value = part[1:-1].partition("=")
            out.append(("#", None, (key, value)) if eq else key)
        elif part.isdigit():
            out.append(("#", int(part), None))
        else:
            out.append(("#", None, None) if part in ("*", "-") else part)
    return tuple(out)


_SELECTORS = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}


# -- the writers of a root's tree -------------------------------------------------------------------
_ANY = object()
ITEM = object()  # a list item (or its identity key) a strategic merge names: see _smp_leaves


@dataclass(slots=True)
class _Writer:
    selector: Any  # a Kustomize selector dict, or (kind, name) of a strategic-merge patch without target
    keys: dict[tuple[str, ...], list[tuple[Pattern, Location, Any]]]  # skeleton -> (pattern, where, value)
    notes: tuple[tuple[Location, str], ...] = ()
    rejects: tuple[Any, ...] = ()
    scope: frozenset[str] = frozenset()  # the kustomization folders whose resources it transforms

    def add(self, pattern: Pattern, loc: Location, value: Any = _ANY) -> None:
        """``value``: the scalar written (checked against the built value), else ``_ANY``."""
        self.keys.setdefault(_skeleton(pattern), []).append(
            (pattern, loc, value if value is ITEM else
             _ANY if isinstance(value, (YMap, YSeq)) or value is _ANY else _text(value)))

    def selects(self, res: Resource) -> bool | None:
        if isinstance(self.selector, tuple):
            kind, name = self.selector
            return (kind is None or kind == res.kind) and (name is None or name in res.names)
        verdict = matches_selector(self.selector, res)
        for reject in self.rejects:
            rejected = matches_selector(reject, res) if verdict is not False else False
            if rejected:
                return False
            if rejected is None:
                verdict = None  # maybe rejected: not claimed, said so
        return verdict

    def location(self, path: tuple[Element, ...], skeleton: tuple[str, ...], value: Any, added: bool
                 ) -> Location | None:
        for pattern, loc, written in reversed(self.keys.get(skeleton, ())):
            if written is ITEM and not added:
                continue
            if all(_element_matches(p, e) for p, e in zip(pattern, path, strict=True)) and (
                    written is _ANY or written is ITEM or isinstance(value, (YMap, YSeq)) or written == _text(value)):
                return loc  # a value written, then changed by what isolint does not follow: not this one
        return None


@dataclass(slots=True)
class _ImageWriter(_Writer):
    """An ``images:`` entry: it rewrites every container ``image`` of that name, in every resource."""

    name: str = ""
    at: Location | None = None

    def selects(self, res: Resource) -> bool | None:
        return True

    def location(self, path: tuple[Element, ...], skeleton: tuple[str, ...], value: Any, added: bool
                 ) -> Location | None:
        if path[-1] != "image" or not isinstance(value, str):
            return None
        repository = value.partition("@")[0]
        slash = repository.rfind("/")
        if ":" in repository[slash + 1:]:
            repository = repository[:repository.rfind(":")]
        return self.at if repository == self.name else None


@dataclass(frozen=True, slots=True)
class _Text:
    """A patch's text and how its positions map to the file that holds it."""

    text: str
    path: str  # as shown
    line: int = 0  # added to a line of the text
    column: int = 0  # added to a column of the text

    def loc(self, pos: Pos) -> Location:
        return Location(self.path, pos[0] + self.line, pos[1] + self.column)


_BLOCK = re.compile(r"^\|([1-9]?)[-+]?([1-9]?)[ \t]*(?:#.*)?$")


def block_scalar(lines: list[str], pos: Pos, value: str, after_key: bool) -> tuple[int, int] | None:
    """Where the literal block scalar ``value`` written at ``pos`` (its key's, or its list item's)
    starts: ``(line of the indicator, indentation of its text)``; None unless its lines, dedented,
    are exactly ``value`` (then each line of ``value`` is a line of the file)."""
    line = lines[pos[0] - 1] if 0 < pos[0] <= len(lines) else ""
    rest = line[pos[1] - 1:]
    if after_key:
        rest = rest.partition(":")[2]
    m = _BLOCK.match(rest.strip())
    if m is None:
        return None
    body = lines[pos[0]:]
    explicit = m.group(1) or m.group(2)
    if explicit:
        indent = len(line) - len(line.lstrip(" ")) + int(explicit)  # relative to the parent's indentation
    else:
        first = next((b for b in body if b.strip()), None)
        if first is None:
            return None
        indent = len(first) - len(first.lstrip(" "))
    taken = []
    for text in body:
        if text.strip() and len(text) - len(text.lstrip(" ")) < indent:
            break
        taken.append(text[indent:] if len(text) > indent else "")
    if "\n".join(taken).rstrip("\n") != value.rstrip("\n"):
        return None
    return pos[0], indent


class Writers:
    """The writers of a root's tree, in the order Kustomize applies them."""

    def __init__(self, graph: Any, folder: str, like: str) -> None:
        self.writers: list[_Writer] = []
        self.vars: dict[str, Location] = {}
        self.like = like
        self.files: dict[str, tuple[str, ...]] = {}  # the patch and replacement files read: their lines
        self.sources: list[tuple[_Writer, YMap, Pattern]] = []  # each replacement target: its source
        self.skeletons: set[tuple[str, ...]] = set()  # what any writer writes (a fast refusal)
        self.homes = {path: f for f, node in graph.nodes.items() for path in node.files}  # resource -> its folder
        for kfolder in _applied_order(graph, folder):
            before = len(self.writers)
            self._kustomization(graph.nodes[kfolder], kfolder)
            # a kustomization transforms what it includes only; a component, what its includer does
            parents = [p for p, n in graph.nodes.items() if kfolder in n.folders] \
                if graph.nodes[kfolder].doc.get("kind") == "Component" else [kfolder]
            scope = frozenset(f for p in parents for f in graph.closure(p))
            for writer in self.writers[before:]:
                writer.scope = scope
        self.skeletons = {k for writer in self.writers for k in writer.keys}
        self.images = any(isinstance(writer, _ImageWriter) for writer in self.writers)

    def _kustomization(self, node: Any, folder: str) -> None:
        doc, root = node.doc, node.root
        if not any(k in doc for k in ("patches", "patchesStrategicMerge", "patchesJson6902", "images",
                                      "replacements", "vars")):
            return
        try:
            real = contained(node.path, root)
            lines = read_text(real).splitlines()
        except ReadError:
            return
        own = _spelled(real, self.like)
        for key in ("patchesStrategicMerge", "patches", "patchesJson6902"):
            entries = doc.get(key)
            for i, entry in enumerate(entries if isinstance(entries, YSeq) else ()):
                if isinstance(entry, str) and "\n" in entry:  # patchesStrategicMerge, inline
                    self._inline(entry, entries.pos_of(i), lines, own, None, False)
                elif isinstance(entry, YMap) and isinstance(entry.get("patch"), str):
                    self._inline(entry["patch"], entry.pos_of("patch"), lines, own, entry.get("target"), True)
                else:
                    ref = entry.get("path") if isinstance(entry, dict) else entry
                    if isinstance(ref, str) and "\n" not in ref:  # a URL is no file here: not read
                        self._file(os.path.join(folder, ref), root, entry.get("target")
                                   if isinstance(entry, dict) else None)
        entries = doc.get("images")
        for entry in entries if isinstance(entries, YSeq) else ():
            field = next((k for k in ("newTag", "digest", "newName") if isinstance(entry, YMap) and k in entry), None)
            if field is not None and isinstance(entry.get("newName", entry.get("name")), str):
                pos = entry.pos_of(field)
                self.writers.append(_ImageWriter(None, {}, name=str(entry.get("newName", entry.get("name"))),
                                                 at=Location(own, pos[0], pos[1])))
        entries = doc.get("replacements")
        for entry in entries if isinstance(entries, YSeq) else ():
            ref = entry.get("path") if isinstance(entry, YMap) else None
            if isinstance(ref, str):
                self._replacements_file(os.path.join(folder, ref), root)
            elif isinstance(entry, YMap):
                self._replacement(entry, own)
        entries = doc.get("vars")
        for entry in entries if isinstance(entries, YSeq) else ():
            if isinstance(entry, YMap) and isinstance(entry.get("name"), str):
                pos = entry.pos_of("name")
                self.vars[entry["name"]] = Location(own, pos[0], pos[1])

    def _inline(self, value: str, pos: Pos, lines: list[str], own: str, target: Any, after_key: bool) -> None:
        start = block_scalar(lines, pos, value, after_key)
        if start is not None:
            self._patch(_Text(value, own, start[0], start[1]), target)
            return
        entry = Location(own, pos[0], pos[1])  # the lines are not countable: the entry, said so
        before = len(self.writers)
        self._patch(_Text(value, own), target)
        for writer in self.writers[before:]:
            writer.keys = {k: [(p, entry, value) for p, _, value in v] for k, v in writer.keys.items()}
            writer.notes = ((entry, INLINE_NOT_COUNTED),)

    def _file(self, path: str, root: str, target: Any) -> None:
        try:
            real = contained(path, root)
            text = _Text(read_text(real), _spelled(real, self.like))
            self.files[text.path] = tuple(text.text.splitlines())
            self._patch(text, target)
        except ReadError:
            return

    def _patch(self, text: _Text, target: Any) -> None:
        for doc, error in load_all(text.text):
            if error is not None:
                return
            if isinstance(doc, YSeq):  # JSON 6902
                writer = _Writer(target if isinstance(target, dict) else {"kind": "\0none"}, {})
                for op in doc:
                    if not isinstance(op, YMap) or not isinstance(op.get("path"), str):
                        continue
                    path = _pointer(op["path"])
                    if op.get("op") in ("add", "replace") and "value" in op:
                        writer.add(path, text.loc(op.pos_of("value")), op["value"])
                        for inner, pos, value in _all_written(op["value"], path):
                            writer.add(inner, text.loc(pos), value)
                    elif op.get("op") in ("copy", "move"):
                        writer.add(path, text.loc(op.pos_of("path")))
                self.writers.append(writer)
            elif isinstance(doc, YMap):
                meta = doc.get("metadata")
                selector = target if isinstance(target, dict) else (
                    doc.get("kind"), meta.get("name") if isinstance(meta, dict) else None)
                writer = _Writer(selector, {})
                for pattern, pos, value in _smp_leaves(doc, ()):
                    writer.add(pattern, text.loc(pos), value)
                self.writers.append(writer)

    def _replacements_file(self, path: str, root: str) -> None:
        try:
            real = contained(path, root)
            text = read_text(real)
        except ReadError:
            return
        self.files[_spelled(real, self.like)] = tuple(text.splitlines())
        for doc, error in load_all(text):
            if error is not None:
                return
            for entry in doc if isinstance(doc, YSeq) else [doc]:
                if isinstance(entry, YMap):
                    self._replacement(entry, _spelled(real, self.like))

    def _replacement(self, entry: YMap, own: str) -> None:
        source = entry.get("source")
        if not isinstance(source, YMap):
            return
        spos = entry.pos_of("source")
        described = "/".join(str(source.get(k)) for k in ("kind", "name") if isinstance(source.get(k), str))
        field_path = source.get("fieldPath", "metadata.name")
        note = (Location(own, spos[0], spos[1]), f"{REPLACED_FROM} {described} {field_path}")
        targets = entry.get("targets")
        for target in targets if isinstance(targets, YSeq) else ():
            paths = target.get("fieldPaths") if isinstance(target, YMap) else None
            if not isinstance(paths, YSeq):
                continue
            rejects = target.get("reject")
            writer = _Writer(target.get("select") if isinstance(target.get("select"), dict) else {}, {}, (note,),
                             tuple(rejects) if isinstance(rejects, list) else ())
            self.sources.append((writer, source, _field_path(str(field_path))))
            for i, field_path in enumerate(paths):
                if isinstance(field_path, str):
                    pos = paths.pos_of(i)
                    writer.add(_field_path(field_path), Location(own, pos[0], pos[1]))
            self.writers.append(writer)

    def location(self, res: Resource, path: tuple[Element, ...], value: Any,
                 added: bool = False) -> tuple[Location, tuple] | None:
        """Where the last writer that selects ``res`` and writes ``path`` (as ``value``) writes it; a
        location with no line (``line`` 0) when the writer that may have written it is not sure to
        select it. ``added``: the origin does not hold the list item, the item a patch names counts."""
        skeleton = _skeleton(path)
        if skeleton not in self.skeletons and not (self.images and path[-1] == "image"):
            return None  # no writer writes a key of this shape (most keys): nothing to ask
        for writer in reversed(self.writers):
            if res.home is not None and res.home not in writer.scope:
                continue
            found = writer.location(path, skeleton, value, added)
            if found is None:
                continue
            selected = writer.selects(res)
            if selected:
                return found, writer.notes
            if selected is None:
                return Location(found.path, 0), ((found, MAY_REPLACE),)
        return None


def _applied_order(graph: Any, folder: str) -> list[str]:
    """The kustomization folders of the root's tree, each after those it includes (in order)."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen or current not in graph.nodes:
            return
        seen.add(current)
        for included in graph.nodes[current].folders:
            visit(included)
        out.append(current)

    visit(folder)
    return out


# -- the built stream -------------------------------------------------------------------------------
def parse_built(model: FileModel, graph: Any, folder: str, output: str | list[YMap], base: str, like: str) -> None:
    """The model of a root's build: ``output``, the binary's text or the in-process build's
    documents (:func:`isolint.render.kustomize_native.build`), each position mapped."""
    from ..parsers.kubernetes import KEPT_KINDS, parse_documents
    from ..prescan import load_documents

    writers = Writers(graph, folder, like)
    built_by = ((Location(like, 1), f"{BUILT_BY} {os.path.basename(os.path.dirname(os.path.abspath(like)))}"),)
    root = graph.nodes[folder].root
    if writers.sources:
        _source_lines(writers, output, base, root, like)
    built = load_documents(output, KEPT_KINDS) if isinstance(output, str) else ((d, None) for d in output)
    for index, (doc, error) in enumerate(built):
        if error is not None:
            model.errors.append(ParseError(like, f"the build's output is not valid YAML: {error.message}", 1))
            break
        if not isinstance(doc, YMap):
            continue
        origin_path = _origin(doc)
        origin_path = _in_tree(base, origin_path) if origin_path else None
        origin = _origin_file(origin_path, root, like) if origin_path is not None else None
        inflated = _inflated(doc, graph, base, like, built_by) if origin is None else None
        if inflated is not None:  # from a chart (helmCharts): at the kustomization's entry, said so
            reader = _BuiltReader(inflated.path, lambda pos, key=False, at=inflated: at)
        else:
            reader = _BuiltReader(origin.path if origin is not None else like,
                                  _mapper(doc, origin, writers, built_by, like))
        parse_documents(reader, model, [(index, doc)])
        model.errors.extend(reader.errors)
        if origin is not None:
            model.mapped.setdefault(origin.path, tuple(origin.lines))
    model.mapped.update(writers.files)
    model.mapped.pop(model.path, None)  # its own lines are the model's


def _source_lines(writers: Writers, output: str | list[YMap], base: str, root: str, like: str) -> None:
    """Add to each replacement the line of its source field, in the source resource's origin file
    (the whole build is read for it: a source is often a ConfigMap, which the linting pass skips)."""
    for doc, error in load_all(output) if isinstance(output, str) else ((d, None) for d in output):
        meta = doc.get("metadata") if isinstance(doc, YMap) else None
        raw = _origin(doc) if error is None and isinstance(meta, dict) else None
        origin = _origin_file(path, root, like) if raw and (path := _in_tree(base, raw)) else None
        found = origin.document(doc.get("kind"), meta.get("name")) if origin is not None else None
        if found is None:
            continue
        resource = _resource(doc, meta, found[0])
        for writer, source, pattern in writers.sources:
            if matches_selector(source, resource) is not True:
                continue
            for path, _, _ in _rich_positions(doc, ()):
                place = found[2].get(_same_place(path)) if len(path) == len(pattern) and all(
                    _element_matches(p, e) for p, e in zip(pattern, path, strict=True)) else None
                if place is not None:
                    writer.notes = (*writer.notes, (Location(origin.path, place[0], place[1]), SOURCE_FIELD))
                    break


class _BuiltReader(MappedReader):
    """A reader whose locations are mapped from the build's output into the files that wrote it."""

    def __init__(self, path: str, locate: Any) -> None:
        super().__init__(path, "built kustomization", locate)

    def key_loc(self, mapping: YMap, key: str) -> Location:
        return self.locate(mapping.pos_of(key), True)


ORIGINS: dict[str, _Origin | None] = {}  # per process: a base's file is indexed once for all its overlays


def _origin_file(path: str, root: str, like: str) -> _Origin | None:
    real = real_path(path)
    key = _spelled(real, like)
    if key not in ORIGINS:
        try:
            ORIGINS[key] = _Origin(key, read_text(contained(path, root)), cached(real))
        except ReadError:
            ORIGINS[key] = None
    return ORIGINS[key]


def _in_tree(common: str, origin: str) -> str | None:
    """The user's file an origin path of the build names (relative to the wrapper, ``../src/...``)."""
    rel = os.path.normpath(os.path.join("wrap", origin))
    if rel != "src" and not rel.startswith("src" + os.sep):
        return None
    return os.path.normpath(os.path.join(common, os.path.relpath(rel, "src")))


def _origin(doc: YMap, key: str = "path:") -> str | None:
    """The origin path a built resource names (``config.kubernetes.io/origin``); with ``key``
    ``configuredIn:``, the kustomization whose generator made it."""
    meta = doc.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    raw = annotations.get("config.kubernetes.io/origin") if isinstance(annotations, dict) else None
    for line in raw.splitlines() if isinstance(raw, str) else ():
        if line.startswith(key):
            return line[len(key):].strip().strip("'\"")
    return None


def _inflated(doc: YMap, graph: Any, base: str, like: str, built_by: tuple) -> MappedLocation | None:
    """Where a resource Kustomize's Helm inflation made points: the ``helmCharts`` entry of the
    kustomization that configured it (its only entry, else the ``helmCharts`` key), with a note."""
    raw = _origin(doc)
    configured = _origin(doc, "configuredIn:") if raw is None else None
    path = _in_tree(base, configured) if configured else None
    node = graph.nodes.get(os.path.dirname(os.path.realpath(path))) if path else None
    charts = node.doc.get("helmCharts") if node is not None else None
    if not isinstance(charts, YSeq) or "HelmChartInflationGenerator" not in str(
            doc["metadata"]["annotations"].get("config.kubernetes.io/origin")):
        return None
    pos = charts.pos_of(0) if len(charts) == 1 else node.doc.pos_of("helmCharts")
    shown = _spelled(os.path.realpath(node.path), like)
    at = Location(shown, pos[0], pos[1])
    return MappedLocation(shown, pos[0], pos[1], ((at, HELM_INFLATED), *built_by))


class _Origin:
    """A resource file: each document's first line, kind and name, and its keys and items by the
    path they are found at (:func:`_same_place`), built when first asked."""

    def __init__(self, path: str, text: str, docs: list[Any] | None = None) -> None:
        """``docs``: the file's documents as the in-process build read them (at the same lines), not
        parsed again (the corpus's origin files in one process: 0.045 s, 0.009 s with them)."""
        self.path = path
        self.lines = tuple(text.splitlines())
        self.docs: list[tuple[int, Any, Any, YMap]] = []  # (first line, kind, name, document)
        self._places: dict[int, dict[tuple[Any, ...], Pos]] = {}
        for doc in docs if docs is not None else (d for d, error in load_all(text) if error is None):
            if isinstance(doc, YMap):
                meta = doc.get("metadata")
                self.docs.append((doc.pos[0], doc.get("kind"), meta.get("name") if isinstance(meta, dict) else None,
                                  doc))

    def document(self, kind: Any, name: Any) -> tuple[Any, int, dict[tuple[Any, ...], Pos]] | None:
        """The built resource ``kind``/``name``'s document here (a prefix or suffix added to its
        name): its original name, first line and places."""
        same = [d for d in self.docs if d[1] == kind]
        exact = [d for d in same if d[2] == name] or [d for d in same if isinstance(d[2], str) and
                                                       isinstance(name, str) and d[2] in name]
        chosen = exact[0] if len(exact) == 1 else same[0] if len(same) == 1 else None
        if chosen is None:
            return None
        places = self._places.get(chosen[0])
        if places is None:
            places = self._places[chosen[0]] = {}
            for path, pos, _ in _rich_positions(chosen[3], ()):
                places.setdefault(_same_place(path), pos)
        return chosen[2], chosen[0], places


def _resource(doc: YMap, meta: dict, original: Any, home: str | None = None) -> Resource:
    names = frozenset(n for n in (meta.get("name"), original) if isinstance(n, str))
    labels, annotations = meta.get("labels"), meta.get("annotations")
    return Resource(doc.get("kind"), names, meta.get("namespace"), labels if isinstance(labels, dict) else {},
                    annotations if isinstance(annotations, dict) else {}, doc.get("apiVersion"), home)


def _mapper(doc: YMap, origin: _Origin | None, writers: Writers,
            built_by: tuple[tuple[Location, str], ...], like: str) -> Callable[[Pos], Location]:
    meta = doc.get("metadata")
    if not isinstance(meta, dict):  # a stub (isolint.prescan): nothing in it is ever located
        return lambda pos, key=False: Location(like, 1)
    kind, name = doc.get("kind"), meta.get("name")
    found = origin.document(kind, name) if origin is not None else None
    original, first, places = found if found is not None else (name, 1, {})
    resource = _resource(doc, meta, original, writers.homes.get(real_path(origin.path))
                         if origin is not None else None)
    # a list item and its first key are written at one place of the build (``- emptyDir: {}``, the
    # build sorts keys) but not of the origin: the parser asks for a key (key_loc) or a node (loc)
    keys: dict[Pos, tuple[tuple[Element, ...], Any]] = {}
    items: dict[Pos, tuple[tuple[Element, ...], Any]] = {}
    for rich_path, pos, value in _rich_positions(doc, ()):
        (keys if isinstance(rich_path[-1], str) else items).setdefault(pos, (rich_path, value))
    where = origin.path if origin is not None else like
    fallback = (Location(where, first), NOT_FOUND_HERE)

    def locate(pos: Pos, key: bool = False) -> Location:
        known = (keys.get(pos) or items.get(pos)) if key else (items.get(pos) or keys.get(pos))
        if known is None:
            return MappedLocation(where, first, None, (fallback, *built_by))
        hit = writers.location(resource, *known) if writers.writers else None
        if hit is not None:
            loc, notes = hit
            if loc.line:
                return MappedLocation(loc.path, loc.line, loc.column, (*notes, *built_by))
            return MappedLocation(where, first, None, (fallback, *notes, *built_by))
        written = places.get(_same_place(known[0]))
        if written is not None:
            return MappedLocation(where, written[0], written[1], (*_var_notes(origin, writers, written[0]), *built_by))
        hit = writers.location(resource, *known, added=True) if writers.writers else None
        if hit is not None and hit[0].line:  # a list item the origin does not hold: the patch that adds it
            return MappedLocation(hit[0].path, hit[0].line, hit[0].column, (*hit[1], *built_by))
        return MappedLocation(where, first, None, (fallback, *built_by))

    return locate


def _var_notes(origin: _Origin | None, writers: Writers, line: int) -> tuple[tuple[Location, str], ...]:
    if not writers.vars or origin is None or not 0 < line <= len(origin.lines):
        return ()
    text = origin.lines[line - 1]
    return tuple((loc, f"{VAR_FROM} ({name})") for name, loc in writers.vars.items() if f"$({name})" in text)
