"""## What it does
Flags a Windows HostProcess container: `securityContext.windowsOptions.hostProcess: true` at the
pod level or on any container, init container or ephemeral container. As Pod Security admission
judges it, any setter counts, even when every container overrides the pod's value.

## Why is this bad?
A HostProcess container is an ordinary process on the Windows node, with the host's network and
filesystem and no container isolation at all. The only boundary left is the Windows account it
runs as, often `NT AUTHORITY\\SYSTEM`.

## Example
```yaml
spec:
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
```

## Use instead
Run node-management tooling as a regular (process-isolated) Windows container with the narrow
access it needs, or outside Kubernetes on the node itself; keep HostProcess pods to dedicated,
locked-down namespaces.

## References
- Kubernetes Pod Security Standards, Baseline: "HostProcess"
- CIS Kubernetes Benchmark 5.2.10 (v1.12) "Minimize the admission of Windows HostProcess containers"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true, security_setters

RULE = Rule(
    code="PRV005",
    name="windows-host-process",
    severity=Severity.CRITICAL,
    summary="Windows HostProcess container: a process on the node, not a container",
    formats=(Format.KUBERNETES,),
    profiles=("pss-baseline",),
    references=("PSS Baseline: HostProcess", "CIS Kubernetes 5.2.10"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for security, container in security_setters(workload):
        host_process = security.windows_host_process
        if is_true(host_process):
            who = "pod" if container is None else f"container {container.display_name!r}"
            yield Finding(host_process, f"{who} sets windowsOptions.hostProcess: true", container)
