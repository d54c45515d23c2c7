"""Writes fixes into files: a rule's :class:`~isolint.fixes.Fix` becomes a text edit.

Everything outside the edited lines stays byte for byte as it was (comments, key order, quoting,
indentation, flow or block style, CRLF). The edits of one file are planned together, so that two
fixes that both need ``securityContext`` in one container write one ``securityContext``:

1. each fix is resolved against the file's YAML nodes (positions from PyYAML's composer, whose
   marks are character offsets into the text, libyaml's as the pure-Python one's) or the
   Dockerfile's stages;
2. the keys a fix sets are walked as far as they exist; a scalar that exists is replaced, what is
   missing is collected per deepest existing mapping and written there as one indented block
   after that mapping's last line;
3. overlapping edits are a conflict: the later one is left for the next round;
4. the new text must load again, and load to what was set, or the file is left alone.

:func:`fix_texts` does one round; the ``fix`` command (:func:`run_fix`) repeats rounds, re-linting
the written files, until nothing changes (at most ``MAX_ROUNDS``), as ruff does.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import yaml

from .fixes import Edit, Fix
from .parsers.operators import writes_pod_spec
from .render import chart_of

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's marks are character offsets too

MAX_ROUNDS = 5
PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:=-]*")
ALIAS = re.compile(r"\*[^\s,\[\]{}]+")  # an alias token, ``*name``
RESOLVES = re.compile(r"(?i)(y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_.:eE+-]*|\.inf|\.nan)")


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace ``text[start:end]`` by ``new`` (``start == end``: an insertion)."""

    start: int
    end: int
    new: str
    depth: int = 0  # inserts at one offset: the deeper block goes first


@dataclass(slots=True)
class Planned:
    """What one round does to one file."""

    path: str
    before: str
    after: str
    applied: list[Fix] = field(default_factory=list)
    skipped: list[tuple[Fix, str]] = field(default_factory=list)  # and why
    edits: list[TextEdit] = field(default_factory=list)


class _Unfixable(Exception):
    pass


