"""Judgements several rules share, part of the public API (``from isolint.helpers import ...``).

Keep each helper a pure function of model values so rules stay one-screen modules.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator
from typing import Any

from .model import Container, Format, Profile, SecurityContext, Value, Workload


def user_is_root(user: Value[int | str] | None) -> bool:
    """``0``, ``root``, ``0:0``, ``root:wheel`` (Compose ``user``, Dockerfile ``USER``, runAsUser)."""
    if user is None:
        return False
    value = user.value
    if isinstance(value, int):
        return value == 0
    name = str(value).strip().split(":", 1)[0].strip()
    return name in ("0", "root") or name.lower() in ("containeradministrator",)


def image_matches(image: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Glob match of an image reference, case-insensitive, with or without a registry prefix."""
    ref = image.strip().lower()
    candidates = {ref}
    if "/" in ref:
        first, rest = ref.split("/", 1)
        if "." in first or ":" in first or first == "localhost":
            candidates.add(rest)
    if ref.startswith("docker.io/"):
        candidates.add(ref[len("docker.io/"):])
    if any(c.startswith("library/") for c in list(candidates)):
        candidates |= {c[len("library/"):] for c in candidates if c.startswith("library/")}
    return any(fnmatch.fnmatchcase(c, p.lower()) for c in candidates for p in patterns)


def canonical_host_path(path: str) -> str:
    """Normalise a host path for matching: collapse ``//``, ``.``, ``..``; ``/var/run`` -> ``/run``."""
    if not path.startswith("/"):
        return path
    norm = posixpath.normpath("/" + path.lstrip("/"))
    if norm == "/var/run" or norm.startswith("/var/run/"):
        norm = "/run" + norm[len("/var/run"):]
    return norm


def path_overlaps(mounted: str, sensitive: str) -> bool:
    """True when ``mounted`` equals, lies under, or is an ancestor of ``sensitive``.

    Both are canonical absolute paths; ``sensitive`` may hold ``*`` globs per component
    (``/run/user/*/docker.sock``). Comparing component by component up to the shorter path
    covers all three relations at once.
    """
    ours = [part for part in mounted.split("/") if part]
    theirs = [part for part in sensitive.split("/") if part]
    return all(fnmatch.fnmatchcase(a, b) for a, b in zip(ours, theirs, strict=False))


# -- Pod Security Standards judgements (exact Pod Security admission semantics) -------------------

# check_capabilities_baseline.go: what Baseline lets a container add (exact, case-sensitive names)
PSS_BASELINE_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
    "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})


def pss_profile(settings: Any) -> str | None:
    """The Pod Security Standards profile the run was asked for (``pss-baseline``), else None.

    Pass ``ctx.settings``. A profile run judges exactly as admission does; a plain run may
    normalise spellings and leave a risk to the rule that reports it more precisely.
    """
    profile = settings.get("profile") if hasattr(settings, "get") else None
    return profile if isinstance(profile, str) else None


def windows_pod_exempt(workload: Workload, kubernetes_version: tuple[int, int]) -> bool:
    """From 1.25 a pod with ``spec.os.name: windows`` is exempt from the Linux-only Restricted checks
    (allowPrivilegeEscalation, capabilities, seccomp); keyed on ``os.name``, never on nodeSelector."""
    return (workload.format is Format.KUBERNETES and kubernetes_version >= (1, 25) and workload.os is not None
            and workload.os.value == "windows")


def security_setters(workload: Workload) -> Iterator[tuple[SecurityContext, Container | None]]:
    """The pod-level context (container None), then every container's own, init and ephemeral included.

    Pod Security admission rejects a pod when *any* of them sets a forbidden value, even one
    that every container overrides ("bad setter" semantics).
    """
    yield workload.security, None
    for container in workload.containers:
        yield container.security, container


def unconfined_profiles(workload: Workload, field: str) -> Iterator[tuple[Profile, Container | None]]:
    """Every setter of ``field`` (``seccomp``, ``apparmor``) whose type is not RuntimeDefault or Localhost."""
    for security, container in security_setters(workload):
        profile = getattr(security, field)
        if profile is not None and profile.type.value not in ("RuntimeDefault", "Localhost"):
            yield profile, container


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


# -- shell commands and Dockerfile contents (isolint.shell, isolint.images) ----------------------------
from .images import (  # noqa: E402, F401  (re-exported: the public API of rules)
    ImageReference,
    add_sources,
    build_stages,
    dockerfile_of,
    env_assignments,
    image_mode_changes,
    image_references,
    image_stages,
    instruction_flag,
    instruction_node,
    parse_image_reference,
    run_data,
    run_scripts,
)
from .shell import (  # noqa: E402, F401  (re-exported: the public API of rules)
    Command,
    ModeChange,
    commands,
    installed_packages,
    mode_changes,
    octal_mode,
    package_verb,
    pipelines,
    shell_script_argument,
    simple_command,
    symbolic_clauses,
    without_keywords,
)

# -- runtime isolation and trust (defined in isolint.trust, which builds on the helpers above) ---------
from .trust import (  # noqa: E402, F401  (re-exported: the public API of rules)
    Access,
    RuntimeIsolation,
    RuntimeKind,
    build_tool_image,
    builder_escape,
    external_base,
    host_access,
    linux_only_image,
    namespace_classification,
    runtime_isolation,
    trust_setting,
    windows_build,
    windows_image,
    windows_signal,
)
