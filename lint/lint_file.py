"""One file, start to finish, where it was parsed: load, classify, run the rules, index its
suppressions, keep the source lines findings point at, drop the model.

The rules need facts from every file (Namespace, RuntimeClass and ServiceAccount objects, in
:class:`~isolint.context.Context`). A file is first linted against a context holding only its own
facts, which records every lookup (:class:`Lookups`); once all files are done, the runner lints
again only the files one of whose lookups the run's facts answer differently (80 of the 3,256
files of a real corpus). Their first result is then discarded, so every finding is the one a run
with the run's facts from the start makes.

A changed-files run (``--changed-since``, files named as pre-commit names them) reads the other
files of the repository for their facts only (:func:`file_facts`): a file whose text names none of
the three kinds is not parsed, and of one that does only those documents are built.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .discovery import Kind
from .engine import Diagnostic, Outcome, PreparedRule, build_context, check_model
from .loader import load_file
from .model import FileModel, Format, Namespace, ParseError, Resource, RuntimeClass, ServiceAccount
from .sources import DEFAULT_MAX_BYTES, ReadError, read_text
from .suppress import FileSuppressions, file_suppressions
from .trust import classify_workloads

_MISSING = object()
FACT_FIELDS = ("namespaces", "runtime_classes", "service_accounts")
FACT_KINDS = frozenset({"Namespace", "RuntimeClass", "ServiceAccount"})  # the kinds the facts are read from
# A `kind` key whose value may be one of FACT_KINDS: written plainly, quoted or in JSON, or in a way
# only the parser can tell (an alias, a tag, an escape)
_FACT_KIND = re.compile(r"""kind['"]?\s*:\s*(?:['"]?(?:Namespace|RuntimeClass|ServiceAccount)\b|[*!&|>]|"[^"\n]*\\)""")
Asked = tuple[tuple[Hashable, ...], bool]  # the keys a file's rules asked for, whether they listed all


@dataclass(frozen=True, slots=True)
class LoadTask:
    """A file to lint, as discovery found it."""

    path: str
    kind: Kind
    explicit: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    merged_into_base: bool = False
    exhaustive: bool = False
    environ: Mapping[str, str] | None = None  # Compose variables the user gave (--env-file ...)
    root: str | None = None  # the resolved root of the run for this file (isolint.sources.run_root)


def load(task: LoadTask) -> FileModel:
    model = load_file(task.path, task.kind, max_bytes=task.max_bytes,  # named or walked: judged alike
                      merged_into_base=task.merged_into_base, exhaustive=task.exhaustive, environ=task.environ,
                      root=task.root)
    if _holds_nothing(model):
        model.lines = ()  # no finding can point into it
    return model


def file_facts(task: LoadTask) -> FileResult:
    """Only the cross-file facts of a file the run does not report on: those the loader would read
    from it (the same documents, the same parser), at a fraction of the cost. A file whose text
    has no ``kind`` of :data:`FACT_KINDS` holds none (a regular expression tells: 2,639 of the
    2,773 files a one-file run of a real corpus reads this way); of the others only the documents
    of those kinds (and ``List``) are built, the rest stubbed by the prescan. Unreadable or broken
    files give what could be read, and no error: the run does not report on them."""
    result = FileResult(task.path, False)
    if task.kind not in (Kind.YAML, Kind.KUBERNETES):
        return result  # Dockerfiles and Compose files hold no Kubernetes object
    try:
        text = read_text(task.path, task.max_bytes)
    except ReadError:
        return result
    if _FACT_KIND.search(text) is None:
        return result
    from . import prescan
    from .parsers.fields import Reader
    from .parsers.kubernetes import parse_documents

    docs = []
    for index, (doc, error) in enumerate(prescan.load_documents(text, FACT_KINDS | {"List"}, task.exhaustive)):
        if error is not None:
            break  # as the loader: what was read before the error counts
        if isinstance(doc, dict) and doc.get("kind") in (*FACT_KINDS, "List"):
            docs.append((index, doc))
    model = FileModel(task.path, Format.KUBERNETES)
    parse_documents(Reader(task.path, "manifest"), model, docs)
    result.namespaces, result.runtime_classes = model.namespaces, model.runtime_classes
    result.service_accounts = model.service_accounts
    return result


def _holds_nothing(model: FileModel) -> bool:
    """A Kubernetes file that contributed nothing to the model (CRDs, ConfigMaps, Services ...)
    and carries no inline suppression: its lines are never shown nor searched."""
    if model.format is not Format.KUBERNETES or not model.lines:
        return False
    if any(getattr(model, f.name) for f in dataclasses.fields(model) if f.name not in ("path", "format", "lines")):
        return False
    return not any("isolint" in line for line in model.lines)


class Lookups(Mapping[Any, Any]):
    """A file's own cross-file facts, as a mapping that remembers which keys were asked for and
    whether it was listed."""

    def __init__(self, own: Mapping[Any, Any]) -> None:
        self.own = dict(own)
        self.asked: set[Hashable] = set()
        self.listed = False

    def __getitem__(self, key: Any) -> Any:
        self.asked.add(key)
        return self.own[key]

    def __iter__(self) -> Iterator[Any]:
        self.listed = True
        return iter(self.own)

    def __len__(self) -> int:
        self.listed = True
        return len(self.own)

    def record(self) -> Asked | None:
        return (tuple(self.asked), self.listed) if self.asked or self.listed else None


def provisional_context(template: Context, model: FileModel) -> Context:
    """``template`` (settings, version) with the cross-file facts of ``model`` alone, recording."""
    own = build_context([model], template.kubernetes_version, template.settings)
    return Context(kubernetes_version=template.kubernetes_version, settings=template.settings,
                   **{name: Lookups(getattr(own, name)) for name in FACT_FIELDS})


class SourceLines(Sequence[str]):
    """The lines of a file that its findings and suppressions point at (``kept``, by index), with
    the file's line count: all that code frames and baseline fingerprints read."""

    __slots__ = ("count", "kept")

    def __init__(self, count: int, kept: dict[int, str]) -> None:
        self.count, self.kept = count, kept

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        return self.kept.get(index % self.count if index < 0 else index, "")


@dataclass(slots=True)
class FileResult:
    """What linting one file leaves: small, whatever the file's size."""

    path: str
    counted: bool  # a file the run read as one of its formats, or could not read
    diagnostics: Sequence[Diagnostic] = ()
    errors: Sequence[ParseError] = ()  # the file's
    rule_errors: Sequence[ParseError] = ()  # rules that failed on it
    suppressions: FileSuppressions | None = None  # with its suppressions (see :func:`_held`)
    # the index keys of its workloads without any: they matter only when the same resource has
    # suppressions elsewhere in the run (then only its own apply); a Resource stands for (it, path)
    workloads: tuple[Resource | tuple[Resource, str], ...] = ()
    lines: Sequence[str] = ()  # all of them when models are kept, else a SourceLines
    namespaces: Sequence[Namespace] = ()
    runtime_classes: Sequence[RuntimeClass] = ()
    service_accounts: Sequence[ServiceAccount] = ()
    asked: tuple[Asked | None, ...] | None = None  # what the rules asked of the file's own facts, per FACT_FIELDS
    model: FileModel | None = None  # when the run keeps models; else without lines, for a second pass


@dataclass(slots=True)
class Job:
    """What linting a file needs besides the file (inherited by forked workers)."""

    rules: list[PreparedRule]
    context: Context
    keep_models: bool = False
    provisional: bool = True  # lint against the file's own facts, recording lookups


def lint_file(task: LoadTask, job: Job) -> FileResult:
    return lint_model(load(task), job)


def lint_model(model: FileModel, job: Job) -> FileResult:
    ctx = provisional_context(job.context, model) if job.provisional else job.context
    outcome = _check(model, job, ctx)
    suppressions = file_suppressions(model)
    result = FileResult(model.path, model.format is not None or bool(model.errors), outcome.diagnostics or (),
                        model.errors or (), outcome.errors or (), namespaces=model.namespaces or (),
                        runtime_classes=model.runtime_classes or (), service_accounts=model.service_accounts or ())
    result.suppressions, result.workloads = _held(suppressions, model.path)
    if job.provisional:
        asked = tuple(getattr(ctx, name).record() for name in FACT_FIELDS)
        result.asked = asked if any(asked) else None  # most files ask for nothing: keep nothing
    if job.keep_models:
        result.model, result.lines = model, model.lines
        return result
    if model.lines:
        result.lines = _pointed_at(model, outcome.diagnostics, suppressions)
    logs = [getattr(ctx, name) for name in FACT_FIELDS] if job.provisional else []
    if any(log.asked & log.own.keys() or (log.listed and log.own) for log in logs):
        # it asked for a fact it holds itself: another file may hold the same one (copies of a
        # manifest), then the second pass needs the model: kept without its lines, it is small
        # (second pass 0.09 s on a real corpus, 0.40 s reading the 80 files again)
        result.model = dataclasses.replace(model, lines=())
    return result


def needs_full_context(result: FileResult, ctx: Context) -> bool:
    """Whether the run's facts would have answered a lookup of ``result``'s rules differently
    from the file's own facts."""
    if result.asked is None:
        return False
    own = build_context([result], ctx.kubernetes_version, ctx.settings)
    for asked, name in zip(result.asked, FACT_FIELDS, strict=True):
        if asked is None:
            continue
        keys, listed = asked
        facts, mine = getattr(ctx, name), getattr(own, name)
        if listed and list(facts.items()) != list(mine.items()):
            return True
        if any(facts.get(key, _MISSING) != mine.get(key, _MISSING) for key in keys):
            return True
    return False


def relint(result: FileResult, job: Job) -> None:
    """Lint ``result``'s kept model again under ``job`` (the run's facts): only what rules decide
    changes; suppressions, errors of the file and its facts do not depend on the context."""
    assert result.model is not None
    outcome = _check(result.model, job, job.context)
    result.diagnostics, result.rule_errors, result.asked = outcome.diagnostics or (), outcome.errors or (), None


def _check(model: FileModel, job: Job, ctx: Context) -> Outcome:
    classify_workloads(model.workloads, ctx)
    outcome = Outcome()
    try:
        check_model(job.rules, model, ctx, outcome)
    finally:
        for workload in model.workloads:  # keyed by id(): drop them before the objects go
            ctx.classifications.pop(id(workload), None)
    return outcome


def _held(suppressions: FileSuppressions, path: str
          ) -> tuple[FileSuppressions | None, tuple[Resource | tuple[Resource, str], ...]]:
    """What the run's suppression index needs of a file's, small: its annotations that suppress
    nothing dropped (most annotations), and when nothing is left but its workloads' keys, only
    those."""
    groups = [(key, [pair for pair in pairs if pair[1]] or ()) for key, pairs in suppressions.groups]
    if suppressions.comments is not None or any(pairs for _, pairs in groups):
        return FileSuppressions(suppressions.comments, groups), ()
    return None, tuple(resource if where == path else (resource, where) for (resource, where), _ in groups)


def _pointed_at(model: FileModel, diagnostics: list[Diagnostic], suppressions: FileSuppressions) -> SourceLines:
    """The lines of ``model`` its findings, errors and suppressions point at (suppression findings
    are reported at the suppression)."""
    found = [*(suppressions.comments.all if suppressions.comments is not None else ()),
             *(s for _, pairs in suppressions.groups for _, group in pairs for s in group)]
    wanted = {d.location.line for d in diagnostics if d.location.path == model.path}
    wanted.update(s.loc.line for s in found if s.loc.path == model.path)
    wanted.update(e.line for e in model.errors if e.line and e.path == model.path)  # the error's code frame
    lines = model.lines
    return SourceLines(len(lines), {n - 1: lines[n - 1] for n in wanted if 1 <= n <= len(lines)})
