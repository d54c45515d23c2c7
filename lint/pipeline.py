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

from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
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

    def answered_by(self, facts: Mapping[Any, Any]) -> bool:
        """Whether ``facts`` (the run's) would have answered anything differently."""
        if self.listed:
            return list(facts.items()) != list(self.own.items())
        return any(facts.get(key, _MISSING) != self.own.get(key, _MISSING) for key in self.asked)


FACT_FIELDS = ("namespaces", "runtime_classes", "service_accounts")


def provisional_context(template: Context, model: FileModel) -> Context:
    """``template`` (settings, version) with the cross-file facts of ``model`` alone, recording."""
    own = build_context([model], template.kubernetes_version, template.settings)
    return Context(kubernetes_version=template.kubernetes_version, settings=template.settings,
                   **{name: Lookups(getattr(own, name)) for name in FACT_FIELDS})


def needs_full_context(asked: tuple[Lookups, ...] | None, ctx: Context) -> bool:
    return asked is not None and any(log.answered_by(getattr(ctx, name))
                                     for log, name in zip(asked, FACT_FIELDS, strict=True))


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

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"SourceLines({self.count}, {self.kept!r})"


@dataclass(slots=True)
class FileResult:
    """What a worker sends back for one file: small, whatever the file's size."""

    path: str
    counted: bool  # a file the run read as one of its formats, or could not read
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)  # the file's, then failed rules'
    suppressions: FileSuppressions | None = None
    lines: Sequence[str] = ()  # all of them when models are kept, else a SourceLines
    namespaces: list[Namespace] = field(default_factory=list)
    runtime_classes: list[RuntimeClass] = field(default_factory=list)
    service_accounts: list[ServiceAccount] = field(default_factory=list)
    asked: tuple[Lookups, ...] | None = None  # what the rules asked of an empty context
    model: FileModel | None = None  # only when the run keeps models


@dataclass(slots=True)
class Job:
    """What linting a file needs besides the file (shared with forked workers)."""

    rules: list[PreparedRule]
    context: Context
    keep_models: bool = False
    provisional: bool = True  # lint against an empty context that records lookups


def lint_model(model: FileModel, job: Job) -> FileResult:
    ctx = provisional_context(job.context, model) if job.provisional else job.context
    classify_workloads(model.workloads, ctx)
    outcome = Outcome()
    try:
        check_model(job.rules, model, ctx, outcome)
    finally:
        for workload in model.workloads:  # keyed by id(): drop them before the objects go
            ctx.classifications.pop(id(workload), None)
    suppressions = file_suppressions(model)
    result = FileResult(model.path, model.format is not None or bool(model.errors), outcome.diagnostics,
                        [*model.errors, *outcome.errors], suppressions, namespaces=model.namespaces,
                        runtime_classes=model.runtime_classes, service_accounts=model.service_accounts)
    if job.provisional:
        result.asked = tuple(getattr(ctx, name) for name in FACT_FIELDS)
    if job.keep_models:
        result.model, result.lines = model, model.lines
    elif model.lines:
        result.lines = _pointed_at(model, outcome.diagnostics, suppressions)
    return result


def _pointed_at(model: FileModel, diagnostics: list[Diagnostic], suppressions: FileSuppressions) -> SourceLines:
    """The lines of ``model`` its findings and suppressions point at (suppression findings are
    reported at the suppression)."""
    found = [*suppressions.comments.all, *(s for _, pairs in suppressions.groups for _, group in pairs for s in group)]
    wanted = {d.location.line for d in diagnostics if d.location.path == model.path}
    wanted.update(s.loc.line for s in found if s.loc.path == model.path)
    lines = model.lines
    return SourceLines(len(lines), {n - 1: lines[n - 1] for n in wanted if 1 <= n <= len(lines)})
