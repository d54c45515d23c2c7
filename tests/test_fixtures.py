"""Runs every annotated fixture and compares findings with its inline expectations."""

from __future__ import annotations

import pytest

from isolint.cli import settings_from_argv
from isolint.runner import run

from .fixture_harness import FIXTURES, fixture_files, read_expectations

FILES = fixture_files()


def lint(path, codes, args):
    """Run exactly the rules the fixture speaks of, so each file tests them in isolation (a rule
    another one supersedes at the same place is shown unless the file names both), each file its own
    world: no Namespace of another fixture in its context."""
    return run([str(path)], settings_from_argv(["check", "--select", ",".join(sorted(codes)), "--no-repository-context",
                                                *args, str(path)]))


def findings(path, exp):
    """The findings of the codes the file names, on the file itself, as (code, line, severity)."""
    result = lint(path, exp.codes, exp.args)
    own = {(d.rule, d.location.line, d.severity.label) for d in result.diagnostics
           if d.location.path == str(path) and d.rule in exp.codes}
    return own, result.errors


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture(path):
    exp = read_expectations(path)
    found, errors = findings(path, exp)
    verdict = exp.compare(found)
    assert not verdict.failures, f"{'; '.join(verdict.failures)}; errors: {[e.message for e in errors]}"
    if verdict.known_gaps:
        pytest.xfail(f"known gaps (todo-expect / todo-ok): {verdict.known_gaps}")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_annotations_are_well_formed_and_name_a_severity(path):
    exp = read_expectations(path)
    assert not exp.malformed
    unrated = sorted(m for kind in ("expect", "todo-expect") for m in exp.marks[kind] if m[2] is None)
    assert not unrated, f"write the severity: '# expect: CODE severity' for {unrated}"


def test_there_are_fixtures():
    assert len(FILES) >= 5
