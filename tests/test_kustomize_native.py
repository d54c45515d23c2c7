"""The in-process Kustomize build against the binary (the judge): same documents, same findings."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from isolint.render import kustomize, kustomize_native
from isolint.render.kustomize_patch import Unsupported

from .cli_helpers import run_json, write

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n" \
             "      containers:\n        - name: app\n          image: nginx:1.27\n"


def _documents(text: str) -> list[tuple[str, str, str, str]]:
    out = []
    for doc in yaml.safe_load_all(text):
        if isinstance(doc, dict):
            meta = doc["metadata"]
            out.append((doc["kind"], meta.get("namespace", ""), meta["name"], yaml.safe_dump(doc, sort_keys=True)))
    return sorted(out)


def _kept(text: str) -> list[tuple[str, str, str, str]]:
    from isolint.parsers.kubernetes import KEPT_KINDS

    return [d for d in _documents(text) if d[0] in KEPT_KINDS or d[0] in ("Deployment",)]


def _both(folder: Path) -> tuple[str, str]:
    """The in-process build and the binary's (the wrapper kustomization isolint builds with)."""
    graph = kustomize.scan([(str(folder), str(folder.parent))])
    real = os.path.realpath(folder)
    docs, base = kustomize_native.build(graph, real)
    mine = kustomize_native.text(docs)
    theirs, their_base = kustomize.build(graph, real, kustomize.builder(), native=False)
    assert base == their_base
    return mine, theirs


def _failures(folder: Path, root: Path) -> tuple[str, str]:
    """The messages of the in-process build's failure and of the binary's, for the same root."""
    graph = kustomize.scan([(str(folder), str(root))])
    real = os.path.realpath(folder)
    with pytest.raises(kustomize_native.Failed) as mine:
        kustomize_native.build(graph, real)
    with pytest.raises(kustomize.BuildError) as theirs:
        kustomize.build(graph, real, kustomize.builder(), native=False)
    return mine.value.message, theirs.value.message


def test_resources_bases_and_nested_folders_build_as_the_binary_builds(tmp_path):
    write(tmp_path, "app/base/kustomization.yaml", "resources: [deploy.yaml, sub]\n")
    write(tmp_path, "app/base/deploy.yaml", DEPLOYMENT.format(name="web") + "---\n" + DEPLOYMENT.format(name="api"))
    write(tmp_path, "app/base/sub/kustomization.yaml", "resources:\n- pod.yaml\n- cm.yaml\n")
    write(tmp_path, "app/base/sub/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\n"
          "spec:\n  hostPID: true\n  containers: [{name: a, image: a, args: [--v, '2', 'on']}]\n")
    write(tmp_path, "app/base/sub/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
          "---\napiVersion: v1\nkind: PodList\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n"
          "  spec: {containers: [{name: a, image: a}]}\n---\napiVersion: v1\nkind: RoleList\nitems: []\n")
    write(tmp_path, "app/overlay/kustomization.yaml", "bases: [../base]\nresources: [sa.yaml]\n")
    write(tmp_path, "app/overlay/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n"
          "automountServiceAccountToken: false\n")
    mine, theirs = _both(tmp_path / "app" / "overlay")
    assert _kept(mine) == _kept(theirs)
    assert len(_kept(mine)) == 5  # four workloads and the service account; the ConfigMap is not written


