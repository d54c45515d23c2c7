"""Use several cores: worker processes forked from the main one each load and lint whole files
(:mod:`isolint.pipeline`) and send back only their small results, put back in file order.

Small runs stay in one process: starting workers costs more than it saves. The result never
depends on the number of workers.
"""

from __future__ import annotations

import dataclasses
import os
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .discovery import Kind
from .loader import DEFAULT_MAX_BYTES, load_file
from .model import FileModel, Format
from .pipeline import FileResult, Job, Outcomes, SourceLines, Summary, lint_model, relint

PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # below this a run is faster in one process
FREEZE_AFTER = 10_000  # findings: a run in one process holds its results frozen once it has more
CHUNK_BYTES = 256 * 1024  # files are handed to workers in chunks of about this size
_JOB: Job | None = None  # what forked workers share with the main process


@dataclass(frozen=True, slots=True)
class LoadTask:
    path: str
    kind: Kind
    explicit: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    merged_into_base: bool = False
    exhaustive: bool = False
    environ: Mapping[str, str] | None = None  # Compose variables the user gave (--env-file ...)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load(task: LoadTask) -> FileModel:
    model = load_file(task.path, task.kind, explicit=task.explicit, max_bytes=task.max_bytes,
                      merged_into_base=task.merged_into_base, exhaustive=task.exhaustive, environ=task.environ)
    if _holds_nothing(model):
        model.lines = ()  # no finding can point into it: memory stays bounded by what matters
    return model


def _holds_nothing(model: FileModel) -> bool:
    """A Kubernetes file that contributed nothing to the model (CRDs, ConfigMaps, Services ...)
    and carries no inline suppression: its lines are never shown nor searched."""
    if model.format is not Format.KUBERNETES or not model.lines:
        return False
    if any(getattr(model, f.name) for f in dataclasses.fields(model) if f.name not in ("path", "format", "lines")):
        return False
    return not any("isolint" in line for line in model.lines)


class Tasks(Sequence[LoadTask]):
    """A run's tasks in report order, compactly (tens of thousands are held until the report): the
    paths, a byte of flags each and the settings they share."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, exhaustive: bool = False,
                 environ: Mapping[str, str] | None = None) -> None:
        self.paths: list[str] = []
        self.flags = bytearray()
        self.max_bytes, self.exhaustive, self.environ = max_bytes, exhaustive, environ

    def append(self, path: str, kind: Kind, explicit: bool = False, merged_into_base: bool = False) -> None:
        self.paths.append(path)
        self.flags.append(_KINDS.index(kind) | explicit << 3 | merged_into_base << 4)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        flags = self.flags[index]
        return LoadTask(self.paths[index], _KINDS[flags & 7], bool(flags & 8), self.max_bytes, bool(flags & 16),
                        self.exhaustive, self.environ)


_KINDS = tuple(Kind)


def lint_files(tasks: Sequence[LoadTask], job: Job, jobs: int = 0) -> Outcomes:
    """Each task loaded and linted (:func:`isolint.pipeline.lint_model`), results in task order;
    ``jobs`` worker processes (0: one per core)."""
    with Workers(job, jobs) as workers:
        for task in tasks:
            workers.found(task.path)
        workers.found_all()
        return workers.lint(tasks)


class Workers:
    """The worker processes of a run, forked once for both passes; none for a small run (under
    PARALLEL_MIN_BYTES). Only results travel back, never whole models (unless ``job.keep_models``);
    rules and the first pass's job are inherited at the fork, never pickled.

    They are forked as soon as the files found make the run large enough (:meth:`found`), so what
    they inherit does not grow with the repository; :meth:`found_all` decides for the others."""

    def __init__(self, job: Job, jobs: int = 0) -> None:
        self.job = job  # for this run: frozen results if it is large
        self.wanted = jobs or cpu_count()
        self.sizes = array("Q")  # of the files found, in task order
        self.total = 0
        self.count = 0  # worker processes
        self.pool: Any = None

    def found(self, path: str) -> None:
        """The run has one more file (in task order)."""
        size = _size(path)
        self.sizes.append(size)
        self.total += size
        if self.pool is None and 1 < self.wanted <= len(self.sizes) and self.total >= PARALLEL_MIN_BYTES \
                and _can_fork():
            self._start(self.wanted)

    def found_all(self) -> None:
        """Every file is found: fork for fewer files than processes wanted."""
        count = min(self.wanted, len(self.sizes))
        if self.pool is None and count > 1 and self.total >= PARALLEL_MIN_BYTES and _can_fork():
            self._start(count)

    def _freeze_results(self) -> None:
        """From now on results are held frozen (worker processes: from the start)."""
        from .findings import dictionary

        self.job = dataclasses.replace(self.job, zdict=dictionary([p.rule for p in self.job.rules]))

    def _start(self, count: int) -> None:
        global _JOB
        import gc
        import multiprocessing  # only here: costly to import, useless for a commit's few files

        from .parsers import dockerfile, kubernetes  # noqa: F401  (imported once, before forking)
        from .parsers.compose import project  # noqa: F401

        self._freeze_results()  # a large run
        self.count = count
        _JOB = self.job
        gc.freeze()  # the workers' collections then leave the inherited objects (and their pages) alone
        try:
            self.pool = multiprocessing.get_context("fork").Pool(count)
        finally:
            _JOB = None
            gc.unfreeze()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None

    def lint(self, tasks: Sequence[LoadTask]) -> Outcomes:
        """The first pass (the job the workers were forked with) over the run's tasks."""
        outcomes = Outcomes(len(tasks))
        paths = tasks.paths if isinstance(tasks, Tasks) else [task.path for task in tasks]
        if self.pool is None:
            held = 0  # findings held as objects
            for index, task in enumerate(tasks):
                result = _pack(lint_model(load(task), self.job))
                outcomes.put(index, _shared_path(result, paths[index]))
                if isinstance(result, FileResult) and self.job.zdict is None:
                    held += len(result.diagnostics)
                    if held > FREEZE_AFTER:  # a large run after all: what is held and what comes, frozen
                        self._freeze_results()
                        outcomes.freeze(self.job.zdict, self.job.keep_models)
                if index % 64 == 63:
                    _release_freed_memory()
            return outcomes
        assert len(tasks) == len(self.sizes)
        chunks = _chunks(self.sizes)
        self.sizes = array("Q")
        batches = ([tasks[i] for i in chunk] for chunk in chunks)  # made as the pool hands them out
        for count, (chunk, linted) in enumerate(zip(chunks, self.pool.imap(_lint_batch, batches), strict=True)):
            for index, result in zip(chunk, linted, strict=True):
                outcomes.put(index, _shared_path(result, paths[index]))
            if count % 16 == 15:  # what unpickling the results freed
                _release_freed_memory()
        return outcomes

    def lint_later(self, work: Sequence[LoadTask | Frozen], context: Context
                   ) -> Callable[[], list[FileResult | Summary]]:
        """The second pass with the run's facts, started now: a task's file read and linted again, a
        frozen model (``(path, frozen)``) linted again (in a :class:`FileResult` holding only what
        that changes). Call the result to wait for them, in order (the main process works meanwhile)."""
        job = dataclasses.replace(self.job, context=context, provisional=False)
        if self.pool is None or not work:
            return lambda: _second_pass(work, job)
        groups = [g for g in (list(range(i, len(work), self.count)) for i in range(self.count)) if g]
        pending = self.pool.map_async(_second_pass_in, [([work[i] for i in g], context) for g in groups])

        def wait() -> list[FileResult | Summary]:
            results: list[Any] = [None] * len(work)
            for group, part in zip(groups, pending.get(), strict=True):
                for index, result in zip(group, part, strict=True):
                    results[index] = result
            return results

        return wait


