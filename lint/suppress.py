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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .engine import Diagnostic
from .model import FileModel, Format, KeyValue, Location, Resource, Workload
from .rule import LoadedRule, Severity
from .selectors import RuleKey, matches, settings_for
from .settings import Settings

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
class _Index:
    lines: dict[tuple[str, int], list[Suppression]] = field(default_factory=dict)
    files: dict[str, list[Suppression]] = field(default_factory=dict)
    workloads: dict[tuple[Resource, str], list[Suppression]] = field(default_factory=dict)
    by_resource: dict[Resource, list[Suppression]] = field(default_factory=dict)
    instruction_start: dict[tuple[str, int], int] = field(default_factory=dict)
    all: list[Suppression] = field(default_factory=list)

    def add_workload(self, key: tuple[Resource, str], suppressions: list[Suppression]) -> None:
        self.workloads.setdefault(key, []).extend(suppressions)
        self.by_resource.setdefault(key[0], []).extend(suppressions)

    def candidates(self, d: Diagnostic) -> Iterable[Suppression]:
        path, line = d.location.path, d.location.line
        line = self.instruction_start.get((path, line), line)
        yield from self.lines.get((path, line), ())
        yield from self.files.get(path, ())
        key = (d.resource, path)
        yield from self.workloads[key] if key in self.workloads else self.by_resource.get(d.resource, ())


def _resource_at(model: FileModel, line: int) -> Resource:
    """The workload a comment sits in: by its line range, else the last one starting above the comment."""
    for workload in model.workloads:
        if workload.source_lines and workload.source_lines[0] <= line <= workload.source_lines[1]:
            return workload.resource
    above = [w for w in model.workloads if w.source_lines is None and w.loc.line <= line]
    if above:
        return max(above, key=lambda w: w.loc.line).resource
    return Resource("File", os.path.basename(model.path))


def _comment_suppressions(model: FileModel, index: _Index) -> None:
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

    comments: _Index | None = None  # comment forms and Dockerfile instruction spans
    # per workload or Namespace: its key in the index and its (annotation key, suppressions) pairs
    groups: list[tuple[tuple[Resource, str], Sequence[tuple[PairKey, list[Suppression]]]]] = field(
        default_factory=list)


def file_suppressions(model: FileModel) -> FileSuppressions:
    part = FileSuppressions()
    if model.lines:
        comments = _Index()
        _comment_suppressions(model, comments)
        part.comments = comments if comments.all else None
    seen: dict[PairKey, list[Suppression]] = {}
    for workload in model.workloads:
        part.groups.append(((workload.resource, workload.path),
                            _from_pairs(_workload_pairs(workload), workload.resource, seen)))
    for ns in model.namespaces:
        pairs = [kv for kv in ns.annotations if kv.key.value == ANNOTATION]
        part.groups.append(((ns.resource, ns.loc.path), _from_pairs(pairs, ns.resource, seen)))
    return part


class SuppressionIndex:
    """The suppressions of a run, built file by file in the run's file order."""

    def __init__(self) -> None:
        self.index = _Index()
        self._seen: dict[PairKey, list[Suppression]] = {}  # one annotation read by two files counts once

    def add(self, part: FileSuppressions) -> None:
        index, comments = self.index, part.comments
        if comments is not None:
            index.all.extend(comments.all)
            for line, found in comments.lines.items():
                index.lines.setdefault(line, []).extend(found)
            for path, found in comments.files.items():
                index.files.setdefault(path, []).extend(found)
            index.instruction_start.update(comments.instruction_start)
        for key, pairs in part.groups:
            out: list[Suppression] = []
            for pair_key, suppressions in pairs:
                if pair_key not in self._seen:
                    self._seen[pair_key] = suppressions
                    index.all.extend(suppressions)
                out.extend(self._seen[pair_key])
            index.add_workload(key, out)


def collect(models: Iterable[FileModel]) -> _Index:
    index = SuppressionIndex()
    for model in models:
        index.add(file_suppressions(model))
    return index.index


def apply_suppressions(diagnostics: Sequence[Diagnostic], models: Iterable[FileModel], ran: Sequence[LoadedRule],
                       known: Sequence[LoadedRule], severity: dict[str, Severity] | None = None,
                       ) -> tuple[list[Diagnostic], int]:
    """Drop suppressed diagnostics; add SUP001/SUP002 findings when those rules are in ``ran``."""
    return apply_index(diagnostics, collect(models), ran, known, severity)


def apply_index(diagnostics: Sequence[Diagnostic], index: _Index, ran: Sequence[LoadedRule],
                known: Sequence[LoadedRule], severity: dict[str, Severity] | None = None,
                ) -> tuple[list[Diagnostic], int]:
    kept: list[Diagnostic] = []
    for d in diagnostics:
        # every candidate is asked, so each records what it silenced (for SUP002)
        if not any([sup.silences(d) for sup in index.candidates(d)]):
            kept.append(d)
    silenced = len(diagnostics) - len(kept)
    kept.extend(_meta_findings(index.all, ran, known, severity or {}))
    kept.sort(key=Diagnostic.sort_key)
    return kept, silenced


def _meta_findings(suppressions: list[Suppression], ran: Sequence[LoadedRule], known: Sequence[LoadedRule],
                   severity: dict[str, Severity]) -> Iterable[Diagnostic]:
    by_code = {r.code: r for r in ran}
    missing_reason, unused = by_code.get(SUPPRESSION_WITHOUT_REASON), by_code.get(UNUSED_SUPPRESSION)
    for sup in suppressions:
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
                yield _meta(unused, sup, severity, f"suppression names unknown rule {token!r} (see `isolint rules`)")
            elif any(matches(token, r) for r in ran):
                yield _meta(unused, sup, severity, f"unused suppression: no {token} finding here to silence")


def _meta(rule: LoadedRule, sup: Suppression, severity: dict[str, Severity], message: str) -> Diagnostic:
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


@dataclass(slots=True)
class Filtered:
    diagnostics: list[Diagnostic]
    suppressed: int = 0  # by inline comments, annotations, x-isolint and per-path ignores
    baselined: int = 0


def filter_findings(diagnostics: list[Diagnostic], models: Sequence[FileModel], ran: Sequence[LoadedRule],
                    known: Sequence[LoadedRule], settings: Settings) -> Filtered:
    """Per-path ignores, then suppressions, then the baseline: what the run reports."""
    return filter_indexed(diagnostics, collect(models), lambda: {m.path: m.lines for m in models if m.lines},
                          ran, known, settings)


def filter_indexed(diagnostics: list[Diagnostic], index: _Index,
                   sources: Callable[[], Mapping[str, Sequence[str]]], ran: Sequence[LoadedRule],
                   known: Sequence[LoadedRule], settings: Settings) -> Filtered:
    """:func:`filter_findings` with the suppressions already indexed; ``sources`` gives the source
    lines of the reported findings (read only when there is a baseline)."""
    kept = drop_per_path_ignores(diagnostics, settings.per_path_ignores, settings.root)
    result = Filtered(kept, suppressed=len(diagnostics) - len(kept))
    if settings.suppressions:
        result.diagnostics, silenced = apply_index(kept, index, ran, known, settings.severity)
        result.suppressed += silenced
    if settings.baseline:
        from .baseline import drop_baselined, read_baseline

        result.diagnostics, result.baselined = drop_baselined(result.diagnostics, read_baseline(settings.baseline),
                                                              sources())
    return result
