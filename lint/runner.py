"""One lint run end to end: discover → load → link → classify → check → filter."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .context import Context
from .discovery import Candidate, Kind, discover
from .engine import Diagnostic, Outcome, build_context, check_namespaces, prepare_rules
from .findings import Findings, Found
from .loader import load_file, overrides_with_base
from .model import FileModel, ParseError
from .parallel import LoadTask, Tasks, Workers, load
from .pipeline import FileResult, Job, Outcomes, SourceLines, lint_model, needs_full_context, relint
from .registry import Registry, load_rules, select_rules
from .rule import LoadedRule
from .settings import Settings
from .sources import ReadError, decode, read_text
from .suppress import FileSuppressions, SuppressionIndex
from .trust import classify_workloads

STDIN_KINDS = {"dockerfile": Kind.DOCKERFILE, "compose": Kind.COMPOSE, "kubernetes": Kind.KUBERNETES}
KEEP_THAWED = 10_000  # findings: up to this many (about 3.5 MB) are held as objects once decided, not read twice


@dataclass(slots=True)
class RunResult:
    # in report order; a run's are a Findings, held compactly and read back as they are reported
    diagnostics: Sequence[Diagnostic] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    models: list[FileModel] = field(default_factory=list)
    rules: list[LoadedRule] = field(default_factory=list)
    files: int = 0
    context: Context | None = None  # classifications and cross-file facts, for the advisor
    suppressed: int = 0  # silenced by suppressions and per-path ignores
    baselined: int = 0  # known from the baseline
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)  # path -> lines, for the reported findings


def read_stdin(settings: Settings, data: bytes) -> FileModel:
    kind = STDIN_KINDS.get(settings.stdin_kind or "", Kind.YAML)
    try:
        text = decode(data)
    except ReadError as exc:
        return FileModel(settings.stdin_filename, None, errors=[ParseError(settings.stdin_filename, exc.message,
                                                                            exc.line)])
    if settings.stdin_kind is None and _looks_like_dockerfile(text):
        kind = Kind.DOCKERFILE
    return load_file(settings.stdin_filename, kind, text=text, explicit=True, environ=compose_environ(settings))


def compose_environ(settings: Settings) -> dict[str, str] | None:
    """The variables Compose files are interpolated with, over each project's ``.env``: those of the
    ``--env-file`` files (later files win), then, only with the ``--interpolate-process-env``
    opt-in, the process environment (on CI it holds secrets: docs/security.md). None: none given."""
    if not settings.env_files and not settings.process_env:
        return None
    from .parsers.compose.interpolation import read_dotenv

    shell = dict(os.environ) if settings.process_env else {}
    values: dict[str, str] = {}
    for path in settings.env_files:  # checked readable when the settings were made (cli, config)
        values.update(read_dotenv(read_text(path, settings.max_file_size), {**values, **shell}))
    return {**values, **shell}


def _looks_like_dockerfile(text: str) -> bool:
    from .parsers.dockerfile import looks_like_dockerfile

    return looks_like_dockerfile(text)


def load_tasks(paths: Iterable[str], settings: Settings, found: Callable[[str], None] | None = None,
               ) -> tuple[Tasks, list[ParseError]]:
    """The files to lint, in report order, and the errors met finding them; ``found`` is told of
    each file as soon as it is found."""
    walk_errors: list[tuple[str, str]] = []
    candidates: Iterable[Candidate] = discover([p for p in paths if p != "-"], settings.exclude, settings.gitignore,
                                               walk_errors)
    if settings.only_files is not None:  # --changed-since
        only = settings.only_files
        candidates = (c for c in candidates if os.path.realpath(c.path) in only)
    kept: list[Candidate] = []
    for candidate in candidates:
        kept.append(candidate)
        if found is not None:
            found(candidate.path)
    errors = [ParseError(path, message) for path, message in walk_errors]
    merged = overrides_with_base(c.path for c in kept)  # linted as part of their base Compose file
    tasks = Tasks(settings.max_file_size, settings.exhaustive, compose_environ(settings))
    for c in kept:
        tasks.append(c.path, c.kind, c.explicit, c.path in merged)
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
    template = Context(kubernetes_version=settings.kubernetes_version,
                       settings={"trust": settings.trust, "profile": settings.profile})
    job = Job(prepare_rules(rules, settings.severity, settings.rule_options), template, keep_models)
    baseline = _read_baseline(settings.baseline) if settings.baseline else None
    with Workers(job, settings.jobs) as workers:
        tasks, errors = load_tasks(paths, settings, workers.found)
        workers.found_all()
        outcomes = workers.lint(tasks)
        job = workers.job  # frozen results if the run is large
        stdin_model = read_stdin(settings, stdin) if stdin is not None else None
        if stdin_model is not None:
            outcomes.append(lint_model(stdin_model, job))
        ctx = build_context(outcomes.linted(), settings.kubernetes_version, template.settings)
        _relint_with_facts(outcomes, tasks, stdin_model, dataclasses.replace(job, context=ctx, provisional=False),
                           workers)

    namespaces = Outcome()
    check_namespaces(job.rules, ctx, namespaces)
    for result in outcomes.linted():
        errors.extend(result.errors)
        errors.extend(result.rule_errors)
    index = _suppression_index(outcomes)
    errors.extend(namespaces.errors)
    models = [r.model for r in outcomes.linted() if r.model is not None] if keep_models else []
    if keep_models:
        classify_workloads((w for m in models for w in m.workloads), ctx)  # for the advisor
    sources = _Sources(outcomes, tasks, stdin_model)
    total = sum(r.found + len(r.diagnostics) for r in outcomes.linted()) + len(namespaces.diagnostics)
    findings = Findings.decide(_found(outcomes, namespaces.diagnostics), rules, registry.rules, index.index,
                               settings, sources.of, job.zdict, outcomes.spill.get, thawed=total <= KEEP_THAWED,
                               baseline=baseline)
    errors.extend(ParseError("<plugins>", message) for message in registry.errors)
    # one error once (a link out met by the walk and by the Compose file naming it is reported once)
    errors = list({(os.path.normpath(e.path), e.line, e.column, e.message): e for e in errors}.values())
    errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
    return RunResult(findings, errors, models, rules, outcomes.files(), ctx, suppressed=findings.suppressed,
                     baselined=findings.baselined, sources=sources.of(findings.paths()))


def _read_baseline(path: str) -> frozenset[str]:
    """The baseline's fingerprints, read before the run (reading a large one costs far more than
    what it leaves: done while this process is small, before the workers are forked)."""
    from .baseline import read_baseline

    return read_baseline(path)


def _suppression_index(outcomes: Outcomes) -> SuppressionIndex:
    """The run's suppressions, indexed in file order. A workload without any is indexed (so that
    only its own apply to it) only if its resource has some elsewhere: else none apply either way."""
    suppressed = {key[0] for result in outcomes.linted() if result.suppressions is not None
                  for key, pairs in result.suppressions.groups if pairs}
    index = SuppressionIndex()
    for result in outcomes.linted():
        if result.suppressions is not None:
            index.add(result.suppressions)
        if not suppressed or not result.workloads:
            continue
        keys = [key for key in (k if isinstance(k, tuple) else (k, result.path) for k in outcomes.workloads(result))
                if key[0] in suppressed]
        if keys:
            index.add(FileSuppressions(groups=[(key, ()) for key in keys]))
    return index


def _found(outcomes: Outcomes, namespace_findings: list[Diagnostic]) -> Iterator[tuple[str, Found]]:
    """Every finding of the run as ``(path, findings at that path)``, in file order (the Namespace
    rules' last, as they run last)."""
    for result in outcomes.linted():
        if result.findings is not None:
            yield result.path, result.findings
        yield from _by_path(result.diagnostics)
    yield from _by_path(namespace_findings)


def _by_path(diagnostics: Sequence[Diagnostic]) -> Iterable[tuple[str, list[Diagnostic]]]:
    out: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(d.location.path, []).append(d)
    return out.items()


def _relint_with_facts(outcomes: Outcomes, tasks: Tasks, stdin_model: FileModel | None, job: Job,
                       workers: Workers) -> None:
    """Lint again, with the run's facts, the files whose rules would have been answered otherwise:
    the workers read the files again, or lint the frozen models kept for it again."""
    again = [i for i, result in outcomes.items() if needs_full_context(result, job.context)]
    for result in outcomes.linted():
        result.asked = None  # answered
    results = outcomes.results
    work: list[LoadTask | tuple[str, bytes]] = []
    where: list[int] = []
    for i in again:
        result = results[i]
        assert result is not None
        if result.second_pass is not None:
            work.append((result.path, result.second_pass))
        elif result.model is None and i < len(tasks):
            work.append(tasks[i])
        else:
            continue
        where.append(i)
    pending = workers.lint_later(work, job.context)
    for i in again:
        result = results[i]
        if result is not None and result.model is not None:  # a model kept as it is (a small run, or the advisor's)
            relint(result, job)
            if not job.keep_models:
                result.model = None
            outcomes.put(i, result)
        elif i == len(tasks) and stdin_model is not None:
            outcomes.put(i, lint_model(stdin_model, job))
    for i, item, done in zip(where, work, pending(), strict=True):
        if isinstance(item, tuple):  # what linting the frozen model again changed
            result = results[i]
            assert result is not None and isinstance(done, FileResult)
            result.diagnostics, result.rule_errors = done.diagnostics, done.rule_errors
            result.findings, result.found, result.second_pass = done.findings, done.found, None
            outcomes.put(i, result)  # spilled
        else:
            outcomes.put(i, done)


class _Sources:
    """Source lines for reports: what the workers kept, and for a line they could not know would be
    needed (a finding one file reports in another, a Namespace rule's), the file read again."""

    def __init__(self, outcomes: Outcomes, tasks: Tasks, stdin_model: FileModel | None) -> None:
        self.kept: dict[str, FileResult] = {r.path: r for r in outcomes.linted() if r.lines}
        self.outcomes, self.tasks = outcomes, tasks
        self.stdin_lines = stdin_model.lines if stdin_model is not None else ()
        self._index: dict[str, int] | None = None
        self._full: dict[str, Sequence[str]] = {}
        self._last: tuple[str | None, Sequence[str] | None] = (None, None)

    def of(self, paths: Iterable[str]) -> Mapping[str, Sequence[str]]:
        """The lines of the files at ``paths`` (those the run has lines of)."""
        return _LinesOf(self, paths)

    def lines(self, path: str) -> Sequence[str] | None:
        if path == self._last[0]:  # reports ask path after path: each file's lines are thawed once
            return self._last[1]
        result = self.kept.get(path)
        lines = self.outcomes.lines(result) if result is not None else self._unkept(path)
        if isinstance(lines, SourceLines):
            lines = _Reread(lines, path, self)
        self._last = (path, lines)
        return lines

    def _unkept(self, path: str) -> SourceLines | None:
        """The line count of a file that yielded nothing, whose lines nobody kept."""
        i = self._task_index(path)
        count = self.outcomes.line_counts[i] if i is not None and self.outcomes.results[i] is None else 0
        return SourceLines(count, {}) if count else None

    def full(self, path: str, count: int) -> Sequence[str] | None:
        """Every line of ``path`` read again (once), if it still has ``count`` lines."""
        if path not in self._full:
            i = self._task_index(path)
            self._full[path] = load(self.tasks[i]).lines if i is not None else self.stdin_lines
        full = self._full[path]
        return full if len(full) == count else None

    def _task_index(self, path: str) -> int | None:
        if self._index is None:  # rarely needed: not built for every run
            self._index = {path: i for i, path in enumerate(self.tasks.paths)}
        return self._index.get(path)


class _Reread(Sequence[str]):
    """A file's kept lines; a line nobody kept is read from the file again."""

    __slots__ = ("kept", "path", "sources")

    def __init__(self, kept: SourceLines, path: str, sources: _Sources) -> None:
        self.kept, self.path, self.sources = kept, path, sources

    def __len__(self) -> int:
        return len(self.kept)

    def __getitem__(self, index: Any) -> Any:
        kept = self.kept.kept
        assert isinstance(kept, dict)
        if isinstance(index, int) and (index % len(self.kept) if index < 0 else index) in kept:
            return kept[index % len(self.kept) if index < 0 else index]
        full = self.sources.full(self.path, len(self.kept))
        return self.kept[index] if full is None else full[index]


class _LinesOf(Mapping[str, Sequence[str]]):
    """Path -> lines for some paths, each read when asked for."""

    def __init__(self, sources: _Sources, paths: Iterable[str]) -> None:
        self.sources, self.paths = sources, set(paths)

    def __getitem__(self, path: str) -> Sequence[str]:
        lines = self.sources.lines(path) if path in self.paths else None
        if lines is None:
            raise KeyError(path)
        return lines

    def __iter__(self) -> Iterator[str]:
        return (p for p in self.paths if self.sources.lines(p) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
