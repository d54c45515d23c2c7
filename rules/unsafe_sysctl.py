"""## What it does
Flags a sysctl outside the Pod Security Standards' safe set: Kubernetes
`spec.securityContext.sysctls[].name` and Compose `sysctls` keys. Names are compared exactly, as
admission does, against the set of the target `--kubernetes-version` (it grew in 1.27, 1.29, 1.32
and 1.37). Compose `sysctls` are judged against the newest set but reported as info only:
Docker accepts nothing but sysctls of the container's own network and IPC namespaces.

## Why is this bad?
Sysctls outside the safe set are not (fully) namespaced: they change kernel behaviour for every
workload on the node, or switch off protections (forwarding, `route_localnet`, kernel limits)
that other tenants rely on.

## Example
```yaml
securityContext:
  sysctls:
    - name: net.ipv4.ip_forward
      value: "1"
```

## Use instead
Use only the safe sysctls (`net.ipv4.ip_local_port_range`, `net.ipv4.tcp_keepalive_time`, ...),
or set node-wide parameters on the node itself.

## References
- Kubernetes Pod Security Standards, Baseline: "Sysctls"
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS013",
    name="unsafe-sysctl",
    severity=Severity.MEDIUM,
    summary="Sysctl outside the Pod Security Standards safe set",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Sysctls",),
)
# check_sysctls.go: the Kubernetes minor version from which each safe sysctl is allowed
SAFE_SYSCTLS: dict[str, tuple[int, int]] = {
    "kernel.shm_rmid_forced": (1, 0),
    "net.ipv4.ip_local_port_range": (1, 0),
    "net.ipv4.tcp_syncookies": (1, 0),
    "net.ipv4.ping_group_range": (1, 0),
    "net.ipv4.ip_unprivileged_port_start": (1, 0),
    "net.ipv4.ip_local_reserved_ports": (1, 27),
    "net.ipv4.tcp_keepalive_time": (1, 29),
    "net.ipv4.tcp_fin_timeout": (1, 29),
    "net.ipv4.tcp_keepalive_intvl": (1, 29),
    "net.ipv4.tcp_keepalive_probes": (1, 29),
    "net.ipv4.tcp_rmem": (1, 32),
    "net.ipv4.tcp_wmem": (1, 32),
    "net.ipv4.tcp_slow_start_after_idle": (1, 37),
    "net.ipv4.tcp_notsent_lowat": (1, 37),
}


def is_safe(name: str, version: tuple[int, int]) -> bool:
    since = SAFE_SYSCTLS.get(name)
    return since is not None and version >= since


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.KUBERNETES:
        for sysctl in workload.security.sysctls:
            if not is_safe(sysctl.key.value, ctx.kubernetes_version):
                yield Finding(sysctl.key, f"pod sets sysctl {sysctl.key.value!r}, which is not in the safe set of "
                              f"Kubernetes {ctx.kubernetes_version[0]}.{ctx.kubernetes_version[1]}")
        return
    newest = max(SAFE_SYSCTLS.values())
    for container in workload.containers:
        for sysctl in container.security.sysctls:
            if not is_safe(sysctl.key.value, newest):
                yield Finding(sysctl.key, f"service {container.display_name!r} sets sysctl {sysctl.key.value!r}, "
                              "outside the Kubernetes safe set (Docker confines it to the container's namespaces)",
                              container, certain=sysctl.key.certain, severity=Severity.INFO)
