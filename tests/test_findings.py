"""What a large run holds until the report is small: findings frozen (isolint.findings), read back
path by path, the same every time; workers forked before the repository's file list grows."""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from isolint import parallel, runner
from isolint.engine import Diagnostic
from isolint.findings import Findings, dictionary, freeze, thaw
from isolint.model import Location, Resource
from isolint.pipeline import Job, Spill
from isolint.registry import load_rules
from isolint.rule import Severity
from isolint.runner import run
from isolint.settings import Settings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(str(out), megabytes=1.5, seed=11)
    return out


def _diagnostic(line: int, message: str, resource: Resource, related: tuple[tuple[Location, str], ...] = ()):
    return Diagnostic("PRV001", "privileged-container", Severity.CRITICAL, Location("k8s/a.yaml", line, 7), message,
                      resource, "app", related, line % 2 == 0, Severity.HIGH if line % 3 else None, "kubernetes")


def test_frozen_findings_come_back_equal_and_sharing_what_they_shared():
    zdict = dictionary(load_rules(plugins=False).rules)
    resource = Resource("Deployment", "web", "shop", "apps/v1")
    found = [_diagnostic(n, f"message {n % 3}", resource, ((Location("k8s/b.yaml", n, None), "why"),))
             for n in range(1, 40)]
    back = thaw(freeze(found, zdict), zdict)
    assert back == found
    assert len({id(d.resource) for d in back}) == 1
    assert len(freeze(found, zdict)) < 40 * 60  # a few dozen bytes a finding


@pytest.mark.parametrize("spill", [True, False])
def test_a_large_run_holds_its_findings_in_few_bytes_each(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                          spill: bool):
    """Frozen, then spilled to a temporary file (memory holds where); frozen in memory where no
    temporary file can be written."""
    monkeypatch.setattr(parallel, "FREEZE_AFTER", 0)
    monkeypatch.setattr(runner, "KEEP_THAWED", 0)  # as many findings as a large repository has
    if not spill:
        monkeypatch.setattr(tempfile, "TemporaryFile", _unwritable)
    monkeypatch.setattr(Spill, "BUFFER", 4096)
    result = run([str(corpus)], Settings(select=["ALL"]), keep_models=False)
    findings = result.diagnostics
    assert isinstance(findings, Findings) and len(findings) > 1000
    held = [part for group in findings._paths.values() for part in group.found]
    spilled = sum(isinstance(part, int) for part in held) / len(held)  # the rest: too small to spill
    assert spilled > 0.9 if spill else spilled < 0.1  # (what was pending when writing failed stays in memory)
    assert sum(map(sys.getsizeof, held)) / len(findings) < (10 if spill else 100)
    monkeypatch.setattr(parallel, "FREEZE_AFTER", 1 << 40)
    assert findings == run([str(corpus)], Settings(select=["ALL"]), keep_models=False).diagnostics


def _unwritable(*args: object, **kwargs: object) -> None:
    raise OSError(28, "No space left on device")


def test_spilled_bytes_come_back_whether_written_or_pending(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(Spill, "BUFFER", 1000)
    spill = Spill()
    pieces = [bytes([n]) * (60 + n) for n in range(40)]
    where = [spill.put(piece) for piece in pieces]
    assert [spill.get(w) for w in where] == pieces
    assert spill.put(b"small") == b"small"  # kept: a number would cost as much
    monkeypatch.setattr(tempfile, "TemporaryFile", _unwritable)
    full = Spill()
    where = [full.put(piece) for piece in pieces]
    assert [full.get(w) for w in where] == pieces and isinstance(where[-1], bytes)


@pytest.mark.parametrize("keep_thawed", [0, 10_000])
def test_findings_read_back_the_same_each_time(corpus: Path, monkeypatch: pytest.MonkeyPatch, keep_thawed: int):
    """Read again for each report, or (a run with few findings) held as objects once decided."""
    monkeypatch.setattr(parallel, "FREEZE_AFTER", 0)
    monkeypatch.setattr(runner, "KEEP_THAWED", keep_thawed)
    result = run([str(corpus)], Settings(select=["ALL"]), keep_models=False)
    findings = result.diagnostics
    first = list(findings)
    assert list(findings) == first and findings == first and len(findings) == len(first)
    assert findings[0] == first[0] and findings[-3:] == first[-3:]
    assert first == sorted(first, key=Diagnostic.sort_key)
    assert sum(findings.severities.values()) == len(first)
    assert findings.severities == {s: sum(1 for d in first if d.severity == s) for s in findings.severities}
    assert findings.paths() == list(dict.fromkeys(d.path for d in first))


def test_workers_are_forked_once_the_files_found_make_the_run_large(monkeypatch: pytest.MonkeyPatch):
    """Forked early, the workers do not inherit the list of every file of a large repository."""
    monkeypatch.setattr(parallel, "_size", lambda path: 1024 * 1024)
    monkeypatch.setattr(parallel, "_can_fork", lambda: True)
    started: list[int] = []
    monkeypatch.setattr(parallel.Workers, "_start", lambda self, count: started.append(count))
    job = Job([], None)  # type: ignore[arg-type]
    workers = parallel.Workers(job, jobs=2)
    for n in range(3):
        workers.found(f"f{n}.yaml")
    assert not started  # 3 MiB: not yet
    workers.found("f3.yaml")
    assert started == [2]
    few = parallel.Workers(job, jobs=8)
    for n in range(5):
        few.found(f"f{n}.yaml")
    assert not started[1:]  # large, but fewer files yet than processes wanted
    few.found_all()
    assert started[1:] == [5]


def test_fingerprints_counted_path_by_path_are_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A path's counts are dropped once its findings are done, except for a path spelled two ways
    (both count the same findings): the ordinals, hence the fingerprints, do not change."""
    from isolint.baseline import fingerprinted

    monkeypatch.chdir(tmp_path)
    resource = Resource("Pod", "p")
    same = [_diagnostic(3, "same", resource), _diagnostic(3, "same", resource)]
    stream = [*same, *(_at(d, "b.yaml") for d in same),
              *(_at(d, "./k8s/a.yaml") for d in same),
              *(_at(d, "c.yaml") for d in same)]
    paths = list(dict.fromkeys(d.path for d in stream))
    whole = [fp for _, fp in fingerprinted(stream, {})]
    assert [fp for _, fp in fingerprinted(stream, {}, grouped=paths)] == whole
    assert len(set(whole)) == len(whole)  # "k8s/a.yaml" and "./k8s/a.yaml" count together: 4 ordinals


def _at(d: Diagnostic, path: str) -> Diagnostic:
    return dataclasses.replace(d, location=dataclasses.replace(d.location, path=path))
