"""## What it does
Flags a container that adds a capability known to break out of the container: `ALL`,
`SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF` and `SYS_PTRACE` with the
host's or a shared process namespace (critical); `SYS_PTRACE` otherwise, `NET_ADMIN`, `PERFMON`,
`SYS_BOOT`, `SYS_TIME`, `MAC_ADMIN`, `MAC_OVERRIDE`, `SYSLOG`, `LINUX_IMMUTABLE`, `SYS_RESOURCE`,
`AUDIT_CONTROL`, `AUDIT_READ`, `CHECKPOINT_RESTORE`, `IPC_OWNER`, `BLOCK_SUSPEND`, `WAKE_ALARM`
(high). Kubernetes `capabilities.add` of any container (init and ephemeral included) and Compose
`cap_add`, in any spelling Docker accepts (`sys_admin`, `CAP_SYS_ADMIN`, `cap_sys_admin`). A
privileged container is not reported again: it already has every capability.

## Why is this bad?
These capabilities unlock kernel interfaces that containers are normally denied: mounting
filesystems and the cgroup `release_agent` escape (`SYS_ADMIN`), loading kernel modules
(`SYS_MODULE`), raw device and port I/O (`SYS_RAWIO`), reading any host file by handle, the
"shocker" escape (`DAC_READ_SEARCH`), loading BPF programs (`BPF`), and injecting code into
other processes (`SYS_PTRACE`). Each has public escape techniques.

## Example
```yaml
services:
  vpn:
    cap_add: [SYS_ADMIN, NET_ADMIN]
```

## Use instead
Grant nothing beyond what the program provably needs (`NET_BIND_SERVICE` is harmless); move
jobs that need kernel-level powers to a dedicated node, a sandboxed runtime or a VM.

## References
- Kubernetes Pod Security Standards, Baseline: "Capabilities"
- CIS Docker Benchmark 5.4 "Ensure that Linux kernel capabilities are restricted within containers"
- CIS Kubernetes Benchmark 5.2.9 "Minimize the admission of containers with added capabilities"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import capability_name, is_privileged, is_true

RULE = Rule(
    code="CAP001",
    name="dangerous-capability",
    severity=Severity.CRITICAL,
    summary="Container adds a capability that allows escaping to the host",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("PSS Baseline: Capabilities", "CIS Docker 5.4", "CIS Kubernetes 5.2.9"),
    supersedes=("CAP003",),  # `ALL` grants NET_RAW too: one finding on the entry
    options={
        "critical": ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF"],
        "high": ["SYS_PTRACE", "NET_ADMIN", "PERFMON", "SYS_BOOT", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG",
                 "LINUX_IMMUTABLE", "SYS_RESOURCE", "AUDIT_CONTROL", "AUDIT_READ", "CHECKPOINT_RESTORE",
                 "IPC_OWNER", "BLOCK_SUSPEND", "WAKE_ALARM"],
    },
)


def _sees_foreign_processes(workload: Workload) -> bool:
    """Host PID or a process namespace shared with other containers: SYS_PTRACE reaches them."""
    host_pid = is_true(workload.host_pid)
    return host_pid or any(join.namespace == "pid" for join in workload.namespace_joins)


def _severity(name: str, workload: Workload, ctx: Context) -> Severity | None:
    if name in ctx.options["critical"] or (name == "SYS_PTRACE" and _sees_foreign_processes(workload)):
        return Severity.CRITICAL
    if name in ctx.options["high"]:
        return Severity.HIGH
    return None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        if is_privileged(container):
            continue
        for raw in container.security.capabilities_add:
            name = capability_name(raw.value)
            severity = _severity(name, workload, ctx)
            if severity is None:
                continue
            spelled = f" (written {raw.value!r})" if raw.value != name else ""
            yield Finding(raw, f"container {container.display_name!r} adds capability {name}{spelled}", container,
                          certain=raw.certain, severity=severity)
