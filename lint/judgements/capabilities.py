"""Linux capabilities: their spelling-insensitive names and the sets the rules judge by."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Container, Value


def capability_name(raw: str) -> str:
    """Docker's spelling-insensitive view of a capability: ``cap_sys_admin`` -> ``SYS_ADMIN``."""
    name = raw.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


# Catalogue Appendix A: capabilities that open a known escape path (critical) or a major kernel
# interface (high); the dangerous-capability rule reports them, others leave them to it.
DANGEROUS_CAPABILITIES = frozenset({
    "ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_PTRACE", "DAC_READ_SEARCH", "BPF",
    "NET_ADMIN", "PERFMON", "SYS_BOOT", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG", "LINUX_IMMUTABLE",
    "SYS_RESOURCE", "AUDIT_CONTROL", "AUDIT_READ", "CHECKPOINT_RESTORE", "IPC_OWNER", "BLOCK_SUSPEND", "WAKE_ALARM",
})


# check_capabilities_baseline.go: what Baseline lets a container add (exact, case-sensitive names)
PSS_BASELINE_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})


def granted_capability(container: Container, names: Iterable[str]) -> Value[str] | None:
    """The first ``capabilities.add`` / ``cap_add`` entry that grants one of ``names`` (``ALL`` grants
    every one), or None. Only what the container adds: the runtime's default set is not counted."""
    wanted = {capability_name(name) for name in names}
    for raw in container.security.capabilities_add:
        name = capability_name(raw.value)
        if name in wanted or name == "ALL":
            return raw
    return None
