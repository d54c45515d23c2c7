"""The shortcuts change nothing.

The reference here is the plain algorithm, written out in this file: load every file into a model
(no prescan), build the context from all of them, classify, run every rule over every model,
drop superseded findings, filter. Every run mode -- prescan on or off, one process or several,
models kept or dropped file by file (the CLI's mode) -- must give exactly its findings, errors,
file count, models and the source lines the reports show.
"""

from __future__ import annotations

import dataclasses
import json
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
from isolint.suppress import Filtered, filter_findings
from isolint.trust import classify_workloads

ROOT = Path(__file__).resolve().parent.parent
DEFAULTS = (loader.PRESCAN_FROM, prescan.REMEMBER_FROM)
FIXTURES = ROOT / "fixtures"


def _settings(exhaustive: bool = False, jobs: int = 1) -> Settings:
    return Settings(select=["ALL"], exhaustive=exhaustive, jobs=jobs)


def _reference(path: Path) -> RunResult:
    return _plain_filtered(path, _settings(exhaustive=True))[0]


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


def _plain_filtered(path: Path, settings: Settings) -> tuple[RunResult, Filtered]:
    """The plain algorithm under ``settings`` (a baseline ...), with what the filters dropped."""
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
    return RunResult(shown.diagnostics, errors, models, rules, files, ctx, sources=sources), shown


def _frozen_everywhere(monkeypatch: pytest.MonkeyPatch, workers: bool, after: int = 0) -> None:
    """Every run large: findings held frozen until the report (isolint.findings), in worker
    processes, or in one process once it holds more than ``after``."""
    from isolint import parallel

    monkeypatch.setattr(parallel, "FREEZE_AFTER", after)
    if workers:
        monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(parallel, "CHUNK_BYTES", 16 * 1024)


@pytest.mark.parametrize(("jobs", "after"), [(1, 0), (1, 50), (3, 0)])
def test_findings_held_frozen_change_nothing(jobs: int, after: int, monkeypatch: pytest.MonkeyPatch):
    """The fixtures hold findings one file reports in another (Compose overrides), suppressions of
    every form and Namespace rules' findings: read back path by path they are the same (frozen from
    the start, or from the middle of the run on)."""
    from isolint import findings

    frozen: list[int] = []
    freeze = findings.freeze
    monkeypatch.setattr(findings, "freeze", lambda found, zdict: frozen.append(len(found)) or freeze(found, zdict))
    _frozen_everywhere(monkeypatch, workers=jobs > 1, after=after)
    slow, shown = _plain_filtered(FIXTURES, _settings(exhaustive=True))
    fast = run([str(FIXTURES)], _settings(jobs=jobs), keep_models=False)
    assert fast.diagnostics == slow.diagnostics and _text(fast) == _text(slow)
    assert (fast.suppressed, fast.baselined) == (shown.suppressed, shown.baselined) and shown.suppressed
    if jobs == 1:  # the workers froze the others in their own processes
        assert sum(frozen) > len(fast.diagnostics) / 2


@pytest.mark.parametrize("workers", [False, True])
def test_a_baseline_drops_the_same_findings_from_frozen_ones(tmp_path: Path, workers: bool,
                                                              monkeypatch: pytest.MonkeyPatch):
    from isolint.baseline import write_baseline

    every = run([str(FIXTURES)], _settings(), keep_models=False)
    baseline = tmp_path / "baseline.json"
    known = list(every.diagnostics)
    write_baseline(str(baseline), known, every.sources)
    document = json.loads(baseline.read_text())
    document["findings"] = document["findings"][::3]  # a third known: the others are new
    baseline.write_text(json.dumps(document))
    _frozen_everywhere(monkeypatch, workers)
    settings = _settings(jobs=3 if workers else 1)
    settings.baseline = str(baseline)
    slow, shown = _plain_filtered(FIXTURES, dataclasses.replace(settings, exhaustive=True))
    fast = run([str(FIXTURES)], settings, keep_models=False)
    assert 0 < shown.baselined < len(known)
    assert fast.diagnostics == slow.diagnostics and _text(fast) == _text(slow)
    assert (fast.suppressed, fast.baselined) == (shown.suppressed, shown.baselined)


def test_an_annotation_silences_its_own_workload_not_a_namesake_in_another_file(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch):
    """Workloads without suppressions are indexed only when their resource has some elsewhere."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n{annotations}spec:\n  containers:\n"
           "  - name: c\n    image: i\n    securityContext:\n      privileged: true\n")
    (tmp_path / "a.yaml").write_text(pod.format(annotations='  annotations:\n    isolint.io/ignore: "PRV001: ok"\n'))
    (tmp_path / "b.yaml").write_text(pod.format(annotations="  annotations:\n    team: x\n"))
    (tmp_path / "c.yaml").write_text(pod.format(annotations=""))
    _frozen_everywhere(monkeypatch, workers=False)
    slow, shown = _plain_filtered(tmp_path, _settings(exhaustive=True))
    fast = run([str(tmp_path)], _settings(), keep_models=False)
    assert {d.path for d in slow.diagnostics if d.rule == "PRV001"} == {str(tmp_path / "b.yaml"),
                                                                       str(tmp_path / "c.yaml")}
    assert fast.diagnostics == slow.diagnostics and fast.suppressed == shown.suppressed == 1
