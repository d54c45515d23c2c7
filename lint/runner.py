"""One lint run end to end: discover → load → link → classify → check → filter."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .context import Context
from .discovery import Candidate, Kind, discover
from .engine import Diagnostic, Outcome, build_context, check_namespaces, drop_superseded, prepare_rules
from .loader import ReadError, decode, load_file, overrides_with_base
from .model import FileModel, ParseError
from .parallel import LoadTask, Workers, load
from .pipeline import FileResult, Job, SourceLines, lint_model, needs_full_context, relint
from .registry import Registry, load_rules, select_rules
from .rule import LoadedRule
from .settings import Settings
from .suppress import SuppressionIndex, filter_indexed
from .trust import classify_workloads

STDIN_KINDS = {"dockerfile": Kind.DOCKERFILE, "compose": Kind.COMPOSE, "kubernetes": Kind.KUBERNETES}


@dataclass(slots=True)
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    models: list[FileModel] = field(default_factory=list)
    rules: list[LoadedRule] = field(default_factory=list)
    files: int = 0
    context: Context | None = None  # classifications and cross-file facts, for the advisor
    suppressed: int = 0  # silenced by suppressions and per-path ignores
    baselined: int = 0  # known from the baseline
    sources: dict[str, Sequence[str]] = field(default_factory=dict)  # path -> lines, for the reported findings


def read_stdin(settings: Settings, data: bytes) -> FileModel:
    kind = STDIN_KINDS.get(settings.stdin_kind or "", Kind.YAML)
    try:
        text = decode(data)
    except ReadError as exc:
        return FileModel(settings.stdin_filename, None, errors=[ParseError(settings.stdin_filename, exc.message,
                                                                            exc.line)])
    if settings.stdin_kind is None and _looks_like_dockerfile(text):
        kind = Kind.DOCKERFILE
    return load_file(settings.stdin_filename, kind, text=text, explicit=True)


def _looks_like_dockerfile(text: str) -> bool:
    from .parsers.dockerfile import looks_like_dockerfile

    return looks_like_dockerfile(text)


def load_tasks(paths: Iterable[str], settings: Settings) -> tuple[list[LoadTask], list[ParseError]]:
    """The files to lint, in report order, and the errors met finding them."""
    walk_errors: list[tuple[str, str]] = []
    candidates: list[Candidate] = list(discover([p for p in paths if p != "-"], settings.exclude,
                                                settings.gitignore, walk_errors))
    errors = [ParseError(path, message) for path, message in walk_errors]
    if settings.only_files is not None:  # --changed-since
        candidates = [c for c in candidates if os.path.realpath(c.path) in settings.only_files]
    merged = overrides_with_base(c.path for c in candidates)  # linted as part of their base Compose file
    tasks = [LoadTask(c.path, c.kind, c.explicit, settings.max_file_size, c.path in merged, settings.exhaustive)
             for c in candidates]
    return tasks, errors


def load_models(paths: Iterable[str], settings: Settings, stdin: bytes | None = None) -> tuple[list[FileModel],
                                                                                                list[ParseError]]:
    tasks, errors = load_tasks(paths, settings)
    models = [load(task) for task in tasks]
    if stdin is not None:
        models.append(read_stdin(settings, stdin))
    return models, errors


def run(paths: Iterable[str], settings: Settings, registry: Registry | None = None,
        stdin: bytes | None = None, keep_models: bool = True) -> RunResult:
    """Lint ``paths`` (``-``: ``stdin``). ``keep_models``: return every file's model (the advisor
    needs them); without it each model is dropped once its file is linted, so memory stays bounded
    by the largest file, and ``sources`` holds only the lines findings point at."""
    registry = registry if registry is not None else load_rules(settings.plugins)
    rules = select_rules(registry, settings.select, settings.ignore, settings.profile)
    tasks, errors = load_tasks(paths, settings)
    template = Context(kubernetes_version=settings.kubernetes_version,
                       settings={"trust": settings.trust, "profile": settings.profile})
    job = Job(prepare_rules(rules, settings.severity, settings.rule_options), template, keep_models)
    with Workers(tasks, job, settings.jobs) as workers:
        results = workers.lint(tasks)
        stdin_model = read_stdin(settings, stdin) if stdin is not None else None
        if stdin_model is not None:
            results.append(lint_model(stdin_model, job))
        ctx = build_context(results, settings.kubernetes_version, template.settings)
        _relint_with_facts(results, tasks, stdin_model, Job(job.rules, ctx, keep_models, provisional=False),
                           workers)

    outcome = Outcome()
    index = SuppressionIndex()
    for result in results:
        outcome.diagnostics.extend(result.diagnostics)
        errors.extend(result.errors)
        errors.extend(result.rule_errors)
        if result.suppressions is not None:
            index.add(result.suppressions)
    check_namespaces(job.rules, ctx, outcome)
    errors.extend(outcome.errors)
    outcome.diagnostics.sort(key=Diagnostic.sort_key)
    diagnostics = drop_superseded(outcome.diagnostics, rules)
    models = [r.model for r in results if r.model is not None] if keep_models else []
    if keep_models:
        classify_workloads((w for m in models for w in m.workloads), ctx)  # for the advisor
    sources = _Sources(results, tasks, stdin_model)
    shown = filter_indexed(diagnostics, index.index, lambda: sources.of(diagnostics), rules, registry.rules,
                           settings)
    errors.extend(ParseError("<plugins>", message) for message in registry.errors)
    errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
    files = sum(1 for r in results if r.counted)
    return RunResult(shown.diagnostics, errors, models, rules, files, ctx, suppressed=shown.suppressed,
                     baselined=shown.baselined, sources=sources.of(shown.diagnostics))


def _relint_with_facts(results: list[FileResult], tasks: list[LoadTask], stdin_model: FileModel | None, job: Job,
                       workers: Workers) -> None:
    """Lint again, with the run's facts, the files whose rules would have been answered otherwise:
    the workers read the files again while this process relints the models kept for it."""
    again = [i for i, result in enumerate(results) if needs_full_context(result, job.context)]
    reread = [i for i in again if i < len(tasks) and results[i].model is None]
    pending = workers.lint_later([tasks[i] for i in reread], job.context)
    for i in again:
        if results[i].model is not None:
            relint(results[i], job)
        elif i == len(tasks) and stdin_model is not None:
            results[i] = lint_model(stdin_model, job)
    for i, result in zip(reread, pending(), strict=True):
        results[i] = result


class _Sources:
    """Source lines for reports: what the workers kept, and for a line they could not know would be
    needed (a finding one file reports in another, a Namespace rule's), the file read again."""

    def __init__(self, results: list[FileResult], tasks: list[LoadTask], stdin_model: FileModel | None) -> None:
        self.lines: dict[str, Sequence[str]] = {r.path: r.lines for r in results if r.lines}
        self.tasks = {task.path: task for task in tasks}
        self.stdin_lines = stdin_model.lines if stdin_model is not None else ()

    def of(self, diagnostics: Iterable[Diagnostic]) -> dict[str, Sequence[str]]:
        out: dict[str, Sequence[str]] = {}
        for d in diagnostics:
            path, line = d.location.path, d.location.line
            lines = self.lines.get(path)
            if lines is None:
                continue
            if isinstance(lines, SourceLines) and 1 <= line <= len(lines) and line - 1 not in lines.kept:
                lines = self.lines[path] = self._full(path, lines)
            out[path] = lines
        return out

    def _full(self, path: str, lines: SourceLines) -> Sequence[str]:
        task = self.tasks.get(path)
        full = load(task).lines if task is not None else self.stdin_lines
        return full if len(full) == len(lines) else lines
