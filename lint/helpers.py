"""Judgements several rules share, part of the public API (``from isolint.helpers import ...``).

Keep each helper a pure function of model values so rules stay one-screen modules.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .model import Container, Format, Location, Mount, Profile, SecurityContext, Value, Workload


def is_true(value: Value[Any] | None) -> bool:
    """The setting is written and is boolean true (``hostPID: true``, ``privileged: true``); not
    written, false, or a text that is not a boolean are all not true."""
    return value is not None and value.value is True


def is_false(value: Value[Any] | None) -> bool:
    """The setting is written and is boolean false (``hostUsers: false``): not merely absent."""
    return value is not None and value.value is False


def user_is_root(user: Value[int | str] | None) -> bool:
    """``0``, ``root``, ``0:0``, ``root:wheel`` (Compose ``user``, Dockerfile ``USER``, runAsUser).
    The Windows administrator accounts are :func:`windows_administrator`, graded on their own."""
    if user is None:
        return False
    value = user.value
    if isinstance(value, int):
        return value == 0
    name = str(value).strip().split(":", 1)[0].strip()
    return name in ("0", "root")


WINDOWS_ADMINISTRATORS = ("containeradministrator", "nt authority\\system")


def windows_administrator(user: Value[int | str] | None) -> bool:
    """A Windows administrator account (``ContainerAdministrator``, ``NT AUTHORITY\\SYSTEM``, any case),
    as a Dockerfile ``USER``, a Compose ``user`` or a Kubernetes ``runAsUserName``."""
    return user is not None and isinstance(user.value, str) and user.value.strip().lower() in WINDOWS_ADMINISTRATORS


def image_matches(image: str, patterns: Iterable[str]) -> bool:
    """Glob match of an image reference, case-insensitive, with or without a registry prefix."""
    return first_image_match(image, patterns) is not None


def first_image_match(image: str, patterns: Iterable[str]) -> str | None:
    """The first of ``patterns`` (globs) that :func:`image_matches` ``image``, or None."""
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
    return first_glob_match(candidates, patterns)


def first_glob_match(texts: Iterable[str], patterns: Iterable[str]) -> str | None:
    """The first of ``patterns`` (globs, matched case-insensitively) that matches one of ``texts``
    (lower case), or None."""
    patterns = tuple(patterns)
    if not patterns:
        return None
    union = _glob_union(patterns)
    found = [next(i for i in range(len(patterns)) if m.group(f"glob{i}") is not None)
             for m in map(union.match, texts) if m is not None]
    return patterns[min(found)] if found else None


@functools.lru_cache(maxsize=64)
def _glob_union(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a whole list of globs, group ``globN`` for the N-th: compiled once
    instead of once per glob (the default trust settings hold about 30 image globs, and compiling
    each costs start-up time). Alternatives are tried in order, so the first glob that matches
    wins."""
    return re.compile("|".join(f"(?P<glob{i}>{fnmatch.translate(p.lower())})" for i, p in enumerate(patterns)))


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


# -- host paths, sockets and devices (the MNT rules; one owner per mounted path) -----------------------

# Catalogue Appendix E.1, canonical (``/var/run`` is ``/run``); ``*`` globs one path component.
RUNTIME_SOCKETS = (
    "/run/docker.sock", "/run/docker/containerd/containerd.sock", "/run/containerd/containerd.sock",
    "/run/crio/crio.sock", "/run/podman/podman.sock", "/run/buildkit/buildkitd.sock", "/run/dockershim.sock",
    "/run/cri-dockerd.sock", "/run/k3s/containerd/containerd.sock", "/run/k0s/containerd.sock",
    "/run/user/*/docker.sock", "/run/user/*/podman/podman.sock",
    "/run/user/*/containerd-rootless/*", "/run/user/*/buildkit/buildkitd.sock",
)
# A file with one of these names is a runtime API wherever it lives (``~/.docker/run/docker.sock``,
# MicroK8s ``/var/snap/microk8s/common/run/containerd.sock``).
RUNTIME_SOCKET_NAMES = frozenset({"docker.sock", "podman.sock", "containerd.sock", "crio.sock", "buildkitd.sock",
                                  "cri-dockerd.sock", "dockershim.sock"})
RUNTIME_PIPES = frozenset({"//./pipe/docker_engine", "//./pipe/containerd-containerd",
                           "//./pipe/dockerdesktoplinuxengine", "//./pipe/docker_engine_linux",
                           "//./pipe/podman-machine-default"})


@dataclass(frozen=True, slots=True)
class SensitivePath:
    """A host path whose mount is a risk. ``ancestors_only``: flagged when the mount is the path or
    contains it, not when it lies below it (``/var/lib/mysql`` is not ``/var/lib``); ``always_critical``:
    even read-only access is host root (a root-equivalent socket)."""

    pattern: str
    critical_when_writable: bool = True
    ancestors_only: bool = False
    always_critical: bool = False


