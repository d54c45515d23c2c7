"""Suppressions: silencing a finding on purpose, always with a written reason.

Four forms, one grammar for the rule list (:mod:`isolint.selectors`: codes ``PRV001``, names
``privileged-container``, code prefixes ``PRV``/``PRV0`` or ``ALL``) and the reason (free text after it):

* a comment ``# isolint: ignore[PRV001] node agent, reviewed in #123`` on the line before the
  flagged line or at its end (YAML); in a Dockerfile on the line before the instruction. Comment
  lines between it and its target are skipped, so several suppressions can stack;
* a file-level comment ``# isolint: ignore-file[PRV001] reason`` anywhere in the file;
* Kubernetes annotations on the object or its pod template: ``isolint.io/ignore:
  "PRV001: reason, NS001: reason"`` for the whole workload, ``isolint.io/ignore.<container>:
  "PRV001: reason"`` for one container only;
* Compose ``x-isolint: {ignore: ...}`` on a service (or at top level for every service), as a
  string like the annotation, a list of such strings, or a mapping ``{PRV001: reason}``.

A suppression without a reason still silences, but is reported as SUP001; a rule listed in a
suppression that silenced nothing is reported as SUP002 (when that rule ran).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .engine import Diagnostic
from .model import FileModel, Format, KeyValue, Location, Resource, Workload
from .rule import LoadedRule, Severity
from .selectors import RuleKey, matches, settings_for

SUPPRESSION_WITHOUT_REASON = "SUP001"
UNUSED_SUPPRESSION = "SUP002"
ANNOTATION = "isolint.io/ignore"
CONTAINER_ANNOTATION = ANNOTATION + "."
COMPOSE_EXTENSION = "x-isolint.ignore"

_COMMENT = (r"(?:^|\s)#\s*isolint:\s*(?P<kind>ignore-file|ignore)\s*\[(?P<rules>[^\]]*)\]"
                      r"\s*[:\-\u2013\u2014]?\s*(?P<reason>.*)$")
_COMMENT_ONLY = r"^\s*#"
_TOKEN = r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
_ENTRY_WITH_REASON = rf"(?s)^\s*({_TOKEN})\s*:(.*)$"
_BARE_ENTRY = r"^\s*([A-Z]+[0-9]*|[a-z0-9]+(?:-[a-z0-9]+)+)\s*$"


@dataclass(eq=False)
class Suppression:
    rules: tuple[str, ...]
    reason: str
    loc: Location
    form: str  # how to write it with a reason, for the SUP001 message
    resource: Resource | None = None
    container: str | None = None  # only findings about this container
    used: set[str] = field(default_factory=set)

    def silences(self, d: Diagnostic) -> bool:
        if self.container is not None and d.container != self.container:
            return False
        rule = RuleKey(d.rule, d.name)
        hits = [token for token in self.rules if matches(token, rule)]
        self.used.update(hits)
        return bool(hits)


def parse_entries(text: str) -> list[tuple[str, str]]:
    """``"PRV001: reason, NS001: other reason"`` -> ``[("PRV001", "reason"), ("NS001", "other reason")]``.

    A piece after a comma starts a new entry when it is ``TOKEN: ...`` or a bare code or rule
    name; anything else continues the previous reason (reasons may contain commas).
    """
    entries: list[list[str]] = []
    for piece in re.split(r"[,;\n]", text):
        if m := re.match(_ENTRY_WITH_REASON, piece):
            entries.append([m.group(1), m.group(2).strip()])
        elif (m := re.match(_BARE_ENTRY, piece)) or not entries:
            if piece.strip():
                entries.append([m.group(1) if m else piece.strip(), ""])
        else:
            entries[-1][1] = f"{entries[-1][1]},{piece}".strip(", ")
    return [(token, reason) for token, reason in entries]


@dataclass(slots=True)
class CommentSuppressions:
    """A file's comment suppressions, by the line they silence, and its Dockerfile instruction spans."""

    lines: dict[tuple[str, int], list[Suppression]] = field(default_factory=dict)
    files: dict[str, list[Suppression]] = field(default_factory=dict)
    instruction_start: dict[tuple[str, int], int] = field(default_factory=dict)
    all: list[Suppression] = field(default_factory=list)


