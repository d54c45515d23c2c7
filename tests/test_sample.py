"""The shipped sample (``isolint check fixtures/sample``, the README's first command), end to end
through the CLI. The sample holds no test markup (a user reads it); what it must report is in
``tests/data/sample.expect``, in the fixture annotations' grammar, checked as the harness checks
inline annotations."""

from __future__ import annotations

import re
from pathlib import Path

from .cli_helpers import run_json
from .fixture_harness import ANNOTATION, FIXTURES, ROOT, Expectations, _annotations

SAMPLE = FIXTURES / "sample"
SIDECAR = ROOT / "tests" / "data" / "sample.expect"
ENTRY = re.compile(r"(?P<path>[^:#]+):(?P<line>\d+): (?P<annotation>.+?) \| (?P<text>.*)")


def _expectations() -> dict[Path, Expectations]:
    out: dict[Path, Expectations] = {}
    for number, entry in enumerate(SIDECAR.read_text(encoding="utf-8").splitlines(), start=1):
        if not entry.strip() or entry.startswith("#"):
            continue
        m = ENTRY.fullmatch(entry)
        assert m, f"sample.expect:{number}: not PATH:LINE: ANNOTATION | TEXT: {entry!r}"
        path, line = SAMPLE / m["path"], int(m["line"])
        source = path.read_text(encoding="utf-8").splitlines()
        # the quoted text pins the line: an edit of the sample that moves it fails here, by name
        assert source[line - 1].strip() == m["text"].strip(), f"sample.expect:{number}: {m['path']}:{line} is " \
                                                              f"{source[line - 1].strip()!r}, not {m['text']!r}"
        exp = out.setdefault(path, Expectations(path))
        for kind, code, severity in _annotations(f"# {m['annotation']}", number, exp.malformed):
            exp.marks[kind].add((code, line, severity))
        assert not exp.malformed, exp.malformed
    return out


def test_the_sample_holds_no_test_markup():
    files = [p for p in SAMPLE.rglob("*") if p.is_file()]
    assert len(files) >= 4
    assert [p for p in files if ANNOTATION.search(p.read_text(encoding="utf-8"))] == []


def test_the_sample_reports_what_its_expectations_say(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, doc = run_json(capsys, "fixtures/sample")
    assert code == 1  # the README says so: the sample has findings that fail the gate
    assert doc["errors"] == []
    expectations = _expectations()
    assert {p.relative_to(SAMPLE).as_posix() for p in expectations} == {
        "app/Dockerfile", "compose/docker-compose.yml", "k8s/web.yaml", "k8s/debug.json"}
    for path, exp in expectations.items():
        found = {(f["rule"], f["line"], f["severity"]) for f in doc["findings"]
                 if (ROOT / f["path"]).resolve() == path.resolve() and f["rule"] in exp.codes}
        verdict = exp.compare(found)
        assert not verdict.failures and not verdict.known_gaps, (path.name, verdict.failures, verdict.known_gaps)
