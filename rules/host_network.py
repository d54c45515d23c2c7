"""## What it does
Flags a workload that shares the host's network namespace: Kubernetes `hostNetwork: true`,
Compose `network_mode: host` (also when reached through `network_mode: service:<name>` of a
host-network service). High; critical when a container of the workload is privileged or adds
`NET_ADMIN` or `NET_RAW` (or `ALL`): it can then reconfigure or sniff the host's own network.

## Why is this bad?
The container sees every interface of the node, can bind any host port, reach services bound to
localhost (kubelet, cloud metadata proxies, databases listening on 127.0.0.1) and sniff traffic
with `NET_RAW`. Network policies no longer apply to it. With `NET_ADMIN` (or privilege) it changes
the node's routes, firewall and interfaces: a direct path to intercepting every workload's traffic.

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
- CIS Docker Benchmark 5.10 "Ensure that the host's network namespace is not shared"
- CIS Kubernetes Benchmark 5.2.5 "Minimize the admission of containers wishing to share the host network namespace"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import host_namespace_amplifier, is_true

RULE = Rule(
    code="NS001",
    name="host-network",
    severity=Severity.HIGH,
    summary="Workload shares the host's network namespace",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Host Namespaces", "CIS Docker 5.10", "CIS Kubernetes 5.2.5"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_network
    if is_true(value):
        amplifier = host_namespace_amplifier(workload, ("NET_ADMIN", "NET_RAW"))
        if amplifier is None:
            yield Finding(value, "workload shares the host's network namespace", certain=value.certain)
        else:
            yield Finding(value, f"workload shares the host's network namespace and {amplifier}: it can "
                          "reconfigure and sniff the node's network", certain=value.certain, severity=Severity.CRITICAL)
