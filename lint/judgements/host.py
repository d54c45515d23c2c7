"""Host paths, runtime sockets and devices: what mounting a host path exposes (the MNT rules; one owner per
mounted path)."""

from __future__ import annotations

import fnmatch
import functools
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Container, Format, Location, Mount, Value, Workload
from .values import is_true


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


def mount_writable(mount: Mount) -> bool:
    return not is_true(mount.read_only)
