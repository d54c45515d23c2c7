"""A rule package installed with an ``isolint.rules`` entry point is discovered and run."""

from __future__ import annotations

import textwrap

from isolint.registry import load_rules, select_rules
from isolint.runner import run
from isolint.settings import Settings

PLUGIN = '''
"""## What it does
Flags every Dockerfile stage built FROM busybox (a demonstration plug-in).

## Why is this bad?
It is not; the rule only proves plug-ins are loaded.

## Example
FROM busybox:1.36

## Use instead
FROM alpine:3.20

## References
- isolint CONTRIBUTING.md
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(code="XPL001", name="busybox-base", severity=Severity.LOW, summary="Stage built FROM busybox",
            formats=(Format.DOCKERFILE,), references=("isolint CONTRIBUTING.md",))


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for stage in workload.image.stages if workload.image else ():
        if stage.base.value.startswith("busybox"):
            yield Finding(stage.base, "stage is built FROM busybox")
'''


def _install(root, entry_points: str, modules: dict[str, str]) -> None:
    """What ``pip install`` leaves behind: modules and a dist-info with entry_points.txt."""
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    dist = root / "isolint_demo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: isolint-demo-plugin\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")


def test_entry_point_rule_is_discovered_and_run(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "[isolint.rules]\nbusybox = isolint_demo_plugin\n", {"isolint_demo_plugin": PLUGIN})
    monkeypatch.syspath_prepend(str(site))

    registry = load_rules(plugins=True)
    rule = registry.find("XPL001")
    assert rule is not None and rule.name == "busybox-base" and rule.module == "isolint_demo_plugin"
    assert "## What it does" in rule.doc
    assert rule in select_rules(registry)  # on by default, like a built-in rule
    assert load_rules(plugins=False).find("XPL001") is None

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM busybox:1.36\nUSER 10001\n", encoding="utf-8")
    result = run([str(dockerfile)], Settings(select=["XPL001"]), registry=registry)
    assert [(d.rule, d.location.line, d.message) for d in result.diagnostics] == [
        ("XPL001", 1, "stage is built FROM busybox")]


def test_broken_plugin_is_reported_not_fatal(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "[isolint.rules]\nbroken = isolint_broken_plugin\nempty = isolint_empty_plugin\n",
             {"isolint_broken_plugin": "raise RuntimeError('boom')\n", "isolint_empty_plugin": "X = 1\n"})
    monkeypatch.syspath_prepend(str(site))

    registry = load_rules(plugins=True)
    assert any("'broken' could not be loaded" in error and "boom" in error for error in registry.errors)
    assert any("'empty' has no RULE and check()" in error for error in registry.errors)
    assert registry.find("PRV001") is not None  # the built-in rules still load