def _resource_at(model: FileModel, line: int) -> Resource:
    """The workload a comment sits in: by its line range, else the last one starting above the comment."""
    for workload in model.workloads:
        if workload.source_lines and workload.source_lines[0] <= line <= workload.source_lines[1]:
            return workload.resource
    above = [w for w in model.workloads if w.source_lines is None and w.loc.line <= line]
    if above:
        return max(above, key=lambda w: w.loc.line).resource
    return Resource("File", os.path.basename(model.path))


def _comment_suppressions(model: FileModel, index: CommentSuppressions) -> None:
    lines = model.lines
    dockerfile = model.format is Format.DOCKERFILE
    pending: list[Suppression] = []  # whole-line comments waiting for the next non-comment line
    # every comment form contains "isolint": one search of the whole text spares a scan of each line
    scanned = enumerate(lines, start=1) if "isolint" in "\n".join(lines) else ()
    for number, text in scanned:
        comment_only = re.match(_COMMENT_ONLY, text) is not None
        if not comment_only and pending:
            index.lines.setdefault((model.path, number), []).extend(pending)
            pending = []
        m = re.search(_COMMENT, text)
        if m is None or (dockerfile and not comment_only):
            continue
        rules = tuple(t.strip() for t in m.group("rules").split(",") if t.strip())
        column = text.index("#", m.start()) + 1
        kind = m.group("kind")
        example = f"# isolint: {kind}[{', '.join(rules) or 'CODE'}] <reason>"
        sup = Suppression(rules, m.group("reason").strip(), Location(model.path, number, column), example,
                          _resource_at(model, number))
        index.all.append(sup)
        if kind == "ignore-file":
            index.files.setdefault(model.path, []).append(sup)
        elif comment_only:
            pending.append(sup)
        else:
            index.lines.setdefault((model.path, number), []).append(sup)
    # instruction spans only move a finding onto a line comment of this file: without one, none
    for image in model.images if index.lines else ():
        instructions = [*image.global_args, *(i for stage in image.stages for i in stage.instructions)]
        for ins in instructions:
            for line in range(ins.loc.line, (ins.end_line or ins.loc.line) + 1):
                index.instruction_start[(model.path, line)] = ins.loc.line


def _workload_pairs(workload: Workload) -> list[KeyValue]:
    if workload.format is Format.KUBERNETES:
        return [*workload.annotations, *workload.object_annotations]
    if workload.format is Format.COMPOSE:
        return list(workload.extensions)
    return []


PairKey = tuple[Location, str]


def _from_pairs(pairs: Iterable[KeyValue], resource: Resource, seen: dict[PairKey, list[Suppression]],
                ) -> Sequence[tuple[PairKey, list[Suppression]]]:
    out: list[tuple[PairKey, list[Suppression]]] = []
    for kv in pairs:
        key = (kv.key.loc, kv.key.value)
        if key not in seen:  # a bare Pod's template annotations are its object annotations
            seen[key] = list(_from_key_value(kv, resource))
        out.append((key, seen[key]))
    return out or ()  # most workloads have none: no list held per workload


