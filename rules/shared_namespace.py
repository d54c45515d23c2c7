"""## What it does
Flags a workload that joins the namespaces of another container: Compose `pid`, `ipc` or
`network_mode` set to `service:<name>` or `container:<name>` (low for process and IPC
namespaces; info for the network namespace, the usual sidecar pattern), and a Kubernetes pod
with `shareProcessNamespace: true` (info: the containers of a pod are one unit already). When
the joined container uses the host's namespace, `host-network`, `host-pid` or `host-ipc`
reports it instead.

## Why is this bad?
Sharing a process namespace exposes the peer's processes, their environment and
`/proc/<pid>/root` (its whole filesystem); sharing IPC exposes its shared memory; sharing the
network exposes its loopback-only services. A compromise of the weaker container becomes a
compromise of the more privileged peer.

## Example
```yaml
services:
  debug:
    image: busybox
    pid: "service:db"
```

## Use instead
Keep each service in its own namespaces and talk over the network or a shared volume; debug
with `docker exec` instead of a permanently attached sidecar.

## References
- Docker reference: `--pid=container:`, `--ipc=container:`, `--network=container:`
- Kubernetes: "Share Process Namespace between Containers in a Pod"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS008",
    name="shared-namespace",
    severity=Severity.LOW,
    summary="Workload joins another container's process, IPC or network namespace",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Docker --pid/--ipc/--network container:", "Kubernetes shareProcessNamespace"),
)
HOST_FIELDS = {"network": "host_network", "pid": "host_pid", "ipc": "host_ipc"}


def _joins_host(workload: Workload, namespace: str) -> bool:
    value = getattr(workload, HOST_FIELDS.get(namespace, ""), None)
    return is_true(value)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for join in workload.namespace_joins:
        if workload.format is Format.KUBERNETES:
            yield Finding(join.target, "pod shares one process namespace between its containers "
                          "(shareProcessNamespace: true)", certain=join.target.certain, severity=Severity.INFO)
        elif not _joins_host(workload, join.namespace):
            severity = Severity.INFO if join.namespace == "network" else Severity.LOW
            yield Finding(join.target, f"service joins the {join.namespace} namespace of {join.target.value}",
                          certain=join.target.certain, severity=severity)
