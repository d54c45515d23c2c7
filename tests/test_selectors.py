"""One selector grammar (isolint.selectors) for --select, --ignore, suppressions, per-path ignores,
the configuration's rules table and `isolint explain`."""

from __future__ import annotations

import pytest

from isolint.cli import main
from isolint.registry import load_rules, select_rules
from isolint.selectors import RuleKey, matches, settings_for, specificity, unknown

from .cli_helpers import run_json, write

PRV001 = RuleKey("PRV001", "privileged-container")
RULES = load_rules(plugins=False)


@pytest.mark.parametrize(("selector", "selected"), [
    ("ALL", True), ("all", True), ("PRV001", True), ("prv001", True), (" PRV001 ", True),
    ("PRV", True), ("PRV0", True), ("PRV00", True), ("prv0", True), ("P", True),
    ("privileged-container", True), ("Privileged-Container", True),
    ("PRV002", False), ("PRV1", False), ("PRV0011", False), ("NS", False), ("", False), ("  ", False),
    ("privileged", False), ("RV", False), ("0", False), ("PRV*", False),
])
def test_grammar(selector, selected):
    assert matches(selector, PRV001) is selected


def test_the_more_specific_setting_wins():
    assert sorted(["PRV001", "ALL", "privileged-container", "PRV", "PRV0"], key=specificity) == [
        "ALL", "PRV", "PRV0", "PRV001", "privileged-container"]
    assert settings_for({"PRV001": "code", "ALL": "all", "NS": "other", "PRV": "group"}, PRV001) == [
        "all", "group", "code"]


def test_select_ignore_suppressions_and_explain_agree():
    """Every place that reads a selector reads it the same way, on every built-in rule."""
    for selector in ("ALL", "PRV", "PRV0", "MNT00", "mnt", "CAP001", "host-pid", "SUP", "X", "PRV9"):
        chosen = {r.code for r in select_rules(RULES, [selector])}
        assert chosen == {r.code for r in RULES.rules if matches(selector, r)}
        assert not {r.code for r in select_rules(RULES, ["ALL"], [selector])} & chosen
        assert (unknown([selector], RULES.rules) == [selector]) is (not chosen)
        found = RULES.find(selector)
        assert (found.code if found else None) == (next(iter(chosen)) if len(chosen) == 1 else None)


POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: registry.example/agent:1.2
      securityContext:
        # isolint: ignore[PRV0] node agent, reviewed
        privileged: true
"""


def test_a_prefix_in_a_suppression_silences_as_in_select(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD)
    _, doc = run_json(capsys, "--select", "PRV0,SUP", str(tmp_path))
    assert [f["rule"] for f in doc["findings"]] == []  # no PRV001, and no SUP002 'unknown rule PRV0'


def test_a_prefix_in_per_path_ignores(capsys, tmp_path):
    write(tmp_path, "agents/pod.yaml", POD.replace("# isolint: ignore[PRV0] node agent, reviewed\n", ""))
    write(tmp_path, ".isolint.toml", '[per-path-ignores]\n"agents/*" = ["PRV0"]\n')
    _, doc = run_json(capsys, "--select", "PRV", str(tmp_path))
    assert doc["findings"] == []


@pytest.mark.parametrize("key", ["prv001", "PRV", "privileged-container", "ALL"])
def test_config_rules_keys_are_selectors(capsys, tmp_path, key):
    write(tmp_path, "pod.yaml", POD.replace("# isolint: ignore[PRV0] node agent, reviewed\n", ""))
    write(tmp_path, ".isolint.toml", f'[rules.{key}]\nseverity = "low"\n')
    _, doc = run_json(capsys, "--select", "PRV001", str(tmp_path))
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("PRV001", "low")]


def test_config_the_code_beats_the_group(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.replace("# isolint: ignore[PRV0] node agent, reviewed\n", ""))
    write(tmp_path, ".isolint.toml", '[rules.ALL]\nseverity = "info"\n[rules.PRV001]\nseverity = "medium"\n'
          '[rules.PRV]\nseverity = "low"\n')
    _, doc = run_json(capsys, "--select", "PRV001", str(tmp_path))
    assert [(f["rule"], f["severity"]) for f in doc["findings"]] == [("PRV001", "medium")]


def test_config_options_on_a_group_must_be_options_of_every_rule_in_it(capsys, tmp_path):
    write(tmp_path, ".isolint.toml", '[rules.MNT]\nallowed-paths = ["/srv"]\n')
    assert main(["check", str(tmp_path)]) == 2
    assert "has no option 'allowed-paths'" in capsys.readouterr().err


def test_explain_takes_a_prefix_only_one_rule_has(capsys):
    assert main(["explain", "PRV001"]) == 0 and "# PRV001 privileged-container" in capsys.readouterr().out
    assert main(["explain", "PRV"]) == 2
