"""One lint run, top-down: discover the files -> lint each one (:mod:`isolint.lint_file`, in
worker processes) -> the run's cross-file facts -> lint again the few files a later fact changes
-> decide what is shown (supersede, per-path ignores, suppressions, baseline) -> the result the
reporters read.

A changed-files run (``--changed-since``, or files named, as pre-commit names them) is the same
run over fewer files, with the context of the whole repository: the git top-level of each path is
walked as a full run walks it; the changed files are linted (with every file of a chart holding
one, and the Kustomize roots whose tree holds one: only those are rendered,
:func:`isolint.render.classify`); every other YAML file is read for its Namespace, RuntimeClass
and ServiceAccount objects only (:func:`isolint.lint_file.file_facts`: 0.26-0.43 s for the 2,773
other files of a real corpus), in the order a full run takes them. Only findings
in a changed file, or pointing at one (a values line, a kustomization), are reported.
``--no-repository-context`` leaves the rest of the repository unread.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .baseline import baseline_root, drop_baselined, drop_baselined_errors, read_baseline
from .context import Context
from .discovery import Candidate, Kind, discover
from .engine import Diagnostic, Outcome, build_context, check_namespaces, drop_superseded, prepare_rules
from .lint_file import (
    FileResult,
    Job,
    LoadTask,
    SourceLines,
    file_facts,
    lint_file,
    lint_model,
    load,
    needs_full_context,
    relint,
)
from .loader import load_file, overrides_with_base
from .model import FileModel, ParseError
from .parallel import file_size, ordered_map
from .registry import Registry, load_rules, select_rules
from .rule import LoadedRule
from .settings import Settings
from .sources import ReadError, capped, decode, git_top_level, read_text
from .suppress import FileSuppressions, SuppressionIndex, drop_per_path_ignores, pointed_comments
from .trust import classify_workloads

STDIN_KINDS = {"dockerfile": Kind.DOCKERFILE, "compose": Kind.COMPOSE, "kubernetes": Kind.KUBERNETES}


@dataclass(slots=True)
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)  # shown, in report order
    errors: list[ParseError] = field(default_factory=list)
    models: list[FileModel] = field(default_factory=list)  # with ``keep_models``
    rules: list[LoadedRule] = field(default_factory=list)
    files: int = 0
    context: Context | None = None  # classifications and cross-file facts, for the advisor
    suppressed: int = 0  # silenced by suppressions and per-path ignores
    baselined: int = 0  # known from the baseline
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)  # path -> lines, for the shown findings


def run(paths: Iterable[str], settings: Settings, registry: Registry | None = None,
        stdin: bytes | None = None, keep_models: bool = True) -> RunResult:
    """Lint ``paths`` (``-``: ``stdin``). ``keep_models``: return every file's model (the advisor
    needs them); without it each model is dropped once its file is linted, and only the source
    lines findings point at are kept."""
    from .render import configure
    from .render.kustomize import configure as configure_kustomize
    from .render.kustomize import merge_overlays

    configure(settings.helm, settings.helm.get("config-root"))  # before any worker is forked: they inherit it
    configure_kustomize(settings.kustomize)
    registry = registry if registry is not None else load_rules(settings.plugins)
    rules = select_rules(registry, settings.select, settings.ignore, settings.profile)
    paths = list(paths)
    known = read_baseline(settings.baseline) if settings.baseline else None  # a bad one fails before the work
    known_root = baseline_root(paths[0]) if paths else None  # a baseline's paths are relative to it
    template = Context(kubernetes_version=settings.kubernetes_version,
                       settings={"trust": settings.trust, "profile": settings.profile})
    job = Job(prepare_rules(rules, settings.severity, settings.rule_options), template, keep_models)
    tasks = load_tasks(paths, settings)
    errors = tasks.errors
    results: list[FileResult] = ordered_map(functools.partial(lint_file, job=job), tasks.linted,
                                            [file_size(t.path) for t in tasks.linted], settings.jobs)
    stdin_model = read_stdin(settings, stdin) if stdin is not None else None
    if stdin_model is not None:
        results.append(lint_model(stdin_model, job))
    facts = [file_facts(t) for t in tasks.context]  # a changed-files run's context: the rest of the repository
    if facts:  # in the walk's order, as a full run takes them (of two objects of one name the later wins)
        facts = sorted([*facts, *results], key=lambda r: tasks.rank.get(r.path, len(tasks.rank)))

    ctx = build_context(facts or results, settings.kubernetes_version, template.settings)
    job = dataclasses.replace(job, context=ctx, provisional=False)
    for i, result in enumerate(results):  # the second pass: the few files whose lookups the run answers otherwise
        if needs_full_context(result, ctx):
            if result.model is not None:  # it asked for a fact it holds: its model was kept
                relint(result, job)
            else:
                results[i] = lint_file(tasks.linted[i], job) if i < len(tasks.linted) else lint_model(stdin_model, job)
        results[i].asked = None
        if not keep_models:
            results[i].model = None
    namespaces = Outcome()
    check_namespaces(job.rules, ctx, namespaces)

    diagnostics = [d for r in results for d in r.diagnostics] + namespaces.diagnostics
    diagnostics.sort(key=Diagnostic.sort_key)  # stable: a file's in rule order, Namespace rules' last
    diagnostics = merge_overlays(diagnostics)  # a base's finding built by several overlays: once
    in_scope = _in_scope(tasks.scope, settings.stdin_filename if stdin_model is not None else None)
    index = suppression_index(results)
    # the comments of files whose findings come from linting another (a chart's values, a base, a patch)
    own = {os.path.normpath(r.path) for r in results for d in r.diagnostics if d.location.path == r.path}
    index.add(pointed_comments([d.location.path for d in diagnostics if os.path.normpath(d.location.path) not in own],
                               sorted({t.root for t in tasks.linted if t.root}), settings.max_file_size))
    shown, suppressed = decide(in_scope(diagnostics), index, rules, registry.rules, settings)
    shown = in_scope(shown)  # a suppression's own findings too
    sources = _sources([*((d.location.path, d.location.line) for d in shown),
                        *((e.path, e.line) for r in results for e in r.errors if e.line)], results, tasks.linted,
                       stdin_model)
    baselined = 0
    if known is not None:
        shown, baselined = drop_baselined(shown, known, sources, known_root)

    errors += [e for r in results for e in (*r.errors, *r.rule_errors)] + namespaces.errors
    errors += [ParseError("<plugins>", message) for message in registry.errors]
    # one error once (a link out met by the walk and by the Compose file naming it is reported once)
    errors = list({(os.path.normpath(e.path), e.line, e.column, e.message): capped(e) for e in errors}.values())
    errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
    if known is not None:  # files the baseline recorded as unreadable or broken
        errors, known_errors = drop_baselined_errors(errors, known, sources, known_root)
        baselined += known_errors
    models = [r.model for r in results if r.model is not None]
    if keep_models:
        classify_workloads((w for m in models for w in m.workloads), ctx)  # for the advisor
    shown_at = {d.location.path for d in shown} | {e.path for e in errors}
    return RunResult(shown, errors, models, rules, sum(r.counted for r in results), ctx, suppressed, baselined,
                     {path: lines for path, lines in sources.items() if path in shown_at})


def _in_scope(scope: frozenset[str] | None, stdin: str | None) -> Callable[[list[Diagnostic]], list[Diagnostic]]:
    """The filter of a changed-files run: the findings in a file of ``scope`` (real paths) or
    pointing at one (a chart's finding at the values line that set it, a build's at the
    kustomization that made it), and those on ``stdin`` (the name it is linted under)."""
    if scope is None:
        return lambda diagnostics: diagnostics
    memo: dict[str, bool] = {}

    def kept(path: str) -> bool:
        if path not in memo:
            memo[path] = path == stdin or os.path.realpath(path) in scope
        return memo[path]

    return lambda diagnostics: [d for d in diagnostics
                                if kept(d.location.path) or any(kept(loc.path) for loc, _ in d.related)]


def decide(diagnostics: list[Diagnostic], index: SuppressionIndex, rules: list[LoadedRule],
           known: Sequence[LoadedRule], settings: Settings) -> tuple[list[Diagnostic], int]:
    """What the run shows of its sorted ``diagnostics`` (the baseline aside), and how many were
    silenced: superseded findings dropped, then per-path ignores and suppressions, then the
    suppressions' own findings (SUP001/SUP002) added."""
    candidates = drop_superseded(diagnostics, rules)
    shown = drop_per_path_ignores(candidates, settings.per_path_ignores, settings.root)
    if settings.suppressions:
        shown = [d for d in shown if not index.silences(d)]
    suppressed = len(candidates) - len(shown)
    if settings.suppressions:
        shown.extend(index.meta_findings(rules, known, settings.severity))
        shown.sort(key=Diagnostic.sort_key)  # stable: a finding before a suppression's at the same place
    return shown, suppressed


