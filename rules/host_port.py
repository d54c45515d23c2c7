"""## What it does
Flags a Kubernetes container port that claims a port on the node: `ports[].hostPort` set to
anything but `0`, on any container, init container or ephemeral container. (Published Compose
ports are judged by the port rules of the NS group.)

## Why is this bad?
The pod takes a port on the node's own address, bypassing Services and NetworkPolicies and
colliding with node services. It can impersonate node-level endpoints that other workloads and
tenants trust.

## Example
```yaml
ports:
  - containerPort: 8080
    hostPort: 8080
```

## Use instead
Expose the port through a Service (ClusterIP, NodePort or LoadBalancer) and drop `hostPort`.

## References
- Kubernetes Pod Security Standards, Baseline: "Host Ports"
- CIS Kubernetes Benchmark 5.2.12 (v1.12) "Minimize the admission of containers which use HostPorts"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS009",
    name="host-port",
    severity=Severity.MEDIUM,
    summary="Container claims a port on the node (hostPort)",
    formats=(Format.KUBERNETES,),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Host Ports", "CIS Kubernetes 5.2.12"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        for port in container.ports:
            if port.host_port is not None and port.host_port.value != 0:
                yield Finding(port.host_port, f"container {container.display_name!r} binds hostPort "
                              f"{port.host_port.value} on the node", container, certain=port.host_port.certain)