def _lint_batch(batch: list[LoadTask]) -> list[FileResult | Summary]:
    assert _JOB is not None
    results = [_pack(lint_model(load(task), _JOB)) for task in batch]
    _release_freed_memory()
    return results


Frozen = tuple[str, bytes]  # a file's path and its model, frozen for the second pass


def _second_pass_in(work: tuple[list[LoadTask | Frozen], Context]) -> list[FileResult | Summary]:
    batch, context = work
    assert _JOB is not None
    results = _second_pass(batch, dataclasses.replace(_JOB, context=context, provisional=False))
    _release_freed_memory()
    return results


def _second_pass(work: Sequence[LoadTask | Frozen], job: Job) -> list[FileResult | Summary]:
    results: list[FileResult | Summary] = []
    for item in work:
        if isinstance(item, LoadTask):
            results.append(_pack(lint_model(load(item), job)))
        else:
            path, frozen = item
            result = FileResult(path, True, second_pass=frozen)
            relint(result, job)
            results.append(result)
    return results


_TRIM: Any = None  # glibc's malloc_trim, False where there is none


def _release_freed_memory() -> None:
    """Give the heap memory freed since the last batch back to the system. glibc keeps it: the
    texts of large files, once freed, are reused badly, and a worker's resident memory would grow
    with the number of files it has read (by a third on ten copies of a real corpus), not stay
    bounded by the largest."""
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes

            _TRIM = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError, TypeError):  # not glibc
            _TRIM = False
    if _TRIM:
        _TRIM(0)


def _shared_path(result: FileResult | Summary, path: str) -> FileResult | Summary:
    """``result`` holding the task's path (the same text), not a copy of its own."""
    if isinstance(result, FileResult) and result.path == path:
        result.path = path
    return result


def _pack(result: FileResult) -> FileResult | Summary:
    """Most files yield nothing but whether they counted and how many lines they have: send just
    that (the main process unpickles every result while the workers run)."""
    lines = result.lines
    if (result.diagnostics or result.errors or result.rule_errors or result.suppressions or result.workloads
            or result.namespaces
            or result.runtime_classes or result.service_accounts or result.asked or result.model is not None
            or result.second_pass is not None or result.findings is not None
            or not (len(lines) == 0 or (isinstance(lines, SourceLines) and not lines.kept))):
        return result
    return result.counted, len(lines)


def _chunks(sizes: Sequence[int]) -> list[array[int]]:
    """Task indexes grouped into chunks of about CHUNK_BYTES, biggest files first (so the last
    chunks, handed out when workers run dry, are small and the workers finish together)."""
    order = sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)
    chunks: list[array[int]] = []
    current = array("I")
    filled = 0
    for index in order:
        current.append(index)
        filled += sizes[index]
        if filled >= CHUNK_BYTES:
            chunks.append(current)
            current, filled = array("I"), 0
    if current:
        chunks.append(current)
    return chunks


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