@pytest.mark.parametrize(("files", "why"), [
    ({"kustomization.yaml": "resources: [a.yaml, b.yaml]\n", "a.yaml": DEPLOYMENT.format(name="x"),
      "b.yaml": DEPLOYMENT.format(name="x")}, "an id already registered"),
    ({"kustomization.yaml": "resources: [a.yaml]\nreplacements: []\n", "a.yaml": DEPLOYMENT.format(name="x")},
     "replacements in kustomization.yaml"),
    ({"kustomization.yaml": "resources: [a.yaml]\n", "a.yaml": "apiVersion: v1\nkind: List\nitems: {}\n"},
     "a list whose items are not a list"),
    ({"kustomization.yaml": "resources: [a.yaml]\npatches:\n- target: {kind: Deployment, version: 1}\n"
      "  patch: '[{op: add, path: /spec/paused, value: true}]'\n", "a.yaml": DEPLOYMENT.format(name="x")},
     "a target not modelled"),
    ({"kustomization.yaml": "resources: [a.yaml]\n",
      "a.yaml": DEPLOYMENT.format(name="x") + "      hostNetwork: y\n"}, "a plain y/n value"),
])
def test_what_is_not_modelled_is_left_to_the_binary(tmp_path, files, why):
    for name, text in files.items():
        write(tmp_path, f"k/{name}", text)
    graph = kustomize.scan([(str(tmp_path / "k"), str(tmp_path))])
    with pytest.raises(Unsupported, match=why):
        kustomize_native.build(graph, os.path.realpath(tmp_path / "k"))


def test_cycles_and_deep_values_are_left_to_the_binary(tmp_path):
    write(tmp_path, "a/kustomization.yaml", "resources: [../b]\n")
    write(tmp_path, "b/kustomization.yaml", "resources: [../a]\n")
    graph = kustomize.scan([(str(tmp_path / "a"), str(tmp_path))])
    with pytest.raises(Unsupported, match="a cycle"):
        kustomize_native.build(graph, os.path.realpath(tmp_path / "a"))
    write(tmp_path, "c/kustomization.yaml", "resources: [pod.yaml]\n")
    write(tmp_path, "c/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  x: "
          + "{a: " * 300 + "}" * 300 + "\n")
    graph = kustomize.scan([(str(tmp_path / "c"), str(tmp_path))])
    folder = os.path.realpath(tmp_path / "c")
    kustomize_native.build(graph, folder)  # read (and cached) at the default recursion limit
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 200)  # a worker deeper in its stack: the copy runs out
    try:
        with pytest.raises(Unsupported, match="values nested too deep"):
            kustomize_native.build(graph, folder)
    finally:
        sys.setrecursionlimit(limit)
    kustomize_native.forget()


def test_a_missing_resource_fails_with_the_binarys_message(tmp_path):
    write(tmp_path, "app/common/kustomization.yaml", "resources: [a.yaml]\n")
    write(tmp_path, "app/common/a.yaml", DEPLOYMENT.format(name="x"))
    write(tmp_path, "app/overlay/kustomization.yaml", "resources: [../common, ../common/manifest.yaml]\n")
    mine, theirs = _failures(tmp_path / "app" / "overlay", tmp_path)
    assert mine == theirs == "common/manifest.yaml: no such file or directory"


