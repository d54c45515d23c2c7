"""## What it does
Flags a container that does not drop every capability: Kubernetes `capabilities.drop` without the
entry `ALL` on any container, init container or ephemeral container (Pod Security Standards
Restricted, from 1.22; a pod with `spec.os.name: windows` is exempt from 1.25), Compose `cap_drop`
without `ALL`. Under `--profile` the Kubernetes entry must be exactly `ALL`, as admission requires
(`all` does not count); a plain run accepts any case, as containerd does. Compose findings are low
severity (raised for untrusted workloads). A privileged container has every capability whatever it
drops: a plain run leaves it to `privileged-container`. A Compose service with neither `image` nor
`build` (a layer patching a service another file defines) is not judged: what it leaves unset says
nothing.
In a plain run (no `--profile`) a pod pinned to Windows nodes by `nodeSelector: {kubernetes.io/os:
windows}` is skipped too: the Linux setting does not exist there.

## Why is this bad?
The default set still holds `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `MKNOD`, `NET_RAW` ...,
which turn root in the container into a capable attacker. Dropping everything and adding back
only what is needed shrinks what a compromised process can ask of the kernel.

## Example
```yaml
securityContext:
  capabilities:
    drop: ["NET_RAW"]
```

## Use instead
```yaml
securityContext:
  capabilities:
    drop: ["ALL"]
    add: ["NET_BIND_SERVICE"]
```

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` adds `ALL` to `capabilities.drop` (Compose: `cap_drop`).
A process that binds a port below 1024, changes file ownership or switches users (`chown`, `setuid`
in an entrypoint) needs a capability back in `add`: the fix can stop such a workload from starting.

## References
- Kubernetes Pod Security Standards, Restricted: "Capabilities"
- CIS Kubernetes Benchmark 5.2.9 (v1.12) "Minimize the admission of containers with capabilities assigned"
- CIS Docker Benchmark 5.4 "Ensure that Linux kernel capabilities are restricted within containers"
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Rule, Severity, Workload
from isolint.helpers import capability_name, compose_fragment, is_privileged, pss_profile, windows_exempt

RULE = Rule(
    code="CAP004",
    name="capabilities-not-dropped",
    severity=Severity.MEDIUM,
    summary="Container keeps the runtime's default capabilities (no drop: ALL)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Capabilities", "CIS Kubernetes 5.2.9", "CIS Docker 5.4"),
    fix=Applicability.UNSAFE,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    kubernetes = workload.format is Format.KUBERNETES
    if kubernetes and (not ctx.at_least(1, 22) or windows_exempt(workload, ctx)):
        return
    if compose_fragment(workload):
        return
    profile = pss_profile(ctx.settings)
    exact = kubernetes and profile is not None
    for container in workload.containers:
        if profile is None and is_privileged(container):
            continue
        dropped = container.security.capabilities_drop
        if any((d.value if exact else capability_name(d.value)) == "ALL" for d in dropped):
            continue
        node = dropped[0] if dropped else container.name or container
        what = "capabilities.drop" if kubernetes else "cap_drop"
        yield Finding(node, f"container {container.display_name!r} keeps the default capabilities: {what} has no "
                      "ALL", container, severity=None if kubernetes else Severity.LOW,
                      fix=Fix.append(container, "securityContext.capabilities.drop" if kubernetes else "cap_drop",
                                     "ALL"))