# Catalogue Appendix E.2 (CIS Docker 5.6 list and additions), canonical; ``/dev`` belongs to the
# host-device rule and the runtime sockets to runtime-socket-mounted. The whole of ``/etc``, ``/run``
# and ``/usr`` is critical when writable; below them only what the host executes or trusts as root
# is (an application's own directory in ``/etc`` or ``/run``, or ``/usr/share/...``, is high or not
# sensitive at all). ``/usr/src`` holds the kernel headers and module sources DKMS builds and loads as root.
SENSITIVE_HOST_PATHS = (
    *(SensitivePath(p) for p in (
        "/proc", "/sys", "/boot", "/lib", "/lib64", "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64",
        "/usr/libexec", "/usr/src", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/var/lib/kubelet",
        "/etc/kubernetes",
        "/var/lib/docker", "/var/lib/containerd", "/var/lib/etcd", "/etc/cron*", "/etc/systemd", "/etc/sudoers*",
        "/etc/ssh", "/etc/profile.d", "/etc/ld.so.*", "/etc/init.d", "/etc/rc*", "/etc/shadow", "/etc/passwd",
        "/etc/udev", "/etc/modprobe.d", "/etc/modules-load.d", "/root/.ssh", "/root/.docker", "/root/.kube",
        "/root/.aws", "/home/*/.ssh", "/home/*/.docker", "/home/*/.kube", "/home/*/.aws", "/home/*/.gnupg",
        "/home/*/.config/gcloud")),
    *(SensitivePath(p, ancestors_only=True) for p in ("/etc", "/run", "/usr", "/root", "/home/*")),
    *(SensitivePath(p, critical_when_writable=False) for p in ("/etc", "/run", "/var/log/pods", "/var/log/containers",
                                                              "/dev/shm")),
    *(SensitivePath(p, always_critical=True) for p in ("/run/dbus", "/run/systemd")),
    *(SensitivePath(p, critical_when_writable=False, ancestors_only=True) for p in ("/var/log", "/var/lib")),
    *(SensitivePath(p) for p in ("c:/windows", "c:/programdata/docker", "c:/var/lib/kubelet", "c:/etc/kubernetes")),
)
HOST_ROOTS = frozenset({"/", "c:/"})
# Host files commonly shared for the time zone: tampering with them crosses no boundary.
HARMLESS_HOST_PATHS = ("/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo")
# Shared read-only they leak nothing secret; writable they let the container redirect the host.
HARMLESS_READ_ONLY_HOST_PATHS = ("/etc/ssl/certs", "/etc/pki/ca-trust", "/etc/ca-certificates",
                                 "/usr/share/ca-certificates", "/etc/hosts", "/etc/resolv.conf", "/etc/os-release",
                                 "/usr/lib/os-release", "/etc/machine-id", "/etc/hostname", "/run/utmp")
# Not device nodes: shared memory, POSIX queues, and the syslog socket ``/dev/log`` (a host path like any other).
DEVICE_NON_DEVICES = ("/dev/shm", "/dev/mqueue", "/dev/log")


def host_path_key(path: str) -> str:
    """A host path as the MNT rules match it: canonical POSIX path; ``~`` is any home directory
    (``/home/*``); a Windows path lower-cased with forward slashes (``c:/windows``); a named pipe
    ``//./pipe/name``. Anything else (a project-relative ``./data``) is returned unchanged."""
    text = path.strip()
    if text == "~" or text.startswith("~/"):
        text = "/home/*" + text[1:]
    slashed = text.replace("\\", "/")
    if slashed.startswith("//./pipe/"):
        return slashed.lower()
    if len(slashed) >= 2 and slashed[1] == ":" and slashed[0].isalpha():
        return slashed[0].lower() + ":" + posixpath.normpath("/" + slashed[2:].lstrip("/")).lower()
    return canonical_host_path(text)


def _within(key: str, base: str) -> bool:
    """``key`` is ``base`` or lies below it (globs in ``base`` match one component)."""
    ours = [part for part in key.split("/") if part]
    theirs = [part for part in base.split("/") if part]
    return len(ours) >= len(theirs) and path_overlaps(key, base)


def exposed_runtime_socket(path: str, sockets: list[str] | tuple[str, ...] = RUNTIME_SOCKETS) -> str | None:
    """The runtime API socket that mounting host ``path`` exposes: the path is the socket (an engine
    pipe, a file named like a socket) or a directory containing one. The host root itself is left to
    the sensitive-path rule, which names the wider problem."""
    key = host_path_key(path)
    if key.startswith("//./pipe/"):
        return path if key in RUNTIME_PIPES else None
    if not key.startswith("/") or key in HOST_ROOTS:
        return None
    if posixpath.basename(key) in RUNTIME_SOCKET_NAMES:
        return key
    return next((socket for socket in sockets if path_overlaps(key, socket)), None)


def is_device_path(path: str) -> bool:
    """``/dev`` or a path below it that is a device (not ``/dev/shm``, ``/dev/mqueue``)."""
    key = host_path_key(path)
    return _within(key, "/dev") and not any(_within(key, other) for other in DEVICE_NON_DEVICES)


