"""A synthetic repository of realistic manifests, Compose files and Dockerfiles.

Deterministic for a seed. Proportions follow real repositories: most bytes are CRDs (long
descriptions, block scalars, multi-line quoted text) and ConfigMaps (scripts, embedded JSON);
workloads carry risky settings so rules fire. A share of the files exercise what the prescan
must not get wrong: anchors and aliases, merge keys, flow style, multi-line quoted scalars,
``kind: List``, custom kinds with a pod template, JSON, indented documents, Compose.

Usage: ``python benchmarks/corpus.py OUT_DIR [--mb 20] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Callable

_PLAIN_WORDS = ("the pod container volume must may should field value default when set to a of is for this that "
                "name namespace service account token secret image policy host network port selector label")
WORDS = [*_PLAIN_WORDS.split(),
         "annotation", "*Warning:*", "`kubectl`", "[RFC", "1123]", "e.g.", "{braces}", "'quoted'", '"dq"', "-", ">",
         "|", "&", "*", "!", "%", "@", "#", ":colon"]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS[:40]) for _ in range(words))


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _container(rng: random.Random, name: str, indent: str) -> str:
    risky = rng.random()
    lines = [f"{indent}- name: {name}", f"{indent}  image: registry.example.com/{name}:{rng.randint(1, 9)}.0"]
    sc: list[str] = []
    if risky < 0.15:
        sc.append("privileged: true")
    if 0.1 < risky < 0.3:
        sc.append(f"capabilities:\n{indent}      add: [{rng.choice(['SYS_ADMIN', 'NET_ADMIN', 'NET_RAW'])}]")
    if 0.25 < risky < 0.45:
        sc.append("runAsUser: 0")
    if risky > 0.7:
        sc += ["runAsNonRoot: true", "allowPrivilegeEscalation: false", "readOnlyRootFilesystem: true",
               f"capabilities:\n{indent}      drop: [\"ALL\"]", f"seccompProfile:\n{indent}      type: RuntimeDefault"]
    if sc:
        lines.append(f"{indent}  securityContext:")
        lines += [f"{indent}    {s}" for s in sc]
    lines += [f"{indent}  ports:", f"{indent}  - containerPort: {rng.choice([80, 8080, 9090])}"]
    if rng.random() < 0.3:
        lines += [f"{indent}  env:", f"{indent}  - name: MODE", f"{indent}    value: \"{_sentence(rng, 2)}\""]
    if rng.random() < 0.2:
        lines += [f"{indent}  volumeMounts:", f"{indent}  - name: host", f"{indent}    mountPath: /host"]
    return "\n".join(lines)


def _pod_spec(rng: random.Random, indent: str) -> str:
    lines = []
    if rng.random() < 0.1:
        lines.append(f"{indent}hostNetwork: true")
    if rng.random() < 0.05:
        lines.append(f"{indent}hostPID: true")
    lines.append(f"{indent}containers:")
    for i in range(rng.randint(1, 3)):
        lines.append(_container(rng, f"app{i}", indent))
    if any("name: host" in line for line in lines):
        path = rng.choice(["/var/run/docker.sock", "/", "/var/log", "/etc"])
        lines += [f"{indent}volumes:", f"{indent}- name: host", f"{indent}  hostPath:", f"{indent}    path: {path}"]
    return "\n".join(lines)


def deployment(rng: random.Random, n: int) -> str:
    kind = rng.choice(["Deployment", "StatefulSet", "DaemonSet"])
    return (f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web-{n}\n  namespace: team-{n % 7}\n"
            f"  labels:\n    app: web-{n}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web-{n}\n"
            f"  template:\n    metadata:\n      labels:\n        app: web-{n}\n    spec:\n{_pod_spec(rng, '      ')}\n")


def cronjob(rng: random.Random, n: int) -> str:
    return (f"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job-{n}\nspec:\n  schedule: \"*/5 * * * *\"\n"
            f"  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
            f"{_pod_spec(rng, '          ')}\n")


def pod(rng: random.Random, n: int) -> str:
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{n}\nspec:\n{_pod_spec(rng, '  ')}\n"


def rollout(rng: random.Random, n: int) -> str:
    """A custom kind with a pod template: a workload by shape, not by kind."""
    return (f"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: ro-{n}\nspec:\n"
            f"  strategy:\n    canary: {{}}\n  template:\n    spec:\n{_pod_spec(rng, '      ')}\n")


def _schema_property(rng: random.Random, depth: int, indent: str) -> list[str]:
    lines: list[str] = []
    for i in range(rng.randint(2, 5)):
        name = f"field{depth}{i}"
        lines.append(f"{indent}{name}:")
        style = rng.random()
        if style < 0.4:
            lines.append(f"{indent}  description: |-")
            lines += [f"{indent}    {_prose(rng, 12)}" for _ in range(rng.randint(1, 4))]
        elif style < 0.6:
            lines.append(f"{indent}  description: '{_sentence(rng, 10)}")
            lines.append(f"{indent}    {_sentence(rng, 8)} it''s: fine'")
        elif style < 0.8:
            lines.append(f"{indent}  description: {_sentence(rng, 14)}")
            lines.append(f"{indent}    {_sentence(rng, 10)}")
        else:
            lines.append(f"{indent}  description: \"{_sentence(rng, 6)}\\n {_sentence(rng, 4)}\"")
        if depth < 3 and rng.random() < 0.6:
            lines += [f"{indent}  type: object", f"{indent}  properties:"]
            lines += _schema_property(rng, depth + 1, indent + "    ")
        else:
            lines.append(f"{indent}  type: {rng.choice(['string', 'integer', 'boolean'])}")
            if rng.random() < 0.3:
                lines.append(f"{indent}  enum: [a, b, \"c\"]")
    return lines


def crd(rng: random.Random, n: int) -> str:
    head = (f"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
            f"  name: things{n}.example.com\n  annotations:\n    controller-gen.kubebuilder.io/version: v0.16.0\n"
            f"spec:\n  group: example.com\n  names:\n    kind: Thing{n}\n    plural: things{n}\n  scope: Namespaced\n"
            f"  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n"
            f"        type: object\n        properties:\n          template:\n            description: a pod template\n"
            f"            properties:\n              spec:\n                properties:\n"
            f"                  containers:\n                    type: array\n")
    body = _schema_property(rng, 0, "          ")
    return head + "\n".join(body) + "\n"


def configmap(rng: random.Random, n: int) -> str:
    script = "\n".join(f"    {line}" for line in [
        "#!/bin/sh", "set -eu", "echo \"starting $HOSTNAME\" && cat <<EOF > /tmp/x", "kind: Deployment",
        "EOF", "for f in /etc/*.conf; do echo \"$f\"; done", "- [ not yaml", "!important *star &amp"])
    dashboard = json.dumps({"panels": [{"id": i, "title": _sentence(rng, 3), "targets": [{"expr": "up"}]}
                                       for i in range(rng.randint(5, 40))]}, indent=2)
    dash = "\n".join(f"    {line}" for line in dashboard.splitlines())
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{n}\n  labels: {{app: cfg, tier: \"backend\"}}\n"
            f"data:\n  run.sh: |\n{script}\n  dashboard.json: |-\n{dash}\n  plain: {_sentence(rng, 5)}\n")


def service(rng: random.Random, n: int) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{n}\nspec:\n  selector:\n    app: web-{n}\n"
            f"  ports:\n  - port: 80\n    targetPort: {rng.choice([80, 8080])}\n")


def rbac(rng: random.Random, n: int) -> str:
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: role-{n}\nrules:\n"
            f"- apiGroups: [\"\"]\n  resources: [pods, secrets]\n  verbs: [\"get\", \"list\"]\n")


def tricky(rng: random.Random, n: int) -> str:
    """Documents the prescan must parse (or prove harmless) without changing any result."""
    choices = [
        f"x-base: &base\n  privileged: true\napiVersion: v1\nkind: Pod\nmetadata: {{name: anchored-{n}}}\n"
        f"spec:\n  containers:\n  - name: a\n    image: a\n    securityContext: *base\n",
        f"apiVersion: v1\nkind: List\nitems:\n- {pod(rng, n).replace(chr(10), chr(10) + '  ').rstrip()}\n",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: q-{n}\n  annotations:\n    note: \"multi\n"
        f"kind: Pod\n      line\"\ndata: {{}}\n",
        f"apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: w-{n}}}\nspec: {{template: {{spec: "
        f"{{containers: [{{name: c, image: i, securityContext: {{privileged: true}}}}]}}}}}}\n",
        f"  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: indented-{n}\n  spec:\n{_pod_spec(rng, '    ')}\n",
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s-{n}\nstringData:\n  a: *undefined\n",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m-{n}\nx: &x {{a: 1}}\ny:\n  <<: *x\n",
        f"apiVersion: v1\nkind: Service\nmetadata: {{name: broken-{n}\nspec: [\n",
        f"apiVersion: 1\nkind: Pod\nspec:\n{_pod_spec(rng, '  ')}\n",
        f"apiVersion: v1\nkind: yes\nspec:\n  template:\n    spec:\n{_pod_spec(rng, '      ')}\n",
        "%YAML 1.1\n---\n" + pod(rng, n),
        "services:\n  web:\n    image: nginx\n    privileged: true\n",
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{n % 7}\n  labels:\n"
        f"    pod-security.kubernetes.io/enforce: privileged\n",
    ]
    return choices[n % len(choices)]


def compose(rng: random.Random, n: int) -> str:
    services = []
    for i in range(rng.randint(1, 4)):
        extra = rng.choice(["    privileged: true\n", "    network_mode: host\n", "    cap_add: [SYS_ADMIN]\n",
                            "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n",
                            "    user: \"1000\"\n"])
        services.append(f"  svc{i}:\n    image: example/svc{i}:{n}\n{extra}")
    return "services:\n" + "".join(services)


def dockerfile(rng: random.Random, n: int) -> str:
    user = rng.choice(["", "USER 1000\n", "USER root\n"])
    return ("FROM debian:12 AS build\nRUN apt-get update && apt-get install -y curl \\\n"
            "    && rm -rf /var/lib/apt/lists/*\n"
            f"RUN curl -fsSL https://example.com/install.sh | sh\nFROM gcr.io/distroless/base\n"
            f"COPY --from=build /usr/bin/curl /usr/bin/curl\n{user}CMD [\"/app\", \"--port\", \"{8000 + n % 100}\"]\n")


KUBE_MAKERS: list[tuple[Callable[[random.Random, int], str], float]] = [
    (deployment, 3), (cronjob, 1), (pod, 1), (rollout, 0.3), (crd, 1.2), (configmap, 2), (service, 3), (rbac, 2),
    (tricky, 1)]


def generate(out: str, megabytes: float = 20.0, seed: int = 1) -> int:
    """Write the corpus under ``out``; returns the number of files."""
    rng = random.Random(seed)
    budget = int(megabytes * 1024 * 1024)
    written = files = 0
    makers, weights = zip(*KUBE_MAKERS, strict=True)
    while written < budget:
        n = files
        folder = os.path.join(out, f"team{n % 13}", f"app{n}")
        os.makedirs(folder, exist_ok=True)
        roll = rng.random()
        if roll < 0.06:
            name, text = f"compose-{n}.yaml" if n % 2 else "docker-compose.yml", compose(rng, n)
        elif roll < 0.12:
            name, text = f"Dockerfile.{n}" if n % 2 else "Dockerfile", dockerfile(rng, n)
        elif roll < 0.14:
            name, text = f"values-{n}.yaml", f"replicaCount: 2\nimage:\n  repository: x\n  tag: \"{n}\"\n"
        else:
            count = rng.choice([1, 1, 1, 2, 3, 5])
            docs = [rng.choices(makers, weights)[0](rng, n * 10 + i) for i in range(count)]
            name, text = f"manifest-{n}.yaml", "---\n".join(docs)
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(text)
        written += len(text)
        files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.mb, args.seed), "files written to", args.out)


if __name__ == "__main__":
    main()
