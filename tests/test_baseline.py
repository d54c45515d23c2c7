"""Baselines: findings recorded once stay quiet through unrelated edits; new ones are reported."""

from __future__ import annotations

import json

from isolint.baseline import fingerprints
from isolint.cli import main
from isolint.engine import Diagnostic
from isolint.model import Location, Resource
from isolint.rule import Severity

from .cli_helpers import found, run_json, write

PODS = """
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: registry.example/agent:1.2
      securityContext:
        privileged: true
"""
SELECT = ("--select", "PRV001,NS002")


def record(tmp_path, capsys) -> str:
    baseline = str(tmp_path / "baseline.json")
    assert main(["baseline", *SELECT, "--baseline", baseline, str(tmp_path / "k8s")]) == 0
    assert "wrote 1 finding" in capsys.readouterr().err
    return baseline


def test_baseline_hides_known_findings_after_lines_shift(capsys, tmp_path):
    pod = write(tmp_path, "k8s/pod.yaml", PODS)
    baseline = record(tmp_path, capsys)
    assert [f["rule"] for f in json.loads((tmp_path / "baseline.json").read_text())["findings"]] == ["PRV001"]

    text = pod.read_text()
    shifted = text.replace("metadata:\n", "metadata:\n  labels:\n    team: infra\n    tier: node\n", 1)
    pod.write_text("# deployed by the platform team\n" + shifted)
    code, doc = run_json(capsys, *SELECT, "--baseline", baseline, str(tmp_path / "k8s"))
    assert found(doc) == [] and code == 0
    _, unfiltered = run_json(capsys, *SELECT, str(tmp_path / "k8s"))
    assert found(unfiltered) == [("PRV001", 14)], "the finding moved four lines down and is still there"


def test_new_finding_is_reported(capsys, tmp_path):
    pod = write(tmp_path, "k8s/pod.yaml", PODS)
    baseline = record(tmp_path, capsys)
    pod.write_text(pod.read_text().replace("spec:\n", "spec:\n  hostPID: true\n", 1)
                   + "    - name: sidecar\n      image: busybox:1.36\n      securityContext:\n"
                     "        privileged: true\n")
    code, doc = run_json(capsys, *SELECT, "--baseline", baseline, str(tmp_path / "k8s"))
    assert code == 1
    assert [(f["rule"], f.get("container")) for f in doc["findings"]] == [("NS002", None), ("PRV001", "sidecar")]


def test_editing_the_flagged_line_makes_it_new(capsys, tmp_path):
    pod = write(tmp_path, "k8s/pod.yaml", PODS)
    baseline = record(tmp_path, capsys)
    pod.write_text(pod.read_text().replace("privileged: true", 'privileged: "true"'))
    _, doc = run_json(capsys, *SELECT, "--baseline", baseline, str(tmp_path / "k8s"))
    assert [f["rule"] for f in doc["findings"]] == ["PRV001"] or doc["errors"]


def test_text_summary_counts_baselined(capsys, tmp_path):
    write(tmp_path, "k8s/pod.yaml", PODS)
    baseline = record(tmp_path, capsys)
    assert main(["check", *SELECT, "--baseline", baseline, "--color", "never", str(tmp_path / "k8s")]) == 0
    assert "0 findings, 0 errors in 1 file, 1 in baseline" in capsys.readouterr().out


def test_broken_baseline_is_a_usage_error(capsys, tmp_path):
    write(tmp_path, "k8s/pod.yaml", PODS)
    bad = write(tmp_path, "baseline.json", "{not json")
    assert main(["check", "--baseline", str(bad), str(tmp_path / "k8s")]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["check", "--baseline", str(tmp_path / "missing.json"), str(tmp_path / "k8s")]) == 2


def _diag(line: int, container: str = "a", rule: str = "PRV001") -> Diagnostic:
    return Diagnostic(rule, "privileged-container", Severity.CRITICAL, Location("k8s/p.yaml", line, 9), "m",
                      Resource("Pod", "p"), container)


def test_identical_findings_are_told_apart_by_ordinal():
    lines = ("privileged: true",) * 3
    prints = fingerprints([_diag(1), _diag(2), _diag(3)], {"k8s/p.yaml": lines})
    assert len(set(prints)) == 3


def test_fingerprint_ignores_line_number_and_indentation():
    first = fingerprints([_diag(1)], {"k8s/p.yaml": ("  privileged: true",)})
    moved = fingerprints([_diag(3)], {"k8s/p.yaml": ("", "", "      privileged:   true")})
    assert first == moved
    other = fingerprints([_diag(1, container="b")], {"k8s/p.yaml": ("  privileged: true",)})
    assert other != first
