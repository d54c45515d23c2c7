"""The shortcuts change nothing.

The reference here is the plain algorithm, written out in this file: load every file into a model
(no prescan), build the context from all of them, classify, run every rule over every model,
drop superseded findings, filter. Every run mode -- prescan on or off, one process or several,
models kept or dropped file by file (the CLI's mode) -- must give exactly its findings, errors,
file count, models and the source lines the reports show.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import generate
from isolint import loader, prescan
from isolint.engine import build_context, drop_superseded, run_rules
from isolint.registry import load_rules, select_rules
from isolint.reporters import Report
from isolint.reporters.text import render
from isolint.runner import RunResult, load_models, run
from isolint.settings import Settings
from isolint.suppress import filter_findings
from isolint.trust import classify_workloads

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = (loader.PRESCAN_FROM, prescan.REMEMBER_FROM)
FIXTURES = ROOT / "fixtures"


def _settings(exhaustive: bool = False, jobs: int = 1) -> Settings:
    return Settings(select=["ALL"], exhaustive=exhaustive, jobs=jobs)


def _reference(path: Path) -> RunResult:
    settings = _settings(exhaustive=True)
    registry = load_rules()
    rules = select_rules(registry, settings.select)
    models, errors = load_models([str(path)], settings)
    ctx = build_context(models, settings.kubernetes_version, {"trust": settings.trust, "profile": settings.profile})
    classify_workloads((w for m in models for w in m.workloads), ctx)
    outcome = run_rules(rules, models, ctx, settings.severity, settings.rule_options)
    shown = filter_findings(drop_superseded(outcome.diagnostics, rules), models, rules, registry.rules, settings)
    errors += [e for m in models for e in m.errors] + outcome.errors
    errors.sort(key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
    files = sum(1 for m in models if m.format is not None or m.errors)
    sources = {m.path: m.lines for m in models if m.lines}
    return RunResult(shown.diagnostics, errors, models, rules, files, ctx, sources=sources)


def _text(result: RunResult) -> str:
    return render(Report(result.diagnostics, result.errors, result.files, result.rules, result.sources))


def _assert_same(fast: RunResult, slow: RunResult) -> None:
    assert fast.diagnostics == slow.diagnostics
    assert fast.errors == slow.errors
    assert fast.files == slow.files
    assert _text(fast) == _text(slow)  # code frames: the same source lines


@pytest.fixture(autouse=True)
def _prescan_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default small files skip the prescan and only large documents' verdicts are remembered:
    here every file is prescanned and every verdict remembered, so both shortcuts are exercised
    (:func:`test_default_thresholds_agree_too` keeps the defaults)."""
    monkeypatch.setattr(loader, "PRESCAN_FROM", 0)
    monkeypatch.setattr(prescan, "REMEMBER_FROM", 0)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(str(out), megabytes=1.5, seed=7)
    return out


@pytest.fixture(scope="module")
def corpus_reference(corpus: Path) -> RunResult:
    return _reference(corpus)


@pytest.mark.parametrize("exhaustive", [False, True])
@pytest.mark.parametrize("keep_models", [False, True])
def test_fixtures_every_mode_agrees_with_the_reference(exhaustive: bool, keep_models: bool):
    slow = _reference(FIXTURES)
    assert slow.diagnostics and slow.context is not None and slow.context.namespaces, \
        "the fixtures must produce findings and Namespace facts for the comparison to mean anything"
    fast = run([str(FIXTURES)], _settings(exhaustive), keep_models=keep_models)
    _assert_same(fast, slow)
    if keep_models:
        assert fast.models == slow.models


@pytest.mark.parametrize("keep_models", [False, True])
def test_generated_corpus_agrees_with_the_reference(corpus: Path, corpus_reference: RunResult, keep_models: bool):
    assert len(corpus_reference.diagnostics) > 100 and corpus_reference.errors
    fast = run([str(corpus)], _settings(), keep_models=keep_models)
    _assert_same(fast, corpus_reference)
    if keep_models:
        assert fast.models == corpus_reference.models


@pytest.mark.parametrize("keep_models", [False, True])
def test_worker_processes_change_nothing(corpus: Path, corpus_reference: RunResult, keep_models: bool,
                                         monkeypatch: pytest.MonkeyPatch):
    from isolint import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 64 * 1024)
    fast = run([str(corpus)], _settings(jobs=3), keep_models=keep_models)
    _assert_same(fast, corpus_reference)
    if keep_models:
        assert fast.models == corpus_reference.models


def test_default_thresholds_agree_too(corpus: Path, corpus_reference: RunResult, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(loader, "PRESCAN_FROM", DEFAULTS[0])
    monkeypatch.setattr(prescan, "REMEMBER_FROM", DEFAULTS[1])
    _assert_same(run([str(corpus)], _settings(), keep_models=False), corpus_reference)


def test_a_fact_in_a_later_file_reaches_an_earlier_one(tmp_path: Path):
    """The first pass lints ``a.yaml`` before the Namespace in ``b.yaml`` is known; it is linted
    again with it (the tenant label escalates its findings)."""
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: t\nspec:\n"
                                     "  containers:\n  - name: c\n    image: i\n    securityContext:\n"
                                     "      privileged: true\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: t\n  labels:\n"
                                     "    capsule.clastix.io/tenant: x\n")
    slow = _reference(tmp_path)
    assert any(d.escalated_from is not None for d in slow.diagnostics)
    _assert_same(run([str(tmp_path)], _settings(), keep_models=False), slow)