def suppression_index(results: Sequence[FileResult]) -> SuppressionIndex:
    """The run's suppressions, indexed in file order. A workload without any is indexed (so that
    only its own apply to it) only if its resource has some elsewhere: else none apply either way."""
    suppressed = {key[0] for result in results if result.suppressions is not None
                  for key, pairs in result.suppressions.groups if pairs}
    index = SuppressionIndex()
    for result in results:
        if result.suppressions is not None:
            index.add(result.suppressions)
        if not suppressed or not result.workloads:
            continue
        keys = [key for key in (k if isinstance(k, tuple) else (k, result.path) for k in result.workloads)
                if key[0] in suppressed]
        if keys:
            index.add(FileSuppressions(groups=[(key, ()) for key in keys]))
    return index


def _sources(places: Sequence[tuple[str, int]], results: Sequence[FileResult], tasks: Sequence[LoadTask],
             stdin_model: FileModel | None) -> dict[str, Sequence[str]]:
    """Path -> lines for ``places`` (the findings', the file errors'): the lines each file kept; a
    file is read again when a finding points at a line it could not know would be needed (one a
    file reports in another, a Namespace rule's, one of the second pass)."""
    wanted: dict[str, set[int]] = {}
    for path, line in places:
        wanted.setdefault(path, set()).add(line)
    where = {r.path: i for i, r in enumerate(results)}
    sources: dict[str, Sequence[str]] = {}
    for path, numbers in wanted.items():
        i = where.get(path)
        lines = results[i].lines if i is not None else ()
        if isinstance(lines, SourceLines) and any(0 < n <= len(lines) and n - 1 not in lines.kept for n in numbers):
            full = load(tasks[i]).lines if i < len(tasks) else stdin_model.lines  # type: ignore[union-attr,operator]
            lines = full if len(full) == len(lines) else lines
        if lines:
            sources[path] = lines
    return sources


