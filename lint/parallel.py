"""Use several cores: worker processes forked from the main one each load and lint whole files
(:mod:`isolint.pipeline`) and send back only their small results, put back in file order.

Small runs stay in one process: starting workers costs more than it saves. The result never
depends on the number of workers.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .discovery import Kind
from .loader import DEFAULT_MAX_BYTES, load_file
from .model import FileModel, Format
from .pipeline import FileResult, Job, SourceLines, lint_model

PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # below this a run is faster in one process
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


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load(task: LoadTask) -> FileModel:
    model = load_file(task.path, task.kind, explicit=task.explicit, max_bytes=task.max_bytes,
                      merged_into_base=task.merged_into_base, exhaustive=task.exhaustive)
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


def lint_files(tasks: Sequence[LoadTask], job: Job, jobs: int = 0) -> list[FileResult]:
    """Each task loaded and linted (:func:`isolint.pipeline.lint_model`), results in task order;
    ``jobs`` worker processes (0: one per core)."""
    with Workers(tasks, job, jobs) as workers:
        return workers.lint(tasks)


class Workers:
    """The worker processes of a run, forked once for both passes; none for a small run (under
    PARALLEL_MIN_BYTES). Only results travel back, never whole models (unless ``job.keep_models``);
    rules and the first pass's job are inherited at the fork, never pickled."""

    def __init__(self, tasks: Sequence[LoadTask], job: Job, jobs: int = 0) -> None:
        self.job = job
        self.sizes = [_size(task.path) for task in tasks]
        self.count = min(jobs or cpu_count(), len(tasks))
        self.pool: Any = None
        if self.count > 1 and sum(self.sizes) >= PARALLEL_MIN_BYTES and _can_fork():
            self._start()

    def _start(self) -> None:
        global _JOB
        import gc
        import multiprocessing  # only here: costly to import, useless for a commit's few files

        from .parsers import compose, dockerfile, kubernetes  # noqa: F401  (imported once, before forking)

        _JOB = self.job
        gc.freeze()  # the workers' collections then leave the inherited objects (and their pages) alone
        try:
            self.pool = multiprocessing.get_context("fork").Pool(self.count)
        finally:
            _JOB = None
            gc.unfreeze()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None

    def lint(self, tasks: Sequence[LoadTask]) -> list[FileResult]:
        """The first pass (the job the workers were forked with) over the run's tasks."""
        if self.pool is None:
            return [lint_model(load(task), self.job) for task in tasks]
        chunks = _chunks(self.sizes)
        results: list[FileResult | None] = [None] * len(tasks)
        batches = [[tasks[i] for i in chunk] for chunk in chunks]
        for chunk, linted in zip(chunks, self.pool.imap(_lint_batch, batches), strict=True):
            for index, result in zip(chunk, linted, strict=True):
                results[index] = _unpack(result, tasks[index].path)
        return [r for r in results if r is not None]

    def lint_later(self, tasks: Sequence[LoadTask], context: Context) -> Callable[[], list[FileResult]]:
        """The second pass over ``tasks`` with the run's facts, started now; call the result to
        wait for it (the main process works meanwhile)."""
        job = Job(self.job.rules, context, self.job.keep_models, provisional=False)
        if self.pool is None or not tasks:
            return lambda: [lint_model(load(task), job) for task in tasks]
        groups = [g for g in (list(range(i, len(tasks), self.count)) for i in range(self.count)) if g]
        pending = self.pool.map_async(_lint_batch_in, [([tasks[i] for i in g], context) for g in groups])

        def wait() -> list[FileResult]:
            results: list[Any] = [None] * len(tasks)
            for group, part in zip(groups, pending.get(), strict=True):
                for index, result in zip(group, part, strict=True):
                    results[index] = _unpack(result, tasks[index].path)
            return results

        return wait


def _lint_batch(batch: list[LoadTask]) -> list[FileResult | tuple[bool, int]]:
    assert _JOB is not None
    return [_pack(lint_model(load(task), _JOB)) for task in batch]


def _lint_batch_in(work: tuple[list[LoadTask], Context]) -> list[FileResult | tuple[bool, int]]:
    batch, context = work
    assert _JOB is not None
    job = Job(_JOB.rules, context, _JOB.keep_models, provisional=False)
    return [_pack(lint_model(load(task), job)) for task in batch]


def _pack(result: FileResult) -> FileResult | tuple[bool, int]:
    """Most files yield nothing but whether they counted and how many lines they have: send just
    that (the main process unpickles every result while the workers run)."""
    lines = result.lines
    if (result.diagnostics or result.errors or result.rule_errors or result.suppressions or result.namespaces
            or result.runtime_classes or result.service_accounts or result.asked or result.model is not None
            or not (len(lines) == 0 or (isinstance(lines, SourceLines) and not lines.kept))):
        return result
    return result.counted, len(lines)


def _unpack(packed: FileResult | tuple[bool, int], path: str) -> FileResult:
    if isinstance(packed, FileResult):
        return packed
    counted, count = packed
    return FileResult(path, counted, lines=SourceLines(count, {}) if count else ())


def _chunks(sizes: list[int]) -> list[list[int]]:
    """Task indexes grouped into chunks of about CHUNK_BYTES, biggest files first (so the last
    chunks, handed out when workers run dry, are small and the workers finish together)."""
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    chunks: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for index in order:
        current.append(index)
        filled += sizes[index]
        if filled >= CHUNK_BYTES:
            chunks.append(current)
            current, filled = [], 0
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
