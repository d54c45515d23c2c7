"""Use several cores for the two costly parts of a run: parsing files and running rules.

* Parsing: each worker process loads whole files and sends their models back, in file order.
* Rules: once the models and the context (which needs every file) are built, worker processes
  forked from the main one (so they share the models without copying them) each run whole
  rules over every model; the outcomes are put back in rule order and sorted as
  :func:`isolint.engine.run_rules` sorts them, so the report is the one a single process makes.

Small runs stay in one process: starting workers costs more than it saves. The result never
depends on the number of workers.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .context import Context
from .discovery import Kind
from .engine import Diagnostic, Outcome, run_rules
from .loader import DEFAULT_MAX_BYTES, load_file
from .model import FileModel, Format, ParseError, Workload
from .rule import LoadedRule

PARALLEL_MIN_BYTES = 4 * 1024 * 1024  # below this a run is faster in one process
CHUNK_BYTES = 256 * 1024  # files are handed to workers in chunks of about this size
PARALLEL_MIN_WORKLOADS = 500  # below this rules run faster in one process
_RULE_RUN: tuple[Any, ...] = ()  # what forked rule workers share with the main process


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


def load_files(tasks: Sequence[LoadTask], jobs: int = 0) -> list[FileModel]:
    """The model of each task, in order; ``jobs`` worker processes (0: one per core)."""
    sizes = [_size(task.path) for task in tasks]
    workers = min(jobs or cpu_count(), len(tasks))
    if workers <= 1 or sum(sizes) < PARALLEL_MIN_BYTES or not _can_fork():
        return [load(task) for task in tasks]
    import multiprocessing  # only here: costly to import, useless for a commit's few files

    chunks = _chunks(sizes)
    models: list[FileModel | None] = [None] * len(tasks)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        batches = [[tasks[i] for i in chunk] for chunk in chunks]
        for chunk, loaded in zip(chunks, pool.imap(_load_batch, batches), strict=True):
            for index, model in zip(chunk, loaded, strict=True):
                models[index] = model
    return [m for m in models if m is not None]


def _load_batch(batch: list[LoadTask]) -> list[FileModel]:
    return [load(task) for task in batch]


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


def run_rules_in_parallel(rules: list[LoadedRule], models: list[FileModel], ctx: Context,
                          severity_overrides: Any = None, rule_options: Any = None, jobs: int = 0) -> Outcome:
    """:func:`isolint.engine.run_rules` with the models shared out among forked worker processes.

    Each worker runs every rule over a contiguous range of models (namespace rules in the first
    only); per rule, the ranges are put back in model order, then everything is sorted as
    ``run_rules`` sorts (a stable sort: equal keys keep rule, then model order).
    """
    global _RULE_RUN
    workers = min(jobs or cpu_count(), len(models))
    workloads = sum(len(m.workloads) for m in models)
    if workers <= 1 or workloads < PARALLEL_MIN_WORKLOADS or not _can_fork():
        return run_rules(rules, models, ctx, severity_overrides, rule_options)
    import multiprocessing

    _RULE_RUN = (rules, models, ctx, severity_overrides, rule_options)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_run_rules_on_range, _ranges(models, workers), chunksize=1)
    finally:
        _RULE_RUN = ()
    outcome = Outcome()
    for index in range(len(rules)):
        for part in parts:
            diagnostics, errors = part[index]
            outcome.diagnostics.extend(diagnostics)
            outcome.errors.extend(errors)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    return outcome


def _ranges(models: list[FileModel], count: int) -> list[tuple[int, int, bool]]:
    """``count`` contiguous ranges of models holding about as many workloads each."""
    total = sum(len(m.workloads) for m in models)
    ranges: list[tuple[int, int, bool]] = []
    start, seen = 0, 0
    for index, model in enumerate(models):
        seen += len(model.workloads)
        if seen * count >= total * (len(ranges) + 1) and len(ranges) < count - 1:
            ranges.append((start, index + 1, not ranges))
            start = index + 1
    ranges.append((start, len(models), not ranges))
    return ranges


def _run_rules_on_range(part: tuple[int, int, bool]) -> list[tuple[list[Diagnostic], list[ParseError]]]:
    rules, models, ctx, overrides, options = _RULE_RUN
    start, end, first = part
    out = []
    for rule in rules:
        if rule.meta.subject is not Workload and not first:
            out.append(([], []))
            continue
        outcome = run_rules([rule], models[start:end], ctx, overrides, options)
        out.append((outcome.diagnostics, outcome.errors))
    return out
