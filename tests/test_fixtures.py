"""Runs every annotated fixture and compares findings with its inline expectations."""

from __future__ import annotations

import pytest

from isolint.cli import _settings as settings_from_args
from isolint.cli import build_parser
from isolint.runner import run

from .fixture_harness import FIXTURES, fixture_files, read_expectations

FILES = fixture_files()


def lint(path, codes, args):
    """Run exactly the rules the fixture speaks of, so each file tests them in isolation (a rule
    another one supersedes at the same place is shown unless the file names both)."""
    parsed = build_parser().parse_args(["check", "--select", ",".join(sorted(codes)), *args, str(path)])
    return run([str(path)], settings_from_args(parsed))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES)) for p in FILES])
def test_fixture(path):
    exp = read_expectations(path)
    result = lint(path, exp.codes, exp.args)
    own = [d for d in result.diagnostics if d.location.path == str(path)]
    found = {(d.rule, d.location.line) for d in own if d.rule in exp.codes}
    missing = sorted(exp.expected - found)
    unexpected = sorted(found - exp.expected)
    assert not missing and not unexpected, (
        f"missing {missing}, unexpected {unexpected}; errors: {[e.message for e in result.errors]}")
    wrongly_ok = sorted(exp.ok & found)
    assert not wrongly_ok


def test_there_are_fixtures():
    assert len(FILES) >= 5
