"""## What it does
Flags a container that runs in privileged mode: Kubernetes
`securityContext.privileged: true` on any container, init container or ephemeral container,
Compose `privileged: true`.

## Why is this bad?
A privileged container gets every capability, every host device and no seccomp, AppArmor or
SELinux confinement: root in it is root on the node. Mounting the host disk or loading a kernel
module is all an attacker needs to escape; no exploit is required.

## Example
```yaml
containers:
  - name: app
    securityContext:
      privileged: true
```

## Use instead
Drop `privileged` and grant only the narrow capability or device the workload needs; run
workloads that genuinely need the whole host (node agents, CNI) in a dedicated, locked-down
namespace, and untrusted code under a sandboxed runtime or in a VM.

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` writes `false` where `privileged: true` was. A workload that
really drives the host (device plugins, CNI agents, Docker-in-Docker) stops working: give it the
few capabilities and devices it needs instead, or suppress the finding with the reason.

## References
- Kubernetes Pod Security Standards, Baseline: "Privileged Containers"
- CIS Docker Benchmark 5.5 "Ensure that privileged containers are not used"
- CIS Kubernetes Benchmark 5.2.2 "Minimize the admission of privileged containers"
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="PRV001",
    name="privileged-container",
    severity=Severity.CRITICAL,
    summary="Container runs privileged: root in it is root on the host",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Privileged Containers", "CIS Docker 5.5", "CIS Kubernetes 5.2.2"),
    fix=Applicability.UNSAFE,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        privileged = container.security.privileged
        if is_true(privileged):
            yield Finding(privileged, f"container {container.display_name!r} runs privileged", container,
                          certain=privileged.certain, fix=Fix.replace(privileged, False))
