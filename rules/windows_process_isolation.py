"""## What it does
Flags an untrusted or multi-tenant Windows workload that shares the Windows host kernel:
any Kubernetes Windows pod (Kubernetes supports only process isolation), and a Compose service
with a Windows image or platform whose `isolation` is `process` (high) or unset/`default`
(medium: Windows Server defaults to process isolation).

## Why is this bad?
Process-isolated Windows containers share the host kernel just as Linux containers share
theirs. Hyper-V isolation gives each container its own kernel in a utility VM; without it,
untrusted Windows code is one kernel bug away from the host.

## Example
```yaml
services:
  build:
    image: mcr.microsoft.com/windows/nanoserver:ltsc2022
    labels: {isolint.io/trust: untrusted}
    isolation: process
```

## Use instead
```yaml
    isolation: hyperv
```
On Kubernetes, give each tenant a dedicated Windows node pool, or a VM.

## References
- Kubernetes: "Windows containers in Kubernetes" (no Hyper-V isolation)
- Microsoft: "Isolation modes" for Windows containers
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import windows_signal

RULE = Rule(
    code="RI009",
    name="windows-process-isolation",
    severity=Severity.HIGH,
    summary="Untrusted Windows workload shares the Windows host kernel (process isolation)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Kubernetes: Windows containers in Kubernetes", "Microsoft: Windows container isolation modes"),
    escalate=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    trust = ctx.trust(workload)
    windows = windows_signal(workload)
    if not trust.escalates or windows is None:
        return
    if workload.format is Format.KUBERNETES:
        yield Finding(windows, f"{trust.value} Windows pod runs with process isolation (the only mode Kubernetes "
                      "supports): give it a dedicated Windows node pool or a VM, since it shares the host kernel")
        return
    isolation = workload.isolation
    mode = isolation.value.strip().lower() if isolation is not None else "default"
    if mode == "hyperv":
        return
    yield Finding(isolation or windows, f"{trust.value} Windows service uses {mode} isolation: set isolation: hyperv "
                  "so it gets its own kernel in a utility VM", severity=Severity.HIGH if mode == "process" else
                  Severity.MEDIUM)
