"""One file, start to finish, where it was parsed: load, classify, run the rules, index its
suppressions, keep the source lines findings point at, drop the model.

The rules need facts from every file (Namespace, RuntimeClass and ServiceAccount objects, in
:class:`~isolint.context.Context`). A file is first linted against a context holding only its own
facts, which records every lookup (:class:`Lookups`); once all files are done, a file is linted
again with the run's facts only if one of its lookups would have been answered differently. Its
first result is then discarded, so every finding is the one a run with the run's facts from the
start makes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .engine import Diagnostic, Outcome, PreparedRule, build_context, check_model
from .model import FileModel, Namespace, ParseError, RuntimeClass, ServiceAccount
from .suppress import FileSuppressions, file_suppressions
from .trust import classify_workloads

_MISSING = object()


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
        return (frozenset(self.asked), self.listed) if self.asked or self.listed else None


Asked = tuple[frozenset[Hashable], bool]  # the keys a file's rules asked for, whether they listed all
FACT_FIELDS = ("namespaces", "runtime_classes", "service_accounts")


def provisional_context(template: Context, model: FileModel) -> Context:
    """``template`` (settings, version) with the cross-file facts of ``model`` alone, recording."""
    own = build_context([model], template.kubernetes_version, template.settings)
    return Context(kubernetes_version=template.kubernetes_version, settings=template.settings,
                   **{name: Lookups(getattr(own, name)) for name in FACT_FIELDS})


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


class SourceLines(Sequence[str]):
    """The lines of a file that findings and suppressions point at, with the file's line count
    (all that code frames and baseline fingerprints read)."""

    def __init__(self, count: int, kept: dict[int, str]) -> None:
        self.count, self.kept = count, kept

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        return self.kept[index % self.count if index < 0 else index]

    def __repr__(self) -> str:
        return f"SourceLines({self.count}, {self.kept!r})"


@dataclass(slots=True)
class FileResult:
    """What a worker sends back for one file: small, whatever the file's size."""

    path: str
    counted: bool  # a file the run read as one of its formats, or could not read
    # empty ones are (), not lists: tens of thousands of results are held until the report
    diagnostics: Sequence[Diagnostic] = ()
    errors: Sequence[ParseError] = ()  # the file's
    rule_errors: Sequence[ParseError] = ()  # rules that failed on it
    suppressions: FileSuppressions | None = None
    lines: Sequence[str] = ()  # all of them when models are kept, else a SourceLines
    namespaces: Sequence[Namespace] = ()
    runtime_classes: Sequence[RuntimeClass] = ()
    service_accounts: Sequence[ServiceAccount] = ()
    asked: tuple[Asked | None, ...] | None = None  # what the rules asked of the file's own facts, per FACT_FIELDS
    model: FileModel | None = None  # when the run keeps models, or (without lines) for a second pass


@dataclass(slots=True)
class Job:
    """What linting a file needs besides the file (shared with forked workers)."""

    rules: list[PreparedRule]
    context: Context
    keep_models: bool = False
    provisional: bool = True  # lint against the file's own facts, recording lookups


def lint_model(model: FileModel, job: Job) -> FileResult:
    ctx = provisional_context(job.context, model) if job.provisional else job.context
    outcome = _check(model, job, ctx)
    suppressions = file_suppressions(model)
    result = FileResult(model.path, model.format is not None or bool(model.errors), outcome.diagnostics or (),
                        model.errors or (), outcome.errors or (),
                        suppressions if suppressions.comments is not None or suppressions.groups else None,
                        namespaces=model.namespaces or (), runtime_classes=model.runtime_classes or (),
                        service_accounts=model.service_accounts or ())
    if job.provisional:
        asked = tuple(getattr(ctx, name).record() for name in FACT_FIELDS)
        result.asked = asked if any(asked) else None  # most files ask for nothing: keep nothing
    if job.keep_models:
        result.model, result.lines = model, model.lines
    elif model.lines:
        result.lines = _pointed_at(model, outcome.diagnostics, suppressions)
    logs = [getattr(ctx, name) for name in FACT_FIELDS] if job.provisional else []
    if result.model is None and any(log.asked & log.own.keys() or (log.listed and log.own) for log in logs):
        # it asked for a fact it holds itself: another file may hold the same one (copies of a
        # manifest), then a second pass needs the model; without its lines it is small
        result.model = dataclasses.replace(model, lines=())
    return result


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


def _pointed_at(model: FileModel, diagnostics: list[Diagnostic], suppressions: FileSuppressions) -> SourceLines:
    """The lines of ``model`` its findings and suppressions point at (suppression findings are
    reported at the suppression)."""
    found = [*(suppressions.comments.all if suppressions.comments is not None else ()),
             *(s for _, pairs in suppressions.groups for _, group in pairs for s in group)]
    wanted = {d.location.line for d in diagnostics if d.location.path == model.path}
    wanted.update(s.loc.line for s in found if s.loc.path == model.path)
    lines = model.lines
    return SourceLines(len(lines), {n - 1: lines[n - 1] for n in wanted if 1 <= n <= len(lines)})