def _from_key_value(kv: KeyValue, resource: Resource) -> Iterable[Suppression]:
    key, value = kv.key.value, str(kv.value.value)
    loc = kv.key.loc
    if key in (ANNOTATION, COMPOSE_EXTENSION):
        form = f'{key}: "CODE: <reason>"' if key == ANNOTATION else "x-isolint: {ignore: {CODE: <reason>}}"
        for token, reason in parse_entries(value):
            yield Suppression((token,), reason, loc, form, resource)
    elif key.startswith(CONTAINER_ANNOTATION):
        container = key[len(CONTAINER_ANNOTATION):]
        for token, reason in parse_entries(value):
            yield Suppression((token,), reason, loc, f'{key}: "CODE: <reason>"', resource, container)
    elif key.startswith(COMPOSE_EXTENSION + "."):
        yield Suppression((key[len(COMPOSE_EXTENSION) + 1:],), value.strip(), loc,
                          "x-isolint: {ignore: {CODE: <reason>}}", resource)


@dataclass(slots=True)
class FileSuppressions:
    """What one file contributes to the suppression index; built where the file was parsed, so the
    model itself can be dropped (and sent between processes: it is small)."""

    comments: CommentSuppressions | None = None  # comment forms and Dockerfile instruction spans
    # per workload or Namespace: its key in the index and its (annotation key, suppressions) pairs
    groups: list[tuple[tuple[Resource, str], Sequence[tuple[PairKey, list[Suppression]]]]] = field(
        default_factory=list)


def file_suppressions(model: FileModel) -> FileSuppressions:
    part = FileSuppressions()
    if model.lines:
        comments = CommentSuppressions()
        _comment_suppressions(model, comments)
        for path, lines in model.mapped.items():  # where a build's findings point: its bases and patches
            _comment_suppressions(FileModel(path, model.format, lines=lines), comments)
        part.comments = comments if comments.all else None
    seen: dict[PairKey, list[Suppression]] = {}
    for workload in model.workloads:
        part.groups.append(((workload.resource, workload.path),
                            _from_pairs(_workload_pairs(workload), workload.resource, seen)))
    for ns in model.namespaces:
        pairs = [kv for kv in ns.annotations if kv.key.value == ANNOTATION]
        part.groups.append(((ns.resource, ns.loc.path), _from_pairs(pairs, ns.resource, seen)))
    return part


def pointed_comments(paths: Iterable[str], roots: Sequence[str], max_bytes: int) -> FileSuppressions:
    """The suppression comments of files findings point at whose findings come from linting another
    file (a chart's values file; a kustomization's bases and patches, which its model also carries,
    :attr:`FileModel.mapped`: a place is indexed once), so that a comment works where its finding
    points. Each is read inside one of the run's ``roots`` (never a file outside them)."""
    from .sources import ReadError, is_inside, read_text

    comments = CommentSuppressions()
    for path in sorted(set(paths)):
        real = os.path.realpath(path)
        if path.startswith("<") or not any(is_inside(real, root) for root in roots):
            continue
        try:
            text = read_text(real, max_bytes)
        except ReadError:
            continue
        if "isolint" in text:
            _comment_suppressions(FileModel(path, Format.KUBERNETES, lines=tuple(text.splitlines())), comments)
    return FileSuppressions(comments if comments.all else None)