@pytest.mark.parametrize("fixture", ["deployments/kustomize", "kustomize"])
def test_the_fixtures_give_the_same_report_in_process_and_by_the_binary(capsys, monkeypatch, tmp_path, fixture):
    """Whatever the in-process build models of the fixtures' roots, the report is the binary's,
    byte for byte (what it does not model is built by the binary in both runs)."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures" / fixture, repo)
    monkeypatch.chdir(repo)
    runs = []
    run = kustomize.subprocess.run
    monkeypatch.setattr(kustomize.subprocess, "run", lambda *a, **k: runs.append(a) or run(*a, **k))
    reports = []
    for setting in ("true", "false"):
        write(repo, ".isolint.toml", f"[kustomize]\nin-process = {setting}\n")
        reports.append(run_json(capsys, "--select", "ALL", "-j", "1", "."))
    assert reports[0] == reports[1] and reports[0][1]["findings"]
    assert len(runs) > 0  # the binary built at least the roots of the run without in-process builds


def test_the_binary_is_not_run_for_a_root_built_in_process(monkeypatch, tmp_path):
    write(tmp_path, "k/kustomization.yaml", "resources: [a.yaml]\n")
    write(tmp_path, "k/a.yaml", DEPLOYMENT.format(name="x"))
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("the binary ran"))
    kustomize.configure(None)  # the default: in-process
    graph = kustomize.scan([(str(tmp_path / "k"), str(tmp_path))])
    docs, _ = kustomize.build(graph, os.path.realpath(tmp_path / "k"), ["kubectl", "kustomize"])
    doc, = yaml.safe_load_all(kustomize_native.text(docs))
    assert doc["metadata"]["annotations"] == {"config.kubernetes.io/origin": "path: ../src/a.yaml\n"}


def test_without_any_binary_a_root_is_built_in_process_and_the_others_say_what_to_install(capsys, monkeypatch,
                                                                                        tmp_path):
    monkeypatch.setattr(kustomize, "builder", lambda: None)
    write(tmp_path, "a/kustomization.yaml", "resources: [pod.yaml]\nnamePrefix: x-\n")
    write(tmp_path, "a/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n"
          "  containers: [{name: a, image: a}]\n")
    write(tmp_path, "b/kustomization.yaml", "resources: [pod.yaml]\nreplacements: []\n")
    write(tmp_path, "b/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  hostNetwork: true\n"
          "  containers: [{name: a, image: a}]\n")
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(capsys, "--select", "NS001,NS002", ".")
    found = sorted((f["rule"], os.path.normpath(f["path"]), f["line"], f["resource"]["name"]) for f in doc["findings"])
    # a: built in-process (its name prefixed); b: not built, its resource linted as a plain manifest
    assert found == [("NS001", "b/pod.yaml", 5, "q"), ("NS002", "a/pod.yaml", 5, "x-p")]
    assert [(e["path"], e["message"]) for e in doc["errors"]] == [
        ("b/kustomization.yaml", "kustomization b is not built: no kustomize, kubectl or `pip install "
         "'isolint[kustomize]'`; its resources are linted as plain manifests")]


POD_SPEC = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: runner
      containers:
        - name: app
          image: nginx:1.27
          envFrom: [{configMapRef: {name: settings}}]
          env:
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: token, key: t}}
      volumes:
        - name: data
          persistentVolumeClaim: {claimName: data}
        - name: conf
          configMap: {name: settings}
"""
OBJECTS = """apiVersion: v1
kind: ServiceAccount
metadata: {name: runner}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""
TREES = {
    "overlay renames, generates and patches what its base holds": {
        "base/kustomization.yaml": "resources: [deploy.yaml, objects.yaml]\nconfigMapGenerator:\n"
                                   "- name: settings\n  literals: [A=1]\n",
        "base/deploy.yaml": POD_SPEC,
        "base/objects.yaml": OBJECTS,
        "overlay/kustomization.yaml": "resources: [../base]\nnamePrefix: prod-\nnameSuffix: -v2\nnamespace: prod\n"
                                      "commonLabels: {tier: web}\ncommonAnnotations: {team: a}\n"
                                      "secretGenerator:\n- name: token\n  literals: [t=x]\n"
                                      "configMapGenerator:\n- name: settings\n  behavior: merge\n  literals: [B=2]\n"
                                      "images:\n- name: nginx\n  newTag: '1.28'\n"
                                      "replicas:\n- name: web\n  count: 3\n"
                                      "patches:\n- path: privileged.yaml\n"
                                      "- target: {kind: Deployment, name: web}\n  patch: |-\n"
                                      "    - op: add\n      path: /spec/template/spec/hostNetwork\n      value: true\n",
        "overlay/privileged.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
                                   "    spec:\n      containers:\n        - name: app\n"
                                   "          securityContext: {privileged: true}\n        - name: sidecar\n"
                                   "          image: busybox\n",
    },
    "components run over their includer's resources, in order": {
        "app/kustomization.yaml": "resources: [deploy.yaml]\ncomponents: [../first, ../second]\n",
        "app/deploy.yaml": POD_SPEC,
        "first/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                    "resources: [objects.yaml]\npatchesStrategicMerge: [cap.yaml]\n",
        "first/objects.yaml": OBJECTS,
        "first/cap.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
                          "    spec:\n      containers:\n        - name: app\n          securityContext:\n"
                          "            capabilities: {add: [SYS_ADMIN]}\n",
        "second/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                                     "patchesJson6902:\n- target: {group: apps, version: v1, kind: Deployment,"
                                     " name: web}\n  path: ops.yaml\n",
        "second/ops.yaml": "- op: replace\n"
                           "  path: /spec/template/spec/containers/0/securityContext/capabilities/add/0\n"
                           "  value: NET_ADMIN\n",
    },
    "a base's patch targets the original name after its overlay's prefix": {
        "base/kustomization.yaml": "resources: [deploy.yaml]\nnamePrefix: a-\n",
        "base/deploy.yaml": POD_SPEC,
        "overlay/kustomization.yaml": "resources: [../base]\npatches:\n- target: {name: web}\n  patch: |-\n"
                                      "    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: any}\n"
                                      "    spec: {template: {spec: {hostPID: true}}}\n",
    },
}


@pytest.mark.parametrize("case", sorted(TREES))
def test_trees_build_in_process_as_the_binary_builds_them(tmp_path, case):
    for name, text in TREES[case].items():
        write(tmp_path, name, text)
    top = next(name.split("/")[0] for name in TREES[case] if name.startswith(("overlay/", "app/")))
    mine, theirs = _both(tmp_path / top)
    assert _kept(mine) == _kept(theirs)
    assert _kept(mine)


GENERATED = {
    "base/kustomization.yaml": "resources: [deploy.yaml]\nnamePrefix: q-\nnamespace: ns-a\n"
                              "configMapGenerator:\n- name: cfg\n  literals: [A=1, B=1]\n"
                              "  options: {labels: {x: base}}\n"
                              "secretGenerator:\n- name: tok\n  literals: [t=1]\n",
    "base/deploy.yaml": POD_SPEC.replace("name: settings", "name: cfg").replace("name: token", "name: tok"),
}


@pytest.mark.parametrize("overlay", [
    "resources: [../base]\nnamePrefix: p-\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n"
    "  literals: [B=2, C=3]\n  options: {labels: {z: overlay}}\n",
    "resources: [../base]\nconfigMapGenerator:\n- name: q-cfg\n  namespace: ns-a\n  behavior: replace\n"
    "  literals: [D=4]\n"
    "secretGenerator:\n- name: tok\n  behavior: merge\n  literals: [u=2]\n",
])
def test_a_generator_merges_into_or_replaces_its_base_s_object_as_the_binary_does(tmp_path, overlay):
    for name, text in {**GENERATED, "overlay/kustomization.yaml": overlay}.items():
        write(tmp_path, name, text)
    mine, theirs = _both(tmp_path / "overlay")
    assert _kept(mine) == _kept(theirs) and _kept(mine)
    graph = kustomize.scan([(str(tmp_path / "overlay"), str(tmp_path))])
    acc, _ = kustomize_native.resources(graph, os.path.realpath(tmp_path / "overlay"))
    generated = sorted((r.doc["kind"], r.doc["metadata"]["name"], r.doc["metadata"].get("namespace"),
                        r.doc.get("data"), r.doc["metadata"].get("labels")) for r in acc if r.generated)
    binary = sorted((d["kind"], d["metadata"]["name"], d["metadata"].get("namespace"), d.get("data"),
                     {k: v for k, v in (d["metadata"].get("labels") or {}).items()} or None)
                    for d in yaml.safe_load_all(subprocess.run([*kustomize.builder(), str(tmp_path / "overlay")],
                                                              capture_output=True, text=True, check=True).stdout)
                    if d["kind"] in ("ConfigMap", "Secret"))
    assert generated == binary


@pytest.mark.parametrize("value", [
    "hostNetwork: yes", "hostNetwork: On", "schedulerName: 1:20", "schedulerName: 2019-03-20T17:54:53Z",
    "schedulerName: 2019-03-20", "terminationGracePeriodSeconds: 1e3", "terminationGracePeriodSeconds: 0o17",
    "terminationGracePeriodSeconds: .inf",
])
def test_a_value_yaml_1_1_and_kustomize_read_otherwise_is_left_to_the_binary(tmp_path, value):
    """isolint reads a manifest as Kubernetes does (YAML 1.1); Kustomize reads ``yes`` as text and
    writes it quoted, ``1e3`` as a number...: what the binary writes is what isolint must lint."""
    write(tmp_path, "k/kustomization.yaml", "resources: [pod.yaml, cm.yaml]\n")
    write(tmp_path, "k/pod.yaml", f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  {value}\n"
          "  containers: [{name: a, image: a}]\n")
    write(tmp_path, "k/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
    graph = kustomize.scan([(str(tmp_path / "k"), str(tmp_path))])
    with pytest.raises(Unsupported, match="Kustomize reads otherwise"):
        kustomize_native.build(graph, os.path.realpath(tmp_path / "k"))


def test_what_is_read_alike_builds_in_process_as_the_binary_writes_it(tmp_path):
    # a ConfigMap's `enabled: yes` never reaches a pod; a float with no fraction is written as an int;
    # a mapping where a list of volumes belongs is walked as its one item
    write(tmp_path, "k/kustomization.yaml", "resources: [pod.yaml, cm.yaml]\n")
    write(tmp_path, "k/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: '5'}}\n"
          "spec:\n  terminationGracePeriodSeconds: 30.0\n  containers: [{name: a, image: a, args: [0x1F, 1_000, "
          "'on', 0.5]}]\n  volumes: {name: v, configMap: {name: c}}\n")
    write(tmp_path, "k/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: yes}\n")
    mine, theirs = _both(tmp_path / "k")
    assert _kept(mine) == _kept(theirs)
    assert "terminationGracePeriodSeconds: 30\n" in _kept(mine)[0][3]


def test_an_annotation_that_is_not_text_is_left_to_the_binary(tmp_path):
    write(tmp_path, "k/kustomization.yaml", "resources: [pod.yaml]\n")
    write(tmp_path, "k/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {a: 0755}}\n"
          "spec:\n  containers: [{name: a, image: a}]\n")
    graph = kustomize.scan([(str(tmp_path / "k"), str(tmp_path))])
    with pytest.raises(Unsupported, match="annotation that is not text"):
        kustomize_native.build(graph, os.path.realpath(tmp_path / "k"))


@pytest.mark.parametrize("spec", ["containers: [5]", "containers: [{name: a, image: a, env: x}]",
                                  "containers: [{name: a, image: a}]\n  volumes: [{configMap: x}]"])
def test_a_malformed_pod_spec_the_binary_refuses_is_left_to_it(tmp_path, spec):
    write(tmp_path, "k/kustomization.yaml", "resources: [pod.yaml]\n")
    write(tmp_path, "k/pod.yaml", f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  {spec}\n")
    graph = kustomize.scan([(str(tmp_path / "k"), str(tmp_path))])
    folder = os.path.realpath(tmp_path / "k")
    with pytest.raises(Unsupported, match=r"wrong type|not a mapping"):
        kustomize_native.build(graph, folder)
    with pytest.raises(kustomize.BuildError, match="name reference"):
        kustomize.build(graph, folder, kustomize.builder(), native=False)


@pytest.mark.parametrize("generator", [
    "configMapGenerator:\n- name: c\n  files: [a.txt, b.sh, x=c.sh]\n",
    "configMapGenerator:\n- name: c\n  files: [a.txt, x=c.sh]\n",
    "secretGenerator:\n- name: s\n  envs: [a.txt, e.env]\n",
])
def test_a_generator_s_missing_file_fails_with_the_binarys_message(tmp_path, generator):
    write(tmp_path, "app/k/kustomization.yaml", "resources: [../base]\n" + generator)
    write(tmp_path, "app/k/a.txt", "A=1\n")
    write(tmp_path, "app/base/kustomization.yaml", "resources: [pod.yaml]\n")
    write(tmp_path, "app/base/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
          "  containers: [{name: a, image: a}]\n")
    mine, theirs = _failures(tmp_path / "app" / "k", tmp_path)
    assert mine == theirs and mine.startswith("loading KV pairs: ") and "k/" in mine
