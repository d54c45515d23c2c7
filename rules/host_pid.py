"""## What it does
Flags a workload that shares the host's process namespace: Kubernetes `hostPID: true`, Compose
`pid: host`. High; critical when a container of the workload is privileged or adds `SYS_PTRACE`
(or `ALL`): it can then read and write the memory of host processes.

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
from isolint.helpers import host_namespace_amplifier, is_true

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
        amplifier = host_namespace_amplifier(workload, ("SYS_PTRACE",))
        if amplifier is None:
            yield Finding(value, "workload shares the host's process namespace", certain=value.certain)
        else:
            yield Finding(value, f"workload shares the host's process namespace and {amplifier}: it can enter "
                          "host processes (nsenter -t 1, ptrace)", certain=value.certain, severity=Severity.CRITICAL)
