r"""## What it does
Flags a container runtime API socket mounted into a container: the Docker socket
(`/var/run/docker.sock`, `\\.\pipe\docker_engine`), containerd (also k3s, k0s, MicroK8s and
rootless), CRI-O, Podman and BuildKit sockets, any file named like one wherever it lives
(`~/.docker/run/docker.sock` of Docker Desktop), or any host directory that contains one
(mounting `/var/run` or `/run` exposes them all; mounting `/` is reported as the whole host
filesystem by `sensitive-host-path`). Covers Kubernetes hostPath volumes (any `type`, `Socket`
included), Compose binds in short and long syntax, named volumes that are binds in disguise,
`npipe` mounts and Compose `use_api_socket: true`. A Compose bind whose source is an unset variable
(`${DOCKER_SOCK}:/var/run/docker.sock`) is judged by its target: onto a path named like a runtime
socket, it is reported with low confidence. Paths are canonicalised first (`/var/run` is `/run`, `//`, `..`).

## Why is this bad?
Whoever can talk to the runtime API can start a privileged container with the host's root
filesystem mounted: socket access is root on the node, whatever the container's own settings.
Mounting it read-only changes nothing, a socket stays writable.

## Example
```yaml
services:
  ci:
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```

## Use instead
Build images with a rootless builder or a remote BuildKit, talk to the Docker API through a
proxy that allows only the calls needed, or run such tooling in a dedicated VM.

## References
- CIS Docker Benchmark 5.32 "Ensure that the Docker socket is not mounted inside any containers"
- Kubernetes Pod Security Standards, Baseline: "HostPath Volumes"
"""

import posixpath
from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import (
    RUNTIME_SOCKET_NAMES,
    RUNTIME_SOCKETS,
    exposed_runtime_socket,
    host_mount_report,
    host_path_key,
    is_true,
)

RULE = Rule(
    code="MNT002",
    name="runtime-socket-mounted",
    severity=Severity.CRITICAL,
    summary="A container runtime API socket (Docker, containerd, CRI-O, Podman) is mounted",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.32", "PSS Baseline: HostPath Volumes"),
    options={"sockets": list(RUNTIME_SOCKETS)},
    supersedes=("MNT001",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    sockets = ctx.options["sockets"]
    if is_true(workload.use_api_socket):
        yield Finding(workload.use_api_socket, "use_api_socket gives the container the Docker API of the host",
                      certain=workload.use_api_socket.certain)
    for volume in workload.volumes:
        if volume.host_path is not None and workload.format is Format.KUBERNETES:
            socket = exposed_runtime_socket(volume.host_path.value, sockets)
            if socket is not None:
                yield Finding(volume.host_path, f"hostPath volume {volume.name.value!r} exposes the runtime socket "
                              f"{socket}", certain=volume.host_path.certain)
    if workload.format is not Format.COMPOSE:
        return
    for container in workload.containers:
        for mount in container.mounts:
            if mount.type.value not in ("bind", "npipe") or mount.source is None:
                continue
            socket = exposed_runtime_socket(mount.source.value, sockets)
            node, related = host_mount_report(workload, mount)
            if socket is not None:
                yield Finding(node, f"bind mount of {mount.source.value} exposes the runtime socket {socket}",
                              container, related=related, certain=mount.source.certain)
            elif not mount.source.certain and mount.target is not None and _socket_target(mount.target.value, sockets):
                yield Finding(node, f"bind mount of {mount.source.value} onto {mount.target.value}: the source is "
                              "not known here, the target is where the runtime socket is mounted", container,
                              related=related, certain=False)


def _socket_target(target: str, sockets: list[str]) -> bool:
    """A container path named like a runtime socket: what a bind whose source is unknown is judged by."""
    key = host_path_key(target)
    return posixpath.basename(key) in RUNTIME_SOCKET_NAMES or key in sockets