@functools.lru_cache(maxsize=4096)  # two rules ask about every host mount, and repositories repeat paths
def sensitive_host_paths(path: str, writable: bool) -> tuple[tuple[str, ...], bool]:
    """The sensitive host paths mounting ``path`` exposes, and whether that is critical (the host
    root, or writable access to a path marked critical-when-writable). Harmless shared files, the
    runtime sockets and devices are not included (their own rules report them)."""
    key = host_path_key(path)
    if key in HOST_ROOTS:
        return (key,), True
    if not key.startswith(("/", "c:/")) or exposed_runtime_socket(path) is not None or is_device_path(path):
        return (), False
    harmless = HARMLESS_HOST_PATHS if writable else HARMLESS_HOST_PATHS + HARMLESS_READ_ONLY_HOST_PATHS
    if any(_within(key, safe) for safe in harmless):
        return (), False
    depth = len([part for part in key.split("/") if part])
    hits = [entry for entry in SENSITIVE_HOST_PATHS if path_overlaps(key, entry.pattern)
            and not (entry.ancestors_only and depth > len([part for part in entry.pattern.split("/") if part]))]
    critical = any(entry.always_critical or (writable and entry.critical_when_writable) for entry in hits)
    return tuple(dict.fromkeys(entry.pattern for entry in hits)), critical


def host_mounts(workload: Workload) -> Iterator[tuple[Container, Mount]]:
    """Every container mount of a host path (Kubernetes hostPath, Compose bind or npipe)."""
    for container in workload.containers:
        for mount in container.mounts:
            if mount.type.value in ("bind", "npipe") and mount.source is not None:
                yield container, mount


def host_mount_report(workload: Workload, mount: Mount) -> tuple[Value[str] | Mount, tuple[tuple[Location, str], ...]]:
    """Where to report a host mount, and the host path's own place when that is elsewhere: the
    hostPath ``path`` in Kubernetes (one volume names the host path for every container); the
    service's volume entry in Compose, pointing at the ``device`` of a disguised bind volume."""
    if mount.source is None:
        return mount, ()
    if workload.format is Format.KUBERNETES:
        return mount.source, ()
    if mount.source.loc.line == mount.loc.line and mount.source.loc.path == mount.loc.path:
        return mount, ()
    return mount, ((mount.source.loc, f"host path {mount.source.value}"),)


def project_relative(source: str) -> bool:
    """A Compose bind source inside the project directory: relative (``./data``, ``.env``, ``.``) and
    never climbing out of it (``../x``); absolute, home (``~``) and Windows drive paths are not."""
    text = source.strip().replace("\\", "/")
    if not text or text.startswith(("/", "~")) or (len(text) >= 2 and text[1] == ":"):
        return False
    return ".." not in text.split("/")


def compose_fragment(workload: Workload) -> bool:
    """A Compose service with neither ``image`` nor ``build``: a patch from a file meant to be layered
    (``-f compose.yaml -f compose.extra.yaml``) or an override linted without its base. Compose refuses
    to run it as it is, so what it leaves unset says nothing; what it sets still counts."""
    return workload.format is Format.COMPOSE and workload.build is None \
        and all(container.image is None for container in workload.containers)


def mount_writable(mount: Mount) -> bool:
    return mount.read_only is None or mount.read_only.value is not True


def runs_windows(workload: Workload) -> bool:
    """The workload declares a Windows OS (``spec.os.name``, Compose ``platform``, a Windows base)."""
    return workload.os is not None and workload.os.value.lower() == "windows"


def granted_capability(container: Container, names: Iterable[str]) -> Value[str] | None:
    """The first ``capabilities.add`` / ``cap_add`` entry that grants one of ``names`` (``ALL`` grants
    every one), or None. Only what the container adds: the runtime's default set is not counted."""
    wanted = {capability_name(name) for name in names}
    for raw in container.security.capabilities_add:
        name = capability_name(raw.value)
        if name in wanted or name == "ALL":
            return raw
    return None


def host_namespace_amplifier(workload: Workload, capabilities: Iterable[str]) -> str | None:
    """Why sharing a host namespace is critical for this workload: a container that certainly runs
    privileged, or one that adds one of ``capabilities`` (catalogue NS-001/NS-002), else None."""
    wanted = tuple(capabilities)
    for container in workload.containers:
        if is_privileged(container):
            return f"container {container.display_name!r} is privileged"
        raw = granted_capability(container, wanted)
        if raw is not None:
            return f"container {container.display_name!r} adds {capability_name(raw.value)}"
    return None


def is_privileged(container: Container) -> bool:
    """The container certainly runs privileged. Rules that step aside for a privileged container (it
    already has every capability, every device, no escalation barrier) ask this: a value that rests
    on an unresolved variable (``privileged: ${P:-true}``) may well be false where it is deployed, so
    it never hides a certain finding."""
    privileged = container.security.privileged
    return is_true(privileged) and privileged.certain


# -- shell commands and Dockerfile contents (isolint.shell, isolint.images) ----------------------------
from .images import (  # noqa: E402, F401  (re-exported: the public API of rules)
    ImageReference,
    add_source_kind,
    add_sources,
    build_stages,
    dockerfile_of,
    env_assignments,
    image_mode_changes,
    image_references,
    image_stages,
    instruction_node,
    instructions,
    parse_image_reference,
    run_data,
    run_scripts,
    stage_label,
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
