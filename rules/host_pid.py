"""## What it does
Flags a workload that shares the host's process namespace: Kubernetes `hostPID: true`, Compose
`pid: host`.

## Why is this bad?
Every process on the node becomes visible: their command lines and environment (secrets), and,
with `SYS_PTRACE` or as the same user, their memory. Combined with root it allows entering the
host's namespaces with `nsenter -t 1`, a complete escape.

## Example
```yaml
spec:
  hostPID: true
```

## Use instead
Remove `hostPID`; to share processes between containers of one pod use
`shareProcessNamespace: true`, which stays inside the pod.

## References
- Kubernetes Pod Security Standards, Baseline: "Host Namespaces"
- CIS Docker Benchmark 5.16 "Ensure that the host's process namespace is not shared"
- CIS Kubernetes Benchmark 5.2.3 "Minimize the admission of containers wishing to share the host process ID namespace"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS002",
    name="host-pid",
    severity=Severity.HIGH,
    summary="Workload shares the host's process namespace",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Host Namespaces", "CIS Docker 5.16", "CIS Kubernetes 5.2.3"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_pid
    if is_true(value):
        yield Finding(value, "workload shares the host's process namespace", certain=value.certain)
