"""Every rule documents itself and has a positive and a negative fixture."""

from __future__ import annotations

import re

import pytest

from isolint.registry import load_rules

from .fixture_harness import fixture_files, read_expectations

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References")
RULES = load_rules(plugins=False).rules


def _annotations():
    expected, ok = set(), set()
    for path in fixture_files():
        exp = read_expectations(path)
        expected |= {code for code, _, _ in exp.expected}
        ok |= {code for code, _ in exp.ok}
    return expected, ok


EXPECTED, OK = _annotations()


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_documented(rule):
    positions = [rule.doc.find(s) for s in SECTIONS]
    missing = [s for s, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert not missing, f"{rule.code} docstring lacks {missing}"
    assert positions == sorted(positions), f"{rule.code} docstring sections out of order"
    assert rule.meta.summary and rule.meta.references


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_metadata_is_well_formed(rule):
    assert re.fullmatch(r"[A-Z]{2,4}[0-9]{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.module.rsplit(".", 1)[-1] == rule.name.replace("-", "_"), "module file must be named after the rule"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_positive_and_negative_fixture(rule):
    assert rule.code in EXPECTED, f"{rule.code} has no '# expect: {rule.code}' fixture"
    assert rule.code in OK, f"{rule.code} has no '# ok: {rule.code}' fixture"


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
