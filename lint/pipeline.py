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
import os
from array import array
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .engine import Diagnostic, Outcome, PreparedRule, build_context, check_model
from .model import FileModel, Namespace, ParseError, Resource, RuntimeClass, ServiceAccount
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
        return (tuple(self.asked), self.listed) if self.asked or self.listed else None


Asked = tuple[tuple[Hashable, ...], bool]  # the keys a file's rules asked for, whether they listed all
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
    (all that code frames and baseline fingerprints read). A large run holds them frozen
    (:meth:`frozen`) until a report reads them (:meth:`thawed`)."""

    __slots__ = ("count", "kept")

    def __init__(self, count: int, kept: dict[int, str] | bytes | int) -> None:  # int: spilled (see Spill)
        self.count, self.kept = count, kept

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        return self.thawed().kept[index % self.count if index < 0 else index]  # type: ignore[index]

    def frozen(self) -> SourceLines:
        if not self.kept or isinstance(self.kept, bytes):
            return self
        import pickle
        import zlib

        return SourceLines(self.count, zlib.compress(pickle.dumps(self.kept, pickle.HIGHEST_PROTOCOL), 1))

    def thawed(self) -> SourceLines:
        if not isinstance(self.kept, bytes):
            return self
        import pickle
        import zlib

        return SourceLines(self.count, pickle.loads(zlib.decompress(self.kept)))

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
    suppressions: FileSuppressions | None = None  # with its suppressions (see :func:`_held`)
    # the index keys of its workloads without any: they matter only when the same resource has
    # suppressions elsewhere in the run (then only its own apply); a Resource stands for (it, path)
    workloads: tuple[Resource | tuple[Resource, str], ...] | bytes | int = ()  # frozen in a large run
    lines: Sequence[str] = ()  # all of them when models are kept, else a SourceLines
    namespaces: Sequence[Namespace] = ()
    runtime_classes: Sequence[RuntimeClass] = ()
    service_accounts: Sequence[ServiceAccount] = ()
    asked: tuple[Asked | None, ...] | None = None  # what the rules asked of the file's own facts, per FACT_FIELDS
    model: FileModel | None = None  # when the run keeps models; else without lines, for a second pass
    second_pass: bytes | None = None  # that, frozen (:func:`freeze_model`), in a large run
    # a large run's findings at the file's own path, frozen (isolint.findings.freeze; in the main
    # process a number when spilled, see Spill); ``diagnostics`` then holds only the rare ones it
    # reports in another file
    findings: bytes | int | None = None
    found: int = 0  # how many ``findings`` holds


Summary = tuple[bool, int]  # what is sent for a file that yields nothing: whether it counted, its line count


class Spill:
    """The frozen parts of a large run's results, put aside in an unnamed temporary file until the
    report reads them: held in memory, each is a number (where it is), the system's page cache
    holds the rest. Where no temporary file can be written they stay in memory."""

    BUFFER = 256 * 1024  # written in pieces of about this size

    def __init__(self) -> None:
        self._file: Any = None
        self._written = 0  # bytes in the file; what follows is still in ``_pending``
        self._pending = bytearray()
        self._failed = False

    def put(self, data: bytes) -> int | bytes:
        """``data``, or a number to :meth:`get` it back with."""
        if self._failed or len(data) < 64:  # a number costs as much memory as a few bytes
            return data
        where = (self._written + len(self._pending)) << 32 | len(data)
        self._pending += data
        if len(self._pending) >= self.BUFFER:
            self._write()
        return where

    def get(self, where: int | bytes) -> bytes:
        if isinstance(where, bytes):
            return where
        offset, size = where >> 32, where & 0xFFFFFFFF
        if offset >= self._written:
            return bytes(self._pending[offset - self._written:offset - self._written + size])
        if hasattr(os, "pread"):
            return os.pread(self._file.fileno(), size, offset)
        self._file.seek(offset)
        data: bytes = self._file.read(size)
        return data

    def _write(self) -> None:
        try:
            if self._file is None:
                import tempfile

                self._file = tempfile.TemporaryFile(buffering=0)  # noqa: SIM115  (open as long as the results)
            self._file.seek(self._written)
            self._file.write(self._pending)
        except OSError:  # no room: what is pending stays in memory, and what comes next
            self._failed = True
            return
        self._written += len(self._pending)
        self._pending = bytearray()


class Outcomes:
    """Every file's result in task order, as held until the report: a :class:`FileResult` for each
    file that yields anything, for the others (most files of a repository) only whether they
    counted and their line count. The frozen parts of results go to :attr:`spill`."""

    def __init__(self, size: int = 0) -> None:
        self.results: list[FileResult | None] = [None] * size
        self.counted = bytearray(size)
        self.line_counts = array("I", bytes(array("I").itemsize * size))
        self.spill = Spill()

    def __len__(self) -> int:
        return len(self.results)

    def put(self, index: int, result: FileResult | Summary) -> None:
        if isinstance(result, FileResult):
            self.results[index] = self._spilled(result)
            self.counted[index], self.line_counts[index] = result.counted, len(result.lines)
        else:
            self.results[index] = None
            self.counted[index], self.line_counts[index] = result

    def append(self, result: FileResult | Summary) -> None:
        self.results.append(None)
        self.counted.append(0)
        self.line_counts.append(0)
        self.put(len(self.results) - 1, result)

    def items(self) -> Iterator[tuple[int, FileResult]]:
        """The files that yielded anything, with their index, in task order."""
        return ((i, r) for i, r in enumerate(self.results) if r is not None)

    def linted(self) -> Iterator[FileResult]:
        return (r for r in self.results if r is not None)

    def files(self) -> int:
        return sum(self.counted)

    def freeze(self, zdict: bytes | None, keep_models: bool) -> None:
        """Freeze (and spill) the results held so far, made before the run knew it was large (the
        models kept for the second pass too, unless the run keeps every model)."""
        assert zdict is not None
        for result in self.linted():
            _freeze(result, zdict)
            if result.model is not None and not keep_models:
                result.second_pass, result.model = freeze_model(result.model), None
            self._spilled(result)

    def _spilled(self, result: FileResult) -> FileResult:
        if isinstance(result.findings, bytes):
            result.findings = self.spill.put(result.findings)
        if isinstance(result.lines, SourceLines) and isinstance(result.lines.kept, bytes):
            result.lines = SourceLines(result.lines.count, self.spill.put(result.lines.kept))
        if isinstance(result.workloads, bytes):
            result.workloads = self.spill.put(result.workloads)
        return result

    def workloads(self, result: FileResult) -> tuple[Resource | tuple[Resource, str], ...]:
        if isinstance(result.workloads, tuple):
            return result.workloads
        import pickle

        keys: tuple[Resource | tuple[Resource, str], ...] = pickle.loads(self.spill.get(result.workloads))
        return keys

    def lines(self, result: FileResult) -> Sequence[str]:
        """``result``'s lines, thawed."""
        lines = result.lines
        if not isinstance(lines, SourceLines):
            return lines
        if isinstance(lines.kept, int):
            lines = SourceLines(lines.count, self.spill.get(lines.kept))
        return lines.thawed()


