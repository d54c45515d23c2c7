"""Use several cores: worker processes forked from the main one each load and lint whole files
(:mod:`isolint.pipeline`) and send back only their small results, put back in file order.

Small runs stay in one process: starting workers costs more than it saves. The result never
depends on the number of workers.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass

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
    ``jobs`` worker processes (0: one per core). Only results travel back, never whole models
    (unless ``job.keep_models``)."""
    global _JOB
    sizes = [_size(task.path) for task in tasks]
    workers = min(jobs or cpu_count(), len(tasks))
    if workers <= 1 or sum(sizes) < PARALLEL_MIN_BYTES or not _can_fork():
        return [lint_model(load(task), job) for task in tasks]
    import gc
    import multiprocessing  # only here: costly to import, useless for a commit's few files

    from .parsers import compose, dockerfile, kubernetes  # noqa: F401  (imported once, before forking)

    chunks = _chunks(sizes)
    results: list[FileResult | None] = [None] * len(tasks)
    _JOB = job  # forked workers inherit it: rules and context are never pickled
    gc.freeze()  # the workers' collections then leave the inherited objects (and their pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            batches = [[tasks[i] for i in chunk] for chunk in chunks]
            for chunk, linted in zip(chunks, pool.imap(_lint_batch, batches), strict=True):
                for index, result in zip(chunk, linted, strict=True):
                    results[index] = _unpack(result, tasks[index].path)
    finally:
        _JOB = None
        gc.unfreeze()
    return [r for r in results if r is not None]


def _lint_batch(batch: list[LoadTask]) -> list[FileResult | tuple[bool, int]]:
    assert _JOB is not None
    return [_pack(lint_model(load(task), _JOB)) for task in batch]


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
