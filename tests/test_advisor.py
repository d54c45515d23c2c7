"""The isolation advisor: verdicts per workload and the ``isolint report`` renderings."""

from __future__ import annotations

import io
import json
import sys
import textwrap
from pathlib import Path

import pytest

from isolint.advisor import KEYS, Verdict, assess
from isolint.cli import main
from isolint.reporters import advisor_markdown, advisor_table
from isolint.runner import run
from isolint.settings import Settings

from .fixture_harness import FIXTURES

ROOT = Path(__file__).resolve().parent.parent

COMPOSE = """
services:
  runner:
    image: gitlab/gitlab-runner:v17.5.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
  notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
  sandboxed-notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
    runtime: runsc
    user: "10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    mem_limit: 2g
    pids_limit: 256
  web:
    image: nginx:1.27
    privileged: true
  "evil|name":
    image: nginx:1.27
    labels: {"isolint.io/trust": "untrusted<script>"}
"""


def _assess(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(COMPOSE), encoding="utf-8")
    result = run([str(path)], Settings())
    assert not result.errors, result.errors
    return {a.resource.name: a for a in assess(result.models, result.diagnostics, result.context)}


def test_verdicts(tmp_path):
    got = _assess(tmp_path)
    assert got["runner"].verdict is Verdict.VM
    assert {d.rule for d in got["runner"].drivers} == {"RI002"}
    assert got["notebook"].verdict is Verdict.SANDBOX
    assert got["notebook"].classification.evidence
    assert got["web"].verdict is Verdict.HARDEN
    assert "PRV001" in got["web"].finding_summary()
    assert got["sandboxed-notebook"].verdict is Verdict.SANDBOXED  # not told to be sandboxed again
    assert "already sandboxed" in got["sandboxed-notebook"].reason
    assert not any(d.rule == "RI001" for d in got["sandboxed-notebook"].findings)


def test_worst_verdict_first(tmp_path):
    verdicts = [a.verdict for a in _assess(tmp_path).values()]
    assert verdicts == sorted(verdicts, reverse=True)


