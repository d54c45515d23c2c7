"""## What it does
Flags a workload that asks for a sandbox runtime (gVisor, Kata) and also for host access that
the sandbox cannot mediate: `hostNetwork`, `hostPID`, `hostIPC`, privileged mode, hostPath
volumes, Compose bind mounts, host devices or the Docker API socket.

## Why is this bad?
Host namespaces, host paths and devices are passed through *around* the sandbox kernel,
re-creating direct paths to host resources. The workload looks sandboxed in review while its
most sensitive access bypasses the second kernel; several VM-sandbox providers reject these
fields outright.

## Example
```yaml
spec:
  runtimeClassName: gvisor
  hostNetwork: true
```

## Use instead
Keep sandboxed workloads free of host namespaces, privilege, host paths and devices; give them
network and storage through the pod network and volumes (emptyDir, PVCs, CSI).

## References
- Kubernetes multi-tenancy: "Sandboxing containers"
- Kubernetes Pod Security Standards, Baseline: "Host Namespaces", "HostPath Volumes"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import host_access, runtime_isolation

RULE = Rule(
    code="RI003",
    name="sandbox-host-access",
    severity=Severity.MEDIUM,
    summary="Sandboxed workload also gets host access that bypasses the sandbox kernel",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Kubernetes multi-tenancy: Sandboxing containers", "PSS Baseline: Host Namespaces"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    runtime = runtime_isolation(workload, ctx)
    if not runtime.kind.sandboxed:
        return
    for access in host_access(workload):
        yield Finding(access.node, f"{access.what} reaches the host around the sandbox kernel of {runtime.label}: "
                      "drop it, or move the workload to a VM of its own if it truly needs the host")