@dataclass(slots=True)
class Job:
    """What linting a file needs besides the file (shared with forked workers)."""

    rules: list[PreparedRule]
    context: Context
    keep_models: bool = False
    provisional: bool = True  # lint against the file's own facts, recording lookups
    zdict: bytes | None = None  # a large run: its results are held frozen, findings with this zlib dictionary


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
    elif model.lines:
        result.lines = _pointed_at(model, outcome.diagnostics, suppressions)
    if job.zdict is not None:
        _freeze(result, job.zdict)
    logs = [getattr(ctx, name) for name in FACT_FIELDS] if job.provisional else []
    if result.model is None and any(log.asked & log.own.keys() or (log.listed and log.own) for log in logs):
        # it asked for a fact it holds itself: another file may hold the same one (copies of a
        # manifest), then a second pass needs the model; without its lines (and frozen in a
        # large run) it is small
        kept = dataclasses.replace(model, lines=())
        if job.zdict is not None:
            result.second_pass = freeze_model(kept)
        else:
            result.model = kept
    return result


def freeze_model(model: FileModel) -> bytes:
    """``model`` pickled and compressed: a tenth of its objects' memory, held until the second pass."""
    import zlib

    from .findings import pickled

    return zlib.compress(pickled(model), 1)


def thaw_model(frozen: bytes) -> FileModel:
    import pickle
    import zlib

    model: FileModel = pickle.loads(zlib.decompress(frozen))
    return model


def relint(result: FileResult, job: Job) -> None:
    """Lint ``result``'s kept model again under ``job`` (the run's facts): only what rules decide
    changes; suppressions, errors of the file and its facts do not depend on the context."""
    model = result.model if result.model is not None else thaw_model(result.second_pass) if result.second_pass \
        else None
    assert model is not None
    outcome = _check(model, job, job.context)
    result.diagnostics, result.rule_errors, result.asked = outcome.diagnostics or (), outcome.errors or (), None
    result.second_pass = result.findings = None
    result.found = 0
    if job.zdict is not None:
        _freeze(result, job.zdict)


def _freeze(result: FileResult, zdict: bytes) -> None:
    """A large run's result as held until the report: its findings at its own path and its lines
    frozen (the findings it reports in another file, rare, stay objects)."""
    own = [d for d in result.diagnostics if d.location.path == result.path]
    if own:
        from .findings import freeze

        own.sort(key=Diagnostic.sort_key)  # stable: in the run's order already (sorted here, in parallel)
        result.findings, result.found = freeze(own, zdict), len(own)
        result.diagnostics = [d for d in result.diagnostics if d.location.path != result.path] or ()
    if isinstance(result.lines, SourceLines):
        result.lines = result.lines.frozen()
    if result.workloads:
        from .findings import pickled

        result.workloads = pickled(result.workloads)


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
    """The lines of ``model`` its findings and suppressions point at (suppression findings are
    reported at the suppression)."""
    found = [*(suppressions.comments.all if suppressions.comments is not None else ()),
             *(s for _, pairs in suppressions.groups for _, group in pairs for s in group)]
    wanted = {d.location.line for d in diagnostics if d.location.path == model.path}
    wanted.update(s.loc.line for s in found if s.loc.path == model.path)
    lines = model.lines
    return SourceLines(len(lines), {n - 1: lines[n - 1] for n in wanted if 1 <= n <= len(lines)})