def test_fine_without_findings_at_threshold(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\nCOPY app /app\nUSER 10001\nHEALTHCHECK CMD [\"/app\", \"-health\"]\n"
                    "ENTRYPOINT [\"/app\"]\n", encoding="utf-8")
    result = run([str(path)], Settings())
    [a] = assess(result.models, result.diagnostics, result.context)
    assert a.verdict is Verdict.FINE, [d.rule for d in a.findings]


def test_markdown_is_a_safe_table(tmp_path):
    assessments = sorted(_assess(tmp_path).values(), key=lambda a: -a.verdict)
    text = advisor_markdown.render(assessments)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(assessments)  # header + one per workload
    assert all(row.count(" | ") == rows[0].count(" | ") for row in rows), "a cell broke the table"
    assert "<script>" not in text and "evil\\|name" in text
    short = advisor_markdown.render(assessments, max_rows=2)
    assert f"{len(assessments) - 2} more workloads not shown" in short


def test_table_lists_every_workload(tmp_path):
    assessments = list(_assess(tmp_path).values())
    text = advisor_table.render(assessments)
    for a in assessments:
        assert a.resource.name in text
    assert text.splitlines()[-2].startswith(f"{len(assessments)} workloads: 1 VM, 1 sandbox runtime")


def test_report_command(capsys):
    status = main(["report", "--format", "markdown", str(FIXTURES / "advisor" / "gitlab-runner")])
    out = capsys.readouterr().out
    assert status == 0
    assert "| 🔴 VM | ComposeService/runner" in out and "RI002 critical" in out


VERDICTS = FIXTURES / "advisor" / "verdicts"
# each workload of fixtures/advisor/verdicts and the verdict its comment promises
EXPECTED = {
    "node-exporter": "host-agent", "trusted-cni": "host-agent",
    "plain-daemonset": "fine", "privileged-api": "harden", "untrusted-agent": "sandbox-runtime",
    "gvisor-grader": "already-sandboxed", "gvisor-hostpath": "already-sandboxed",
    "kata-tenant-app": "already-sandboxed", "kubevirt-vm": "already-sandboxed",
    "runc-untrusted-app": "sandbox-runtime",
    "backup:template snapshot": "harden", "build:template dind": "vm",
    "build-runner": "fine", "trusted-runner": "fine", "web": "fine", "drone-agent": "fine", "cache": "fine",
}


def _report_json(capsys, *args: str) -> dict:
    status = main(["report", "--format", "json", *args])
    out = capsys.readouterr().out
    assert status == 0
    return json.loads(out)


def test_report_json_holds_every_verdict(capsys):
    report = _report_json(capsys, str(VERDICTS))
    got = {w["resource"]["name"]: w["verdict"] for w in report["workloads"]}
    assert got == EXPECTED
    assert report["version"] == 1
    summary = report["summary"]
    assert summary["workloads"] == len(EXPECTED) == sum(summary["verdicts"].values())
    assert summary["verdicts"] == {key: sum(1 for v in EXPECTED.values() if v == key) for key in KEYS.values()}
    assert sum(summary["trust"].values()) == len(EXPECTED) and summary["trust"]["trusted"] == 2
    assert summary["errors"] == 0 and report["errors"] == []


def test_report_json_shape_is_documented(capsys):
    """Every key the JSON writes is in docs/advisor.md, and every verdict key too."""
    doc = (ROOT / "docs" / "advisor.md").read_text(encoding="utf-8")
    report = _report_json(capsys, str(VERDICTS))
    keys = {*report, *report["summary"], *report["workloads"][0], *report["workloads"][0]["runtime"],
            *report["to_classify"][0]}
    assert not [k for k in keys if f"`{k}`" not in doc]
    assert not [k for k in KEYS.values() if f"`{k}`" not in doc]


def test_host_agent_positive_and_negative(capsys):
    workloads = {w["resource"]["name"]: w for w in _report_json(capsys, str(VERDICTS))["workloads"]}
    exporter = workloads["node-exporter"]
    assert exporter["host_access"] == ["hostNetwork", "hostPID", "hostPath volume /"]
    assert "its access is its job" in exporter["reason"] and "fix them" not in exporter["reason"]
    assert "dedicated nodes" in exporter["reason"]
    assert "mark it trusted (isolint.io/trust: trusted)" in exporter["reason"]
    assert workloads["trusted-cni"]["reason"].startswith("trusted host agent (hostNetwork, privileged)")
    # a Deployment with the same access is told to fix it; a DaemonSet without access is no agent;
    # untrusted code with host access is no trusted agent
    assert workloads["privileged-api"]["host_access"] == [] and "fix them" in workloads["privileged-api"]["reason"]
    assert workloads["plain-daemonset"]["host_access"] == []
    assert workloads["untrusted-agent"]["verdict"] == "sandbox-runtime"
    assert "its host access (hostNetwork) would reach around any sandbox" in workloads["untrusted-agent"]["reason"]
    assert "host access" not in workloads["runc-untrusted-app"]["reason"]


def test_sandboxed_positive_and_negative(capsys):
    workloads = {w["resource"]["name"]: w for w in _report_json(capsys, str(VERDICTS))["workloads"]}
    for name in ("gvisor-grader", "gvisor-hostpath", "kata-tenant-app", "kubevirt-vm"):
        w = workloads[name]
        assert w["runtime"]["sandboxed"] is True, name
        assert w["reason"].startswith("already"), w["reason"]
        assert not any(d["rule"] == "RI001" for d in w["drivers"])
    pierced = workloads["gvisor-hostpath"]
    assert "RI003" in {d["rule"] for d in pierced["drivers"]}
    assert "host access reaches around the sandbox" in pierced["reason"]
    assert workloads["gvisor-grader"]["drivers"] == []
    assert workloads["kata-tenant-app"]["runtime"] == {"name": "secure", "kind": "vm", "handler": "kata-qemu",
                                                       "sandboxed": True}
    # a class named like a sandbox whose handler is runc is none
    runc = workloads["runc-untrusted-app"]
    assert runc["runtime"]["sandboxed"] is False and runc["runtime"]["handler"] == "runc"
    assert [d["rule"] for d in runc["drivers"]] == ["RI001"]


def test_to_classify_positive_and_negative(capsys):
    report = _report_json(capsys, str(VERDICTS))
    listed = {c["resource"]["name"]: c for c in report["to_classify"]}
    assert set(listed) == {"build-runner", "drone-agent", "backup:template snapshot"}
    assert report["summary"]["to_classify"] == 3
    runner = listed["build-runner"]
    assert runner["looks_like"] == "a CI runner or image builder"
    assert runner["marker"].startswith("`isolint.io/trust: untrusted` (or trusted) under metadata.labels of "
                                       "Deployment build-runner (")
    assert runner["config"] == 'extra-untrusted-images = ["acme/build-runner*"]'
    assert "under services.drone-agent.labels" in listed["drone-agent"]["marker"]
    assert "no clone or build seen" in listed["backup:template snapshot"]["because"]
    workloads = {w["resource"]["name"]: w for w in report["workloads"]}
    assert workloads["trusted-runner"]["classify"] is None and workloads["web"]["classify"] is None


def test_written_marker_classifies(tmp_path, capsys):
    """The line the report asks for, once written, classifies the workload: it leaves the list."""
    text = (VERDICTS / "kubernetes.yaml").read_text(encoding="utf-8")
    path = tmp_path / "k.yaml"
    marked = text.replace("  name: build-runner\n", "  name: build-runner\n  labels: {isolint.io/trust: untrusted}\n")
    path.write_text(marked, encoding="utf-8")
    report = _report_json(capsys, str(path))
    assert "build-runner" not in {c["resource"]["name"] for c in report["to_classify"]}
    [runner] = [w for w in report["workloads"] if w["resource"]["name"] == "build-runner"]
    assert runner["trust"] == "untrusted" and runner["verdict"] == "sandbox-runtime"
    config = tmp_path / ".isolint.toml"
    config.write_text('[trust]\nextra-trusted-images = ["acme/build-runner*"]\n', encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    report = _report_json(capsys, "--config", str(config), str(path))
    [runner] = [w for w in report["workloads"] if w["resource"]["name"] == "build-runner"]
    assert runner["trust"] == "trusted" and runner["classify"] is None


def test_table_lists_what_to_classify(capsys):
    assert main(["report", str(VERDICTS)]) == 0
    out = capsys.readouterr().out
    assert "To classify: 3 workloads of unknown trust" in out
    assert 'or under [tool.isolint.trust]: extra-untrusted-images = ["acme/build-runner*"]' in out
    *_, verdicts, trust = out.rstrip().splitlines()
    assert verdicts.endswith("4 already sandboxed, 6 fine as a container")
    assert trust == "trust: 10 unknown, 4 untrusted, 2 trusted, 1 multi-tenant; 3 to classify (above)"


def test_report_help_offers_only_what_works(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    text = capsys.readouterr().out
    for absent in ("--baseline", "--fix", "--diff", "--statistics", "--show-source", "--exit-zero",
                   "sarif", "junit", "--max-annotations", "--changed-since"):
        assert absent not in text, absent
    assert "{table,markdown,json}" in text


@pytest.mark.parametrize("fmt", ["sarif", "text", "github"])
def test_report_rejects_check_formats(capsys, fmt):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--format", fmt, str(VERDICTS)])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_report_options_work(tmp_path, capsys):
    """Each option report offers changes what it does."""
    out = tmp_path / "reports" / "advisor.json"
    assert main(["report", "--format", "json", "--output", str(out), str(VERDICTS)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["workloads"] == len(EXPECTED)
    def verdicts(*args: str) -> dict[str, str]:
        return {w["resource"]["name"]: w["verdict"] for w in _report_json(capsys, *args, str(VERDICTS))["workloads"]}

    strict = verdicts("--gate", "strict")
    assert strict["web"] == "harden"  # its hardening gaps fail the strict gate
    high = verdicts("--fail-on", "critical")
    # RI001 (high) no longer counts: the untrusted agent's host network (critical, escalated) is what is left
    assert (high["untrusted-agent"], high["runc-untrusted-app"]) == ("harden", "fine")
    assert verdicts("--ignore", "RI001")["runc-untrusted-app"] == "fine"
    excluded = _report_json(capsys, "--exclude", "compose.yaml", str(VERDICTS))
    assert "cache" not in {w["resource"]["name"] for w in excluded["workloads"]}
    md = tmp_path / "report.md"
    assert main(["report", "--format", "markdown", "--max-rows", "2", "--output", str(md), str(VERDICTS)]) == 0
    assert f"{len(EXPECTED) - 2} more workloads not shown" in md.read_text(encoding="utf-8")


def test_markdown_names_every_verdict_and_what_to_classify(capsys):
    assert main(["report", "--format", "markdown", str(VERDICTS)]) == 0
    out = capsys.readouterr().out
    for verdict in Verdict:
        assert f"{advisor_markdown.ICONS[verdict]} {verdict.label} |" in out, verdict
        assert f"**{verdict.label}**" in out, verdict  # the legend
    assert "**To classify** (3, trust unknown" in out
    assert '`extra-untrusted-images = ["acme/build-runner*"]` under `[tool.isolint.trust]`' in out


def test_report_reads_stdin(capsys, monkeypatch):
    """``helm template ... | isolint report --format json -``: the node agent of a rendered chart."""
    text = (VERDICTS / "kubernetes.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    report = _report_json(capsys, "--stdin-filename", "rendered.yaml", "-")
    [exporter] = [w for w in report["workloads"] if w["resource"]["name"] == "node-exporter"]
    assert (exporter["path"], exporter["verdict"]) == ("rendered.yaml", "host-agent")


def test_report_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["report", "--format", "json", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
