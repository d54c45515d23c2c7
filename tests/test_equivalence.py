"""The shortcuts change nothing: prescan (skipping documents that cannot matter) and worker
processes give exactly the findings, errors and models of the exhaustive single-process run."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import generate
from isolint.runner import RunResult, run
from isolint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _run(path: Path, exhaustive: bool, jobs: int) -> RunResult:
    settings = Settings(select=["ALL"], exhaustive=exhaustive, jobs=jobs)
    return run([str(path)], settings)


def _assert_same(fast: RunResult, slow: RunResult) -> None:
    assert fast.diagnostics == slow.diagnostics
    assert fast.errors == slow.errors
    assert fast.files == slow.files
    assert fast.models == slow.models


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(str(out), megabytes=1.5, seed=7)
    return out


def test_fixtures_fast_and_exhaustive_agree():
    slow = _run(FIXTURES, exhaustive=True, jobs=1)
    assert slow.diagnostics, "the fixtures must produce findings for the comparison to mean anything"
    _assert_same(_run(FIXTURES, exhaustive=False, jobs=1), slow)


def test_generated_corpus_fast_and_exhaustive_agree(corpus: Path):
    slow = _run(corpus, exhaustive=True, jobs=1)
    assert len(slow.diagnostics) > 100 and slow.errors
    _assert_same(_run(corpus, exhaustive=False, jobs=1), slow)


def test_worker_processes_change_nothing(corpus: Path, monkeypatch: pytest.MonkeyPatch):
    from isolint import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_WORKLOADS", 0)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 64 * 1024)
    single = _run(corpus, exhaustive=False, jobs=1)
    _assert_same(_run(corpus, exhaustive=False, jobs=3), single)
