"""The shortcuts change nothing: the prescan on or off, one process or several, models kept (the
advisor's mode) or dropped file by file (the CLI's) give the same findings, errors, file count
and source lines the reports show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from isolint import parallel
from isolint.reporters import Report
from isolint.reporters.text import render
from isolint.runner import RunResult, run
from isolint.settings import Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(path: Path, exhaustive: bool = False, jobs: int = 1, keep_models: bool = False) -> RunResult:
    return run([str(path)], Settings(select=["ALL"], exhaustive=exhaustive, jobs=jobs), keep_models=keep_models)


def _text(result: RunResult) -> str:
    return render(Report(result.diagnostics, result.errors, result.files, result.rules, result.sources))


def _assert_same(fast: RunResult, slow: RunResult) -> None:
    assert fast.diagnostics == slow.diagnostics
    assert fast.errors == slow.errors
    assert (fast.files, fast.suppressed, fast.baselined) == (slow.files, slow.suppressed, slow.baselined)
    assert _text(fast) == _text(slow)  # code frames: the same source lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(str(out), megabytes=1.5, seed=7)
    return out


@pytest.fixture(scope="module")
def corpus_reference(corpus: Path) -> RunResult:
    return _run(corpus, exhaustive=True, keep_models=True)


@pytest.fixture(scope="module")
def fixtures_reference() -> RunResult:
    slow = _run(FIXTURES, exhaustive=True, keep_models=True)
    assert slow.diagnostics and slow.suppressed and slow.context is not None and slow.context.namespaces, \
        "the fixtures must produce findings, suppressions and Namespace facts for the comparison to mean anything"
    return slow


@pytest.mark.parametrize("exhaustive", [False, True])
@pytest.mark.parametrize("keep_models", [False, True])
def test_fixtures_every_mode_agrees(fixtures_reference: RunResult, exhaustive: bool, keep_models: bool):
    fast = _run(FIXTURES, exhaustive, keep_models=keep_models)
    _assert_same(fast, fixtures_reference)
    if keep_models:
        assert fast.models == fixtures_reference.models


def test_the_prescan_changes_nothing_on_a_generated_corpus(corpus: Path, corpus_reference: RunResult):
    assert len(corpus_reference.diagnostics) > 100 and corpus_reference.errors
    _assert_same(_run(corpus), corpus_reference)


@pytest.mark.parametrize("path", ["fixtures", "corpus"])
@pytest.mark.parametrize("keep_models", [False, True])
def test_worker_processes_change_nothing(path: str, keep_models: bool, corpus: Path, corpus_reference: RunResult,
                                         fixtures_reference: RunResult, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "CHUNK", 16)
    folder, reference = (FIXTURES, fixtures_reference) if path == "fixtures" else (corpus, corpus_reference)
    fast = _run(folder, jobs=3, keep_models=keep_models)
    _assert_same(fast, reference)
    if keep_models:
        assert fast.models == reference.models


def test_a_fact_in_a_later_file_reaches_an_earlier_one(tmp_path: Path):
    """The first pass lints ``a.yaml`` before the Namespace in ``b.yaml`` is known; it is linted
    again with it (the tenant label escalates its findings)."""
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: t\nspec:\n"
                                     "  containers:\n  - name: c\n    image: i\n    securityContext:\n"
                                     "      privileged: true\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: t\n  labels:\n"
                                     "    capsule.clastix.io/tenant: x\n")
    result = _run(tmp_path)
    assert any(d.escalated_from is not None for d in result.diagnostics if d.path.endswith("a.yaml"))
    _assert_same(result, _run(tmp_path, keep_models=True))


def test_an_annotation_silences_its_own_workload_not_a_namesake_in_another_file(tmp_path: Path):
    """Workloads without suppressions are indexed only when their resource has some elsewhere."""
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n{annotations}spec:\n  containers:\n"
           "  - name: c\n    image: i\n    securityContext:\n      privileged: true\n")
    (tmp_path / "a.yaml").write_text(pod.format(annotations='  annotations:\n    isolint.io/ignore: "PRV001: ok"\n'))
    (tmp_path / "b.yaml").write_text(pod.format(annotations="  annotations:\n    team: x\n"))
    (tmp_path / "c.yaml").write_text(pod.format(annotations=""))
    result = _run(tmp_path)
    assert {d.path for d in result.diagnostics if d.rule == "PRV001"} == {str(tmp_path / "b.yaml"),
                                                                         str(tmp_path / "c.yaml")}
    assert result.suppressed == 1


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_baseline_drops_the_findings_it_knows(tmp_path: Path, jobs: int, fixtures_reference: RunResult,
                                               monkeypatch: pytest.MonkeyPatch):
    from isolint.baseline import write_baseline

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    every = _run(FIXTURES)
    baseline = tmp_path / "baseline.json"
    write_baseline(str(baseline), every.diagnostics, every.sources)
    document = json.loads(baseline.read_text())
    document["findings"] = document["findings"][::3]  # a third known: the others are new
    baseline.write_text(json.dumps(document))
    settings = Settings(select=["ALL"], jobs=jobs, baseline=str(baseline))
    result = run([str(FIXTURES)], settings, keep_models=False)
    assert result.baselined == len(document["findings"]) and result.suppressed == fixtures_reference.suppressed
    assert result.diagnostics == [d for i, d in enumerate(every.diagnostics) if i % 3]