# ------------------------------------------------------------------------------------------
# YAML: nodes by position
# ------------------------------------------------------------------------------------------
class _Nodes:
    """The nodes of a YAML stream by start position, with what holds them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at: dict[tuple[int, int], list[yaml.Node]] = {}
        self.value_of: dict[int, yaml.Node] = {}  # id(key node) -> value node
        self.parent: dict[int, yaml.Node] = {}  # id(node) -> mapping or sequence holding it
        self.seen: dict[int, int] = {}  # id(node) -> how often it is reached (aliases: more than once)
        for doc in yaml.compose_all(text, Loader=LOADER):
            if doc is not None:
                self._walk(doc, None)

    def _walk(self, node: yaml.Node, parent: yaml.Node | None) -> None:
        self.seen[id(node)] = self.seen.get(id(node), 0) + 1
        if self.seen[id(node)] > 1:
            return
        self.at.setdefault((node.start_mark.line + 1, node.start_mark.column + 1), []).append(node)
        if parent is not None:
            self.parent[id(node)] = parent
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._walk(key, node)
                self.value_of[id(key)] = value
                self._walk(value, node)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._walk(item, node)

    def _candidates(self, line: int, column: int | None) -> list[yaml.Node]:
        if column is not None and (line, column) in self.at:
            return self.at[(line, column)]
        on_line = [n for (ln, _), nodes in self.at.items() if ln == line for n in nodes]
        return on_line if column is None or len({n.start_mark.column for n in on_line}) == 1 else []

    def mapping(self, line: int, column: int | None, keyed: bool = False) -> yaml.MappingNode:
        """The mapping written at a position: a mapping that starts there (a Kubernetes container,
        an item of its list), or with ``keyed`` the value of the key written there (a Compose
        service is positioned at its name, where the ``services`` mapping starts too)."""
        candidates = self._candidates(line, column)
        for node in candidates:
            value = self.value_of.get(id(node)) if keyed else node
            if isinstance(value, yaml.MappingNode):
                return self.own(value)
        if not keyed:  # a rendered mapping's first key is not always the source's (Kustomize sorts keys)
            for node in candidates:
                parent = self.parent.get(id(node))
                if id(node) in self.value_of and isinstance(parent, yaml.MappingNode):
                    return self.own(parent)
        raise _Unfixable("no mapping written there")

    def pod(self, line: int, column: int | None) -> yaml.MappingNode:
        container = self.mapping(line, column)
        items = self.parent.get(id(container))
        pod = self.parent.get(id(items)) if isinstance(items, yaml.SequenceNode) else None
        if not isinstance(pod, yaml.MappingNode):
            raise _Unfixable("the container is not an item of a pod's container list")
        return self.own(pod)

    def scalar(self, line: int, column: int | None) -> yaml.ScalarNode:
        for node in self._candidates(line, column):
            value = self.value_of.get(id(node), node)
            if isinstance(value, yaml.ScalarNode):
                if self.shared(value):
                    raise _Unfixable("the value is shared through a YAML anchor: editing it would change every user")
                return value
        raise _Unfixable("no scalar written there")

    def shared(self, node: yaml.Node | None) -> bool:
        """Whether the node, or a collection holding it, is reached through an alias too."""
        while node is not None:
            if self.seen.get(id(node), 0) > 1:
                return True
            node = self.parent.get(id(node))
        return False

    def own(self, node: yaml.MappingNode) -> yaml.MappingNode:
        if self.shared(node):
            raise _Unfixable("the mapping is shared through a YAML anchor: editing it would change every user")
        if any(isinstance(k, yaml.ScalarNode) and k.value == "<<" for k, _ in node.value):
            raise _Unfixable("the mapping merges an anchor (<<): edit it by hand")
        return node


def _get(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _content_end(node: yaml.Node, text: str) -> int:
    """The offset just after the last character the node writes (trailing line breaks of block
    scalars and the end marks of block collections, which sit on the next token, left out).

    An alias (``*name``) is written where it stands but composes to the anchored node, which
    stands earlier in the text: its end is the end of the ``*name`` token."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        child = last[1] if isinstance(last, tuple) else last
        if child.start_mark.index < node.start_mark.index:  # an alias
            before = last[0].end_mark.index if isinstance(last, tuple) else \
                (_content_end(node.value[-2], text) if len(node.value) > 1 else node.start_mark.index)
            match = ALIAS.search(text, before)
            if match is None:
                raise _Unfixable("cannot find the end of an alias")
            return match.end()
        node = child
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, offset: int) -> int:
    """The offset of the start of the line after ``offset`` (or the end of the text)."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _render(value: object, flow: bool = False, quoted: bool = False) -> str:
    """A scalar as YAML writes it plainly where it can (``quoted``: always JSON's spelling)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not quoted and PLAIN.fullmatch(text) and not RESOLVES.fullmatch(text) and not (flow and ":" in text):
        return text
    return json.dumps(text)


def _step(mapping: yaml.MappingNode, nodes: _Nodes) -> int:
    """The indentation step the file uses: a block mapping nested in a block mapping below this
    one, else above it; 2 when nothing shows it."""
    def nested(node: yaml.Node) -> int | None:
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for _, value in node.value:
                if isinstance(value, yaml.MappingNode) and not value.flow_style and value.value \
                        and value.start_mark.column > node.start_mark.column:
                    return value.start_mark.column - node.start_mark.column
        return None

    queue: list[yaml.Node] = [mapping]
    while queue:
        node = queue.pop(0)
        found = nested(node)
        if found:
            return found
        if isinstance(node, yaml.MappingNode):
            queue.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            queue.extend(node.value)
    parent = nodes.parent.get(id(mapping))
    while parent is not None:
        found = nested(parent)
        if found:
            return found
        parent = nodes.parent.get(id(parent))
    return 2


def _block(tree: Mapping[str, object], indent: int, step: int, newline: str) -> str:
    """Nested keys as a block: ``tree`` maps a key to a subtree, a scalar or ``[items]``."""
    out = []
    pad = " " * indent
    for key, value in tree.items():
        if isinstance(value, dict):
            out.append(f"{pad}{key}:{newline}{_block(value, indent + step, step, newline)}")
        elif isinstance(value, list):
            items = "".join(f"{pad}{' ' * step}- {_render(v)}{newline}" for v in value)
            out.append(f"{pad}{key}:{newline}{items}")
        else:
            out.append(f"{pad}{key}: {_render(value)}{newline}")
    return "".join(out)


def _flow(tree: Mapping[str, object], quoted: bool) -> str:
    """Nested keys in flow style, for a mapping written ``{...}`` (``quoted``: in a JSON file)."""
    parts = []
    for key, value in tree.items():
        name = json.dumps(key) if quoted else key
        if isinstance(value, dict):
            parts.append(f"{name}: {{{_flow(value, quoted)}}}")
        elif isinstance(value, list):
            parts.append(f"{name}: [{', '.join(_render(v, True, quoted) for v in value)}]")
        else:
            parts.append(f"{name}: {_render(value, True, quoted)}")
    return ", ".join(parts)


def _dash_column(text: str, item: yaml.Node) -> int:
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    dash = text.find("-", start, item.start_mark.index)
    if dash < 0:
        raise _Unfixable("cannot find the list's dash")
    return dash - start


class _YamlPlan:
    """The edits of one YAML file, merged: one block per mapping that gains keys."""

    def __init__(self, text: str, keyed: bool, nodes: _Nodes | None = None) -> None:
        self.text = text
        self.keyed = keyed  # anchors are keys (Compose services), not the mappings themselves
        self.json = text.lstrip().startswith(("{", "["))  # a JSON manifest: JSON is written into it
        self.nodes = nodes or _Nodes(text)
        self.newline = _newline(text)
        self.edits: list[TextEdit] = []
        self.blocks: dict[int, tuple[yaml.MappingNode, dict[str, object]]] = {}
        self.checks: list[tuple[Fix, tuple[str, ...], object]] = []

    def add(self, fix: Fix) -> None:
        line, column = fix.anchor.line, fix.anchor.column
        if fix.edit is Edit.REPLACE:
            node = self.nodes.scalar(line, column)
            self._replace(node, fix.value)
            return
        mapping = self.nodes.pod(line, column) if fix.pod else self.nodes.mapping(line, column, self.keyed)
        path = list(fix.path)
        while path:
            child = _get(mapping, path[0])
            if child is None:
                break
            if len(path) == 1:
                if fix.edit is Edit.SET:
                    if not isinstance(child, yaml.ScalarNode):
                        raise _Unfixable(f"{path[0]} is not a single value")
                    self._replace(child, fix.value)
                else:
                    self._append(child, fix.value)
                return
            if not isinstance(child, yaml.MappingNode):
                raise _Unfixable(f"{path[0]} is not a mapping")
            mapping = self.nodes.own(child)
            path.pop(0)
        if not mapping.flow_style and not mapping.value:
            raise _Unfixable("empty mapping")
        _, tree = self.blocks.setdefault(id(mapping), (mapping, {}))
        for key in path[:-1]:
            sub = tree.setdefault(key, {})
            if not isinstance(sub, dict):
                raise _Unfixable(f"two fixes disagree about {key}")
            tree = sub
        last = path[-1]
        if fix.edit is Edit.APPEND:
            items = tree.setdefault(last, [])
            if not isinstance(items, list):
                raise _Unfixable(f"two fixes disagree about {last}")
            if fix.value not in items:
                items.append(fix.value)
        elif tree.get(last, fix.value) != fix.value:
            raise _Unfixable(f"two fixes disagree about {last}")
        else:
            tree[last] = fix.value

    def _replace(self, node: yaml.ScalarNode, value: object) -> None:
        flow = self._in_flow(node)
        new = _render(value, flow, self.json and node.style == '"')
        old = self.text[node.start_mark.index:node.end_mark.index]
        if old != new and yaml.safe_load(old) != value:
            self.edits.append(TextEdit(node.start_mark.index, node.end_mark.index, new))

    def _in_flow(self, node: yaml.Node) -> bool:
        parent = self.nodes.parent.get(id(node))
        return bool(parent is not None and parent.flow_style)

    def _append(self, seq: yaml.Node, value: object) -> None:
        if not isinstance(seq, yaml.SequenceNode):
            raise _Unfixable("not a list")
        if any(isinstance(i, yaml.ScalarNode) and i.value == value for i in seq.value):
            return
        if seq.flow_style:
            close = seq.end_mark.index - 1
            if self.text[close] != "]":
                raise _Unfixable("cannot find the end of the list")
            at = seq.value[-1].end_mark.index if seq.value else close
            self.edits.append(TextEdit(at, at, (", " if seq.value else "") + _render(value, True, self.json)))
            return
        if not seq.value:
            raise _Unfixable("empty block list")
        last = seq.value[-1]
        column = _dash_column(self.text, last)
        at = _line_end(self.text, _content_end(last, self.text))
        prefix = self.newline if at == len(self.text) and not self.text.endswith("\n") else ""
        self.edits.append(TextEdit(at, at, f"{prefix}{' ' * column}- {_render(value)}{self.newline}", column))

    def finish(self) -> list[TextEdit]:
        for mapping, tree in self.blocks.values():
            if mapping.flow_style:  # after the last value, on its line
                close = mapping.end_mark.index - 1
                if self.text[close] != "}":
                    raise _Unfixable("cannot find the end of the mapping")
                at = mapping.value[-1][1].end_mark.index if mapping.value else close
                self.edits.append(TextEdit(at, at, (", " if mapping.value else "") + _flow(tree, self.json)))
                continue
            indent = mapping.start_mark.column
            at = _line_end(self.text, _content_end(mapping, self.text))
            prefix = self.newline if at == len(self.text) and not self.text.endswith("\n") else ""
            block = _block(tree, indent, _step(mapping, self.nodes), self.newline)
            self.edits.append(TextEdit(at, at, prefix + block, indent))
        return self.edits


# ------------------------------------------------------------------------------------------
# Dockerfile: instructions after a stage's last line
# ------------------------------------------------------------------------------------------
def _dockerfile_edit(path: str, text: str, fix: Fix) -> TextEdit:
    from .parsers.dockerfile import parse_dockerfile

    model = parse_dockerfile(path, text)
    image = next((w.image for w in model.workloads if w.image is not None), None)
    if image is None:
        raise _Unfixable("the Dockerfile did not parse")
    for stage in image.stages:
        if stage.loc.line == fix.anchor.line:
            lines = [i.end_line or i.loc.line for i in stage.instructions] or [stage.loc.line]
            at = 0
            for _ in range(max(lines)):  # the start of the line after the stage's last one
                at = _line_end(text, at)
            newline = _newline(text)
            prefix = newline if at == len(text) and text and not text.endswith("\n") else ""
            return TextEdit(at, at, f"{prefix}{fix.value}{newline}")
    raise _Unfixable("no stage starts there")


# ------------------------------------------------------------------------------------------
# One round over one file
# ------------------------------------------------------------------------------------------
def plan_file(path: str, text: str, fixes: Sequence[Fix], keyed: bool = False, nodes: _Nodes | None = None
              ) -> Planned:
    """Apply ``fixes`` to one file's ``text`` (no conflicts, loads again) and say what was done.

    A file takes Dockerfile instructions or YAML edits; ``keyed``: YAML anchors are the keys of the
    mappings to edit (Compose services), not the mappings."""
    planned = Planned(path, text, text)
    edits: list[tuple[TextEdit, list[Fix]]] = []
    dockerfile = all(f.edit is Edit.INSTRUCTION for f in fixes)
    if dockerfile:
        for fix in _unique(fixes):
            try:
                edits.append((_dockerfile_edit(path, text, fix), [fix]))
            except _Unfixable as exc:
                planned.skipped.append((fix, str(exc)))
    else:
        try:
            plan = _YamlPlan(text, keyed, nodes)
        except yaml.YAMLError as exc:
            planned.skipped.extend((f, f"the file does not load: {exc.problem}") for f in fixes)
            return planned
        taken: list[Fix] = []
        for fix in _unique(fixes):
            try:
                plan.add(fix)
                taken.append(fix)
            except _Unfixable as exc:
                planned.skipped.append((fix, str(exc)))
        edits = [(e, taken) for e in plan.finish()]
    chosen: list[TextEdit] = []
    applied: list[Fix] = []
    for edit, by in sorted(edits, key=lambda e: (e[0].start, -e[0].depth)):
        if any(_overlap(edit, c) for c in chosen):
            planned.skipped.extend((f, "conflicts with another fix: next round") for f in by)
            continue
        chosen.append(edit)
        applied.extend(f for f in by if f not in applied)
    after = apply_edits(text, chosen)
    if not dockerfile and after != text:
        try:
            list(yaml.compose_all(after, Loader=LOADER))
        except yaml.YAMLError as exc:
            planned.skipped.extend((f, f"the fixed file would not load ({exc}): left alone") for f in applied)
            return planned
    planned.after = after
    planned.applied = applied if after != text else []
    planned.edits = chosen if after != text else []
    return planned


def _unique(fixes: Sequence[Fix]) -> list[Fix]:
    """One of each fix (the same place may be named through two spellings of the file's path)."""
    seen: dict[tuple[object, ...], Fix] = {}
    for f in fixes:
        seen.setdefault(_key(f), f)
    return list(seen.values())


def _key(fix: Fix) -> tuple[object, ...]:
    return fix.edit, fix.anchor.line, fix.anchor.column, fix.path, fix.value, fix.pod


def _same_files(by_path: dict[str, list]) -> dict[str, list]:
    """Paths that name one file (``svc/./Dockerfile`` and ``svc/Dockerfile``) merged."""
    merged: dict[str, list] = {}
    names: dict[str, str] = {}
    for path, found in by_path.items():
        real = os.path.realpath(path)
        merged.setdefault(names.setdefault(real, path), []).extend(found)
    return merged


def _overlap(a: TextEdit, b: TextEdit) -> bool:
    """Whether two edits touch the same text (inserts at one offset do not: they go in depth order)."""
    return a.start < b.end and b.start < a.end


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """The text with non-overlapping edits applied (inserts at one offset in the given order)."""
    out = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, -e.depth)):
        out.append(text[position:edit.start])
        out.append(edit.new)
        position = max(position, edit.end)
    out.append(text[position:])
    return "".join(out)


