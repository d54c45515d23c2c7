"""Every rule documents itself and has a positive and a negative fixture."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from isolint.registry import load_rules

from .fixture_harness import fixture_files, read_expectations

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References")
RULES = load_rules(plugins=False).rules
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def fixture_format(path: Path) -> str:
    """The format a fixture is written in, by the names CONTRIBUTING.md asks for."""
    if path.name.endswith(".Dockerfile") or path.name.startswith("Dockerfile"):
        return "dockerfile"
    return "compose" if re.match(r"(docker-)?compose.*\.ya?ml$", path.name) else "kubernetes"


def _annotations():
    """Which rules have a positive and a negative annotation, and in which formats."""
    expected, ok, by_format = set(), set(), set()
    for path in fixture_files():
        exp = read_expectations(path)
        expected |= {code for code, _, _ in exp.expected}
        ok |= {code for code, _ in exp.ok}
        by_format |= {(code, fixture_format(path), "expect") for code, _, _ in exp.expected}
        by_format |= {(code, fixture_format(path), "ok") for code, _ in exp.ok}
    return expected, ok, by_format


EXPECTED, OK, BY_FORMAT = _annotations()


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


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_fixtures_in_every_format_it_declares(rule):
    """One rule per risk across formats: each format it claims is exercised both ways."""
    missing = [f"{fmt.value} {kind}" for fmt in rule.meta.formats for kind in ("expect", "ok")
               if (rule.code, fmt.value, kind) not in BY_FORMAT]
    assert not missing, f"{rule.code} declares formats without fixtures: {missing}"


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


PUBLIC_API = {"isolint", "isolint.helpers"}


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_rule_imports_only_the_public_api(path):
    """A rule is written as a plug-in would be: the standard library, ``isolint`` and ``isolint.helpers``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree))
    imported = [alias.name for node in nodes if isinstance(node, ast.Import) for alias in node.names]
    imported += ["." * node.level + (node.module or "") for node in nodes if isinstance(node, ast.ImportFrom)]
    ours = [name for name in imported if name.split(".")[0] in ("isolint", "lint", "rules") or name.startswith(".")]
    assert set(ours) <= PUBLIC_API, f"{path.name} imports {sorted(set(ours) - PUBLIC_API)}"
    assert all(name.split(".")[0] in sys.stdlib_module_names | {"isolint", "__future__"} for name in imported)


@pytest.mark.parametrize("path", sorted((RULES_DIR.parent / "lint" / "judgements").glob("*.py")), ids=lambda p: p.name)
def test_shared_judgements_are_leaves(path):
    """The modules behind the isolint.helpers façade build on the model and each other only, so the
    engine (trust) can import them without importing the façade."""
    nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    ours = {"." * n.level + (n.module or "") for n in nodes if isinstance(n, ast.ImportFrom) and n.level}
    assert ours <= {"..model"} | {f".{leaf.stem}" for leaf in path.parent.glob("*.py")}, ours


@pytest.mark.parametrize("path", sorted(Path(__file__).parent.glob("*.py")), ids=lambda p: p.name)
def test_tests_use_no_private_names_of_isolint(path):
    """Tests go through what a user or a plug-in can reach: no ``_name`` imported from isolint, and
    none read off an isolint module (``yamlsource._helper``)."""
    nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    ours = [n for n in nodes if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("isolint")]
    private = [a.name for n in ours for a in n.names if a.name.startswith("_") and not a.name.startswith("__")]
    modules = {a.asname or a.name for n in ours for a in n.names}
    modules |= {(a.asname or a.name).split(".")[0] for n in nodes if isinstance(n, ast.Import) for a in n.names
                if a.name.startswith("isolint")}
    read = [n for n in nodes if isinstance(n, ast.Attribute) and getattr(n.value, "id", None) in modules]
    private += [f"{n.value.id}.{n.attr}" for n in read if n.attr.startswith("_") and not n.attr.startswith("__")]
    assert not private, f"{path.name} reaches into isolint's private names: {private}"
