"""## What it does
Flags a capability added beyond the Pod Security Standards Baseline set (`AUDIT_WRITE`, `CHOWN`,
`DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`,
`SETPCAP`, `SETUID`, `SYS_CHROOT`: Docker's default set without `NET_RAW`) through Kubernetes
`capabilities.add` on any container or Compose `cap_add`.

Kubernetes entries are compared exactly as Pod Security admission does: `chown` and
`CAP_CHOWN` are not `CHOWN` and are reported. Compose entries are normalised as Docker does
(`cap_chown` is `CHOWN`). Under `--profile` every entry outside the set is reported; in a plain
run the capabilities `dangerous-capability` reports (`SYS_ADMIN`, `NET_ADMIN`, `ALL` ...) are left
to it, so `NET_RAW`, `SYS_NICE`, `IPC_LOCK` ... remain here. When `net-raw-available` is selected
too, an added `NET_RAW` is reported once, by it.

## Why is this bad?
Every capability beyond the runtime default widens the kernel attack surface reachable from the
container. Baseline explicitly excludes `NET_RAW` (packet spoofing on the node network) even
though Docker grants it by default.

## Example
```yaml
securityContext:
  capabilities:
    add: ["NET_RAW"]
```

## Use instead
Add only capabilities from the Baseline set, spelled exactly (`CHOWN`, not `CAP_CHOWN`), and
only those the process needs.

## References
- Kubernetes Pod Security Standards, Baseline: "Capabilities"
- CIS Kubernetes Benchmark 5.2.9 "Minimize the admission of containers with added capabilities"
- CIS Docker Benchmark 5.4 "Ensure that Linux kernel capabilities are restricted within containers"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import DANGEROUS_CAPABILITIES, PSS_BASELINE_CAPABILITIES, capability_name, pss_profile

RULE = Rule(
    code="CAP002",
    name="capability-outside-baseline",
    severity=Severity.MEDIUM,
    summary="Capability added beyond the Pod Security Standards Baseline set",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Capabilities", "CIS Kubernetes 5.2.9", "CIS Docker 5.4"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    exact = workload.format is Format.KUBERNETES
    leave_dangerous = pss_profile(ctx.settings) is None
    for container in workload.containers:
        for added in container.security.capabilities_add:
            name = added.value if exact else capability_name(added.value)
            if name in PSS_BASELINE_CAPABILITIES:
                continue
            if leave_dangerous and capability_name(added.value) in DANGEROUS_CAPABILITIES:
                continue
            spelling = "" if name == capability_name(added.value) else \
                f" (admission compares exact names: {capability_name(added.value)} would be spelled so)"
            yield Finding(added, f"container {container.display_name!r} adds capability {added.value}, outside the "
                          f"Baseline set{spelling}", container, certain=added.certain)