def unified_diff(planned: Planned) -> str:
    return "".join(difflib.unified_diff(planned.before.splitlines(keepends=True),
                                        planned.after.splitlines(keepends=True),
                                        f"a/{os.path.normpath(planned.path).lstrip('/')}",
                                        f"b/{os.path.normpath(planned.path).lstrip('/')}"))


# ------------------------------------------------------------------------------------------
# The ``fix`` command
# ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class FixRun:
    """What ``isolint fix`` did: files it changed (path -> original text, final text)."""

    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    fixed: dict[str, int] = field(default_factory=dict)  # rule code -> findings fixed
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, place, why)
    unsafe_available: int = 0  # fixes left out without --unsafe-fixes
    # findings in Helm templates, never rewritten: (rule, place, the change, where its value is set)
    templates: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    remaining: list = field(default_factory=list)  # diagnostics after the last round


def fixable(diagnostics: Iterable, rules: Mapping[str, object], unsafe: bool) -> tuple[list, int]:
    """The diagnostics whose fix applies (safe ones; unsafe ones too with ``unsafe``), and how many
    unsafe ones were left out."""
    from .fixes import Applicability

    chosen, left_out = [], 0
    for d in diagnostics:
        applicability = getattr(rules.get(d.rule), "fix", None)
        if d.fix is None or applicability is None:
            continue
        if applicability is Applicability.UNSAFE and not unsafe:
            left_out += 1
            continue
        chosen.append(d)
    return chosen, left_out


