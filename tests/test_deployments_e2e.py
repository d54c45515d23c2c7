"""End to end over issue 13's acceptance repository (fixtures/deployments: a Helm chart with a
subchart, a Kustomize base with two overlays, an Argo Workflow, a Tekton Task), as a user runs it
from the repository's root: every output format names the template / values / patch / manifest
file and line; the baseline round-trip passes and still catches a new finding; a suppression
comment written where a finding points silences it; ``isolint report`` judges every workload.

What is expected is read from the repository's own ``# expect: CODE severity`` annotations (a
finding on the line after each), so the figures here follow the fixtures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from isolint.cli import main

from .fixture_harness import read_expectations

REPO = Path(__file__).resolve().parent.parent / "fixtures" / "deployments"
FORMATS = {"json": "r.json", "sarif": "r.sarif", "gitlab": "r.gitlab.json", "junit": "r.xml", "github": "r.github",
           "text": "r.txt"}


def _expected() -> set[tuple[str, str, int]]:
    """(code, path from the repository's root, line) of every `# expect:` annotation's finding."""
    out = set()
    for path in sorted(REPO.rglob("*.yaml")):
        for code, line, _ in read_expectations(path).expected:
            out.add((code, path.relative_to(REPO).as_posix(), line))
    return out


# packaged/: a chart with a packaged (.tgz) subchart and a library chart, whose findings have no line
# to annotate: the template line of an include, a values line, the archive
PACKAGED = {("PRV001", "packaged/templates/deployment.yaml", 12), ("NS001", "packaged/values.yaml", 5),
            ("PRV001", "packaged/charts/agent-0.1.0.tgz", 1)}
EXPECTED = _expected() | PACKAGED
CODES = ",".join(sorted({code for code, _, _ in EXPECTED}))
PLACES = {(path, line) for _, path, line in EXPECTED}


def _norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A copy of the acceptance repository (tests write suppressions and baselines into it), the
    working folder of the run."""
    root = tmp_path / "repo"
    shutil.copytree(REPO, root)
    monkeypatch.chdir(root)
    return root


def test_the_acceptance_repository_covers_every_source():
    sources = {path.split("/")[0] for _, path, _ in EXPECTED}
    assert sources == {"chart", "packaged", "kustomize", "argo-workflow.yaml", "tekton-task.yaml"}
    assert any("/charts/" in path for _, path, _ in EXPECTED)  # the subchart
    assert any("/overlays/" in path for _, path, _ in EXPECTED)  # the patch


def test_every_format_names_the_file_and_line_a_person_edits(repo, capsys):
    out = repo.parent / "out"
    args = [arg for fmt, name in FORMATS.items() for arg in ("--format", fmt, "--output", str(out / name))]
    assert main(["check", "--select", CODES, *args]) == 1
    capsys.readouterr()

    doc = json.loads((out / "r.json").read_text())
    assert doc["errors"] == []  # no template is an error
    assert {(f["rule"], _norm(f["path"]), f["line"]) for f in doc["findings"]} == EXPECTED
    assert all(f.get("column") for f in doc["findings"] if not f["path"].endswith(".tgz"))  # an archive: no column
    related = {(f["rule"], _norm(r["path"]), r["line"]) for f in doc["findings"] for r in f.get("related", ())}
    assert {("PRV001", "chart/values.yaml", 3), ("MNT001", "chart/values.yaml", 7),
            ("NS002", "chart/charts/agent/values.yaml", 1)} <= related  # values the templates take
    base = next(f for f in doc["findings"] if f["rule"] == "NS001")  # the base's finding, once, both overlays
    assert _norm(base["path"]) == "kustomize/base/deployment.yaml"
    assert {_norm(r["path"]) for r in base["related"]} == {"kustomize/overlays/prod/kustomization.yaml",
                                                            "kustomize/overlays/staging/kustomization.yaml"}

    text = (out / "r.txt").read_text()
    line = re.compile(r"^([^\s:]+):(\d+):(?:\d+:)? [A-Z]+\d+ ", re.M)  # path:line[:column]: CODE
    shown = {(_norm(m.group(1)), int(m.group(2))) for m in line.finditer(text)}
    assert shown == PLACES

    sarif = json.loads((out / "r.sarif").read_text())
    results = sarif["runs"][0]["results"]
    located = {(r["ruleId"].split("/")[0], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}
    assert located == EXPECTED  # uris relative to the repository's root, no runner path
    sarif_related = {(x["physicalLocation"]["artifactLocation"]["uri"], x["physicalLocation"]["region"]["startLine"])
                     for r in results for x in r.get("relatedLocations", ())}
    assert {("chart/values.yaml", 3), ("kustomize/overlays/staging/kustomization.yaml", 1)} <= sarif_related

    gitlab = json.loads((out / "r.gitlab.json").read_text())
    assert {(e["check_name"], e["location"]["path"], e["location"]["lines"]["begin"]) for e in gitlab} == EXPECTED
    assert len({e["fingerprint"] for e in gitlab}) == len(gitlab)

    cases = ET.parse(out / "r.xml").getroot().iter("testcase")
    assert {(c.get("file"), int(c.get("line"))) for c in cases if c.find("failure") is not None} == PLACES

    github = (out / "r.github").read_text()
    annotated = {(m.group(1), int(m.group(2))) for m in re.finditer(r"^::error file=([^,]+),line=(\d+)", github, re.M)}
    assert annotated == PLACES


def test_baseline_round_trip_passes_and_a_new_finding_still_fails(repo, capsys):
    assert main(["baseline"]) == 0
    assert (repo / ".isolint-baseline.json").is_file()
    capsys.readouterr()
    assert main(["check", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == [] and doc["errors"] == []
    assert doc["summary"]["baselined"] >= len(EXPECTED)

    # a new finding in each kind of source: in the overlay's patch, the chart's values, the Tekton Task
    patch = _insert(repo / "kustomize/overlays/prod/privileged.yaml", "    spec:\n", "      hostPID: true\n")
    values = repo / "chart/values.yaml"
    values.write_text(values.read_text().replace("path: /var/cache/shop", "path: /var/run/docker.sock"))
    task = _insert(repo / "tekton-task.yaml", "spec:\n", "  sidecars:\n    - name: dind\n      image: docker:dind\n"
                   "      securityContext:\n        privileged: true\n")
    assert main(["check", "--format", "json", "--select", "PRV001,NS002,MNT002"]) == 1
    doc = json.loads(capsys.readouterr().out)
    new = {(f["rule"], _norm(f["path"]), f["line"]) for f in doc["findings"]}
    assert ("NS002", "kustomize/overlays/prod/privileged.yaml", patch) in new
    assert ("PRV001", "tekton-task.yaml", task + 4) in new
    assert ("MNT002", "chart/templates/deployment.yaml", 25) in new  # at the template line, from the values
    assert {path for _, path, _ in new} == {"kustomize/overlays/prod/privileged.yaml", "tekton-task.yaml",
                                            "chart/templates/deployment.yaml"}


def test_baseline_holds_in_a_changed_files_run_of_a_subfolder(tmp_path, monkeypatch, capsys):
    """pre-commit names the changed files, run from a folder of a git repository: a values file,
    a patch, a template and a manifest each bring their findings back, and the baseline written by
    a whole run there matches them (however the run spells the paths it walks from the top)."""
    import subprocess

    shutil.copytree(REPO, tmp_path / "deploy")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path / "deploy")
    assert main(["baseline", "."]) == 0
    for changed in ("chart/values.yaml", "chart/templates/deployment.yaml", "kustomize/overlays/prod/privileged.yaml",
                    "kustomize/base/deployment.yaml", "tekton-task.yaml", "packaged/values.yaml"):
        capsys.readouterr()
        assert main(["check", "--format", "json", changed]) == 0, changed
        doc = json.loads(capsys.readouterr().out)
        assert doc["findings"] == [] and doc["summary"]["baselined"] > 0, changed


def _insert(path: Path, after: str, text: str) -> int:
    """Write ``text`` after the first line ``after`` (at the top when empty); the line it starts at."""
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index(after) + 1 if after else 0
    path.write_text("".join([*lines[:at], text, *lines[at:]]))
    return at + 1


def _suppress(repo: Path) -> None:
    """A suppression comment on the line before each finding: each `# expect: CODE` annotation
    (the line before its finding) becomes `# isolint: ignore[CODE]`; the packaged chart's get one
    written above their lines (an include's line in the template, the values line)."""
    for path in {path for _, path, _ in EXPECTED}:
        file = repo / path
        if path.endswith(".yaml"):
            file.write_text(re.sub(r"# expect: ([A-Z]+[0-9]+) \w+", r"# isolint: ignore[\1] reviewed in the e2e test",
                                   file.read_text()))
    for code, path, line in PACKAGED:
        if path.endswith(".yaml"):
            lines = (repo / path).read_text().splitlines(keepends=True)
            indent = lines[line - 1][:len(lines[line - 1]) - len(lines[line - 1].lstrip())]
            lines.insert(line - 1, f"{indent}# isolint: ignore[{code}] reviewed in the e2e test\n")
            (repo / path).write_text("".join(lines))


def test_suppression_comments_where_the_findings_point_silence_them(repo, capsys):
    """In a template (its include's line too), a values file, a Kustomize base and patch, an Argo
    Workflow and a Tekton Task. A finding in a packaged subchart points into an archive, where no
    comment can be written: it stays (an annotation or --ignore silences it)."""
    _suppress(repo)
    assert main(["check", "--format", "json", "--select", f"{CODES},SUP001,SUP002"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == []  # no unused suppression (SUP002) either:
    assert [(f["rule"], _norm(f["path"])) for f in doc["findings"]] == [("PRV001", "packaged/charts/agent-0.1.0.tgz")]
    assert doc["summary"]["suppressed"] == len(EXPECTED) - 1
    # --no-suppressions shows them again
    main(["check", "--format", "json", "--select", CODES, "--no-suppressions"])
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["findings"]) == len(EXPECTED)


def test_report_judges_every_workload_of_every_source(repo, capsys):
    main(["report", "--format", "markdown"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    for workload, path in [("Workflow/build-:template build", "argo-workflow.yaml"),
                           ("Task/image-build", "tekton-task.yaml"),
                           ("Deployment/release-name-web", "chart/templates/deployment.yaml"),
                           ("DaemonSet/release-name-agent", "chart/charts/agent/templates/daemonset.yaml"),
                           ("Deployment/api", "kustomize/base/deployment.yaml"),
                           ("Deployment/staging-api", "kustomize/base/deployment.yaml"),
                           ("Deployment/release-name-web", "packaged/templates/deployment.yaml"),
                           ("DaemonSet/release-name-agent", "packaged/charts/agent-0.1.0.tgz")]:
        row = next((line for line in rows if f"{workload}<br>" in line and path in line), None)
        assert row is not None, (workload, path, out)
        if workload.startswith(("Workflow", "Task")):  # CI kinds: build tooling that belongs in a VM
            assert "VM" in row.split("|")[1], row
    # an overlay's workload is judged on its own findings wherever they point: the prod patch's
    # privileged, the base's hostNetwork reported once for both overlays
    assert "PRV001" in next(r for r in rows if "Deployment/api<br>" in r).split("|")[-2]
    assert "NS001" in next(r for r in rows if "Deployment/staging-api<br>" in r).split("|")[-2]


def test_report_json_names_each_workloads_file_and_its_findings(repo, capsys):
    main(["report", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["errors"] == []
    seen = {(w["resource"]["kind"], w["resource"]["name"], _norm(w["path"])): w for w in doc["workloads"]}
    assert {path for _, _, path in seen} == {
        "argo-workflow.yaml", "tekton-task.yaml", "chart/templates/deployment.yaml",
        "chart/charts/agent/templates/daemonset.yaml", "kustomize/base/deployment.yaml",
        "packaged/templates/deployment.yaml", "packaged/charts/agent-0.1.0.tgz"}
    assert all(w["findings"] for w in doc["workloads"])  # every workload's findings reached it, wherever they point
    prod = seen[("Deployment", "api", "kustomize/base/deployment.yaml")]
    assert {"PRV001", "NS001"} <= {d["rule"] for d in prod["drivers"]}
