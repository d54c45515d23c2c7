"""## What it does
Flags a workload that shares the host's IPC namespace: Kubernetes `hostIPC: true`, Compose
`ipc: host`.

## Why is this bad?
Shared memory segments, semaphores and message queues of every process on the node become
readable and writable from the container, leaking data and letting it tamper with host
processes that trust their IPC peers.

## Example
```yaml
services:
  app:
    ipc: host
```

## Use instead
Remove `hostIPC` / `ipc: host`; to share memory between two containers, share the IPC namespace
of the other container (`ipc: service:other`) or use a pod.

## References
- Kubernetes Pod Security Standards, Baseline: "Host Namespaces"
- CIS Docker Benchmark 5.17 "Ensure that the host's IPC namespace is not shared"
- CIS Kubernetes Benchmark 5.2.4 "Minimize the admission of containers wishing to share the host IPC namespace"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS003",
    name="host-ipc",
    severity=Severity.HIGH,
    summary="Workload shares the host's IPC namespace",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Host Namespaces", "CIS Docker 5.17", "CIS Kubernetes 5.2.4"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_ipc
    if is_true(value):
        yield Finding(value, "workload shares the host's IPC namespace", certain=value.certain)