OPERATOR_POD = "the operator builds this pod out of fields of its own: set the pod-level field where it takes it"


def _operator_pod(d) -> bool:
    """A pod-level fix of a pod an operator builds (a Tekton Task's steps, an Argo template): the
    container's list is no pod spec, so the field would land where it means nothing."""
    resource = getattr(d, "resource", None)
    return d.fix.pod and resource is not None and not writes_pod_spec(resource.kind)


def _in_template(d) -> tuple[str, str, str, str | None]:
    """A finding rendered from a Helm template: what the rendered manifest needs, and where the chart
    takes the value from when the mapping found it (the values file's line)."""
    values = next((f"{loc.path}:{loc.line}" for loc, note in d.related if "values" in note), None)
    return d.rule, f"{d.location.path}:{d.location.line}", d.fix.describe(), values


def fix_paths(lint, read, write, unsafe: bool, diff_only: bool) -> FixRun:
    """Rounds of lint -> plan -> write until a round changes nothing.

    ``lint()`` returns the run's shown diagnostics (suppressed and baselined ones are not there, so
    they are never fixed) and the rules' metadata by code; ``read(path)`` the current text of a file;
    ``write(path, text)`` stores a fixed one. With ``diff_only`` one round is planned and nothing
    is written.
    """
    outcome = FixRun()
    texts: dict[str, str] = {}
    for _ in range(1 if diff_only else MAX_ROUNDS):
        diagnostics, metas = lint()
        chosen, outcome.unsafe_available = fixable(diagnostics, metas, unsafe)
        outcome.remaining = list(diagnostics)
        by_path: dict[str, list] = {}
        outcome.templates = []
        for d in chosen:
            if chart_of(d.fix.anchor.path) or chart_of(d.location.path):
                outcome.templates.append(_in_template(d))
            elif _operator_pod(d):
                outcome.skipped.append((d.rule, f"{d.fix.anchor.path}:{d.fix.anchor.line}", OPERATOR_POD))
            else:
                by_path.setdefault(d.fix.anchor.path, []).append(d)
        progress = False
        for path, found in sorted(_same_files(by_path).items()):
            text = texts[path] if path in texts else read(path)
            if text is None:
                continue
            planned = plan_file(path, text, [d.fix for d in found], found[0].format == "compose")
            for fix, why in planned.skipped:
                if why.endswith("next round"):
                    continue
                code = next(d.rule for d in found if d.fix == fix)
                outcome.skipped.append((code, f"{path}:{fix.anchor.line}", why))
            if planned.after == text:
                continue
            progress = True
            original = outcome.changed.get(path, (text, text))[0]
            outcome.changed[path] = (original, planned.after)
            texts[path] = planned.after
            applied = {_key(f) for f in planned.applied}
            for d in found:
                if _key(d.fix) in applied:
                    outcome.fixed[d.rule] = outcome.fixed.get(d.rule, 0) + 1
            if not diff_only:
                write(path, planned.after)
        if not progress:
            break
    outcome.skipped = sorted(set(outcome.skipped))
    outcome.templates = sorted(set(outcome.templates), key=lambda t: (t[1], t[0], t[2]))
    return outcome


