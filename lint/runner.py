"""One lint run end to end: discover → load → link → classify → check → filter."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import Context
from .discovery import Candidate, Kind, discover
from .engine import Diagnostic, build_context, drop_superseded
from .loader import ReadError, decode, load_file, overrides_with_base
from .model import FileModel, ParseError
from .parallel import LoadTask, cpu_count, load_files, run_rules_in_parallel  # noqa: F401 (cpu_count: API)
from .registry import Registry, load_rules, select_rules
from .rule import LoadedRule
from .settings import Settings
from .suppress import filter_findings
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


def load_models(paths: Iterable[str], settings: Settings, stdin: bytes | None = None) -> tuple[list[FileModel],
                                                                                                list[ParseError]]:
    walk_errors: list[tuple[str, str]] = []
    candidates: list[Candidate] = list(discover([p for p in paths if p != "-"], settings.exclude,
                                                settings.gitignore, walk_errors))
    errors = [ParseError(path, message) for path, message in walk_errors]
    if settings.only_files is not None:  # --changed-since
        candidates = [c for c in candidates if os.path.realpath(c.path) in settings.only_files]
    merged = overrides_with_base(c.path for c in candidates)  # linted as part of their base Compose file
    models = load_files([LoadTask(c.path, c.kind, c.explicit, settings.max_file_size, c.path in merged,
                                  settings.exhaustive) for c in candidates], settings.jobs)
    if stdin is not None:
        models.append(read_stdin(settings, stdin))
    return models, errors


def run(paths: Iterable[str], settings: Settings, registry: Registry | None = None,
        stdin: bytes | None = None) -> RunResult:
    registry = registry if registry is not None else load_rules(settings.plugins)
    rules = select_rules(registry, settings.select, settings.ignore, settings.profile)
    models, errors = load_models(paths, settings, stdin)
    ctx = build_context(models, settings.kubernetes_version, {"trust": settings.trust, "profile": settings.profile})
    classify_workloads((w for m in models for w in m.workloads), ctx)
    outcome = run_rules_in_parallel(rules, models, ctx, settings.severity, settings.rule_options, settings.jobs)
    outcome.diagnostics = drop_superseded(outcome.diagnostics, rules)
    shown = filter_findings(outcome.diagnostics, models, rules, registry.rules, settings)
    for model in models:
        errors.extend(model.errors)
    errors.extend(outcome.errors)
    errors.extend(ParseError("<plugins>", message) for message in registry.errors)
    errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
    files = sum(1 for m in models if m.format is not None or m.errors)
    return RunResult(shown.diagnostics, errors, models, rules, files, ctx, suppressed=shown.suppressed,
                     baselined=shown.baselined)

