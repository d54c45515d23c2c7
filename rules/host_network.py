"""## What it does
Flags a workload that shares the host's network namespace: Kubernetes `hostNetwork: true`,
Compose `network_mode: host` (also when reached through `network_mode: service:<name>` of a
host-network service).

## Why is this bad?
The container sees every interface of the node, can bind any host port, reach services bound to
localhost (kubelet, cloud metadata proxies, databases listening on 127.0.0.1) and sniff traffic
with `NET_RAW`. Network policies no longer apply to it.

## Example
```yaml
spec:
  hostNetwork: true
```

## Use instead
Leave the pod on its own network namespace and expose ports through a Service (Kubernetes) or
`ports:` bound to a specific address (Compose).

## References
- Kubernetes Pod Security Standards, Baseline: "Host Namespaces"
- CIS Docker Benchmark 5.9 "Ensure that the host's network namespace is not shared"
- CIS Kubernetes Benchmark 5.2.5 "Minimize the admission of containers wishing to share the host network namespace"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS001",
    name="host-network",
    severity=Severity.HIGH,
    summary="Workload shares the host's network namespace",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Host Namespaces", "CIS Docker 5.9", "CIS Kubernetes 5.2.5"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_network
    if is_true(value):
        yield Finding(value, "workload shares the host's network namespace", certain=value.certain)