def read_stdin(settings: Settings, data: bytes) -> FileModel:
    kind = STDIN_KINDS.get(settings.stdin_kind or "", Kind.YAML)
    try:
        text = decode(data)
    except ReadError as exc:
        return FileModel(settings.stdin_filename, None, errors=[ParseError(settings.stdin_filename, exc.message,
                                                                            exc.line)])
    if settings.stdin_kind is None and _looks_like_dockerfile(text):
        kind = Kind.DOCKERFILE
    elif kind is Kind.YAML and "# Source: " in text:  # `helm template` output: mapped into the templates
        from .render.charts import load_rendered_stream

        return load_rendered_stream(settings.stdin_filename, text)
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


@dataclass(slots=True)
class Tasks:
    """What a run reads: the files it lints, in report order, and (a changed-files run) the other
    files of the repository it reads for their cross-file facts only."""

    linted: list[LoadTask]
    context: list[LoadTask]
    scope: frozenset[str] | None  # real paths of the files findings are reported for; None: all
    errors: list[ParseError]  # met finding the files
    rank: dict[str, int] = field(default_factory=dict)  # with a context: each file's place in the walk


def load_tasks(paths: Iterable[str], settings: Settings) -> Tasks:
    """The files to lint and the errors met finding them. A changed-files run (``--changed-since``,
    or files named, as pre-commit names them) reports on those files only, but takes its context
    from the whole repository (the git top-level of each path, walked as a full run walks it):
    see :func:`isolint.render.classify` for what is linted, :func:`isolint.lint_file.file_facts`
    for what is read of the rest."""
    walk_errors: list[tuple[str, str]] = []
    from .render import classify

    paths = [p for p in paths if p != "-"]
    named = list(discover(paths, settings.exclude, settings.gitignore, walk_errors))
    scope = None
    if settings.only_files is not None or any(c.explicit for c in named):
        repositories = _repositories(paths)
        if settings.only_files is not None and not repositories:  # CI: `--changed-since REF .` at the top
            scope = settings.only_files
        else:
            reals = [os.path.realpath(c.path) for c in named]
            scope = frozenset(r for r in reals if settings.only_files is None or r in settings.only_files)
            if settings.repository_context and repositories:  # a file found twice is classified once
                named += [c if os.path.isabs(c.path) else dataclasses.replace(c, path=os.path.relpath(c.path))
                          for c in discover(repositories, settings.exclude, settings.gitignore, [])]  # its errors
                # are not the run's: not reported
    linted, context = classify(named, scope, settings.render)  # a chart's files made Kind.HELM ...
    merged = overrides_with_base(c.path for c in linted)  # linted as part of their base Compose file
    environ = compose_environ(settings)

    def task(c: Candidate) -> LoadTask:
        return LoadTask(c.path, c.kind, c.explicit, settings.max_file_size, c.path in merged, settings.exhaustive,
                        environ, c.root)

    context = context if settings.repository_context else []
    return Tasks([task(c) for c in linted], [task(c) for c in context], scope,
                 [ParseError(path, message) for path, message in walk_errors],
                 {c.path: i for i, c in enumerate(named)} if context else {})


def _repositories(paths: Sequence[str]) -> list[str]:
    """The git top-levels of ``paths`` that a walk of ``paths`` does not already cover (none is one
    of them), spelled as the paths are (relative ones relative to the working folder)."""
    roots = {path: git_top_level(path) for path in paths}
    walked = {root for path, root in roots.items() if os.path.isdir(path) and os.path.realpath(path) == root}
    out: list[str] = []
    for path, root in roots.items():
        if root is None or root in walked:
            continue
        spelled = root if os.path.isabs(path) else os.path.relpath(root)
        if spelled not in out:
            out.append(spelled)
    return out