# ------------------------------------------------------------------------------------------
# SARIF ``fixes``: the same edits, for editors and review tools
# ------------------------------------------------------------------------------------------
class SarifFixes:
    """A finding's fix as SARIF ``fixes`` (each fix planned alone; each file read and parsed once)."""

    def __init__(self, read) -> None:
        self.read = read  # path -> text or None
        self.texts: dict[str, str | None] = {}
        self.nodes: dict[str, _Nodes | None] = {}

    def of(self, d, artifact: dict, applicability: str) -> list[dict] | None:
        fix = d.fix
        if fix is None or _operator_pod(d):
            return None
        path = fix.anchor.path
        if path not in self.texts:
            self.texts[path] = self.read(path)
        text = self.texts[path]
        if text is None:
            return None
        nodes = None
        if fix.edit is not Edit.INSTRUCTION:
            if path not in self.nodes:
                try:
                    self.nodes[path] = _Nodes(text)
                except yaml.YAMLError:
                    self.nodes[path] = None
            nodes = self.nodes[path]
            if nodes is None:
                return None
        planned = plan_file(path, text, [fix], d.format == "compose", nodes)
        if not planned.edits:
            return None
        replacements = [{"deletedRegion": _region(text, e.start, e.end), "insertedContent": {"text": e.new}}
                        for e in planned.edits]
        return [{"description": {"text": fix.describe()},
                 "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
                 "properties": {"applicability": applicability}}]


def _region(text: str, start: int, end: int) -> dict[str, int]:
    def point(offset: int) -> tuple[int, int]:
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    start_line, start_column = point(start)
    end_line, end_column = point(end)
    return {"startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}