class SuppressionIndex:
    """The suppressions of a run, built file by file in the run's file order."""

    def __init__(self) -> None:
        self.comments = CommentSuppressions()  # every file's
        self.workloads: dict[tuple[Resource, str], list[Suppression]] = {}
        self.by_resource: dict[Resource, list[Suppression]] = {}
        self.all: list[Suppression] = []
        self._seen: dict[PairKey, list[Suppression]] = {}  # one annotation read by two files counts once
        self._places: set[tuple[str, int, int | None]] = set()  # comment suppressions indexed

    def add(self, part: FileSuppressions) -> None:
        own, comments = self.comments, part.comments
        if comments is not None:
            # a base's comment is met once per overlay built from it (FileModel.mapped): indexed once
            fresh = {id(s) for s in comments.all if (s.loc.path, s.loc.line, s.loc.column) not in self._places}
            self._places.update((s.loc.path, s.loc.line, s.loc.column) for s in comments.all)
            self.all.extend(s for s in comments.all if id(s) in fresh)
            for line, found in comments.lines.items():
                own.lines.setdefault(line, []).extend(s for s in found if id(s) in fresh)
            for path, found in comments.files.items():
                own.files.setdefault(path, []).extend(s for s in found if id(s) in fresh)
            own.instruction_start.update(comments.instruction_start)
        for key, pairs in part.groups:
            out: list[Suppression] = []
            for pair_key, suppressions in pairs:
                if pair_key not in self._seen:
                    self._seen[pair_key] = suppressions
                    self.all.extend(suppressions)
                out.extend(self._seen[pair_key])
            self.workloads.setdefault(key, []).extend(out)
            self.by_resource.setdefault(key[0], []).extend(out)

    def silences(self, d: Diagnostic) -> bool:
        """Whether a suppression silences ``d``; every one that may is asked, so each records what
        it silenced (for SUP002)."""
        comments = self.comments
        path, line = d.location.path, d.location.line
        line = comments.instruction_start.get((path, line), line)
        key = (d.resource, path)
        candidates = [*comments.lines.get((path, line), ()), *comments.files.get(path, ()),
                      *(self.workloads[key] if key in self.workloads else self.by_resource.get(d.resource, ()))]
        return any([sup.silences(d) for sup in candidates])

    def meta_findings(self, ran: Sequence[LoadedRule], known: Sequence[LoadedRule],
                      severity: Mapping[str, Severity]) -> Iterator[Diagnostic]:
        """SUP001 for each suppression without a reason, SUP002 for each rule a suppression names
        that silenced nothing (when those rules ran; ask once every finding was asked about)."""
        by_code = {r.code: r for r in ran}
        missing_reason, unused = by_code.get(SUPPRESSION_WITHOUT_REASON), by_code.get(UNUSED_SUPPRESSION)
        for sup in self.all:
            if missing_reason is not None and not sup.reason:
                yield _meta(missing_reason, sup, severity,
                            f"suppression of {', '.join(sup.rules) or 'nothing'} gives no reason; write why, "
                            f"e.g. `{sup.form}`")
            if unused is None:
                continue
            if not sup.rules:
                yield _meta(unused, sup, severity, "suppression names no rule")
            for token in sup.rules:
                if token in sup.used:
                    continue
                if not any(matches(token, r) for r in known):
                    yield _meta(unused, sup, severity,
                                f"suppression names unknown rule {token!r} (see `isolint rules`)")
                elif any(matches(token, r) for r in ran):
                    yield _meta(unused, sup, severity, f"unused suppression: no {token} finding here to silence")


def _meta(rule: LoadedRule, sup: Suppression, severity: Mapping[str, Severity], message: str) -> Diagnostic:
    level = [rule.meta.severity, *settings_for(severity, rule)][-1]
    return Diagnostic(rule=rule.code, name=rule.name, severity=level, location=sup.loc, message=message,
                      resource=sup.resource or Resource("File", os.path.basename(sup.loc.path)),
                      container=sup.container)


def drop_per_path_ignores(diagnostics: list[Diagnostic], per_path: dict[str, list[str]],
                          root: str | None = None) -> list[Diagnostic]:
    """Configuration's ``per-path-ignores``: glob (relative to the configuration's folder) -> rules."""
    if not per_path:
        return diagnostics
    base = root or os.getcwd()
    kept = []
    for d in diagnostics:
        rel = os.path.relpath(os.path.abspath(d.path), base).replace(os.sep, "/")
        name, rule = os.path.basename(d.path), RuleKey(d.rule, d.name)
        hit = any((fnmatch.fnmatchcase(rel, glob) or ("/" not in glob and fnmatch.fnmatchcase(name, glob))
                   or rel.startswith(glob.rstrip("/") + "/")) and any(matches(t, rule) for t in tokens)
                  for glob, tokens in per_path.items())
        if not hit:
            kept.append(d)
    return kept
