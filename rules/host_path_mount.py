"""## What it does
Flags a host filesystem path mounted into a container: every Kubernetes `hostPath` volume
(whatever its `type` or the mounts' `readOnly`, as Pod Security Standards Baseline judges it),
and every Compose bind mount (short syntax with a path source, long syntax `type: bind` or
`npipe`, and named volumes that are binds in disguise through `driver_opts`).

Compose binds are graded by where they point and whether they are writable: an absolute path
(`/srv/data`, `~/x`, `C:\\data`) or one leaving the project (`../x`) is medium when writable and low
when read-only; a path inside the project directory (`./config`, `.env`) is low when writable and
info when read-only. Read-only binds of the host's clock and time zone (option `benign_read_only_paths`:
`/etc/localtime`, `/etc/timezone`) are info. Which host paths are sensitive is judged by the MNT
rules that follow.

## Why is this bad?
A host path is a hole in the mount namespace: the container reads and writes the node's real
filesystem, outside any per-container quota or labelling. Symlink and subPath tricks have
repeatedly turned harmless-looking host paths (`/var/log`) into arbitrary host file access.

## Example
```yaml
volumes:
  - name: data
    hostPath:
      path: /srv/data
```

## Use instead
Use a PersistentVolumeClaim, `emptyDir`, a ConfigMap or Secret; in Compose a named volume, or a
read-only bind of a project directory.

## References
- Kubernetes Pod Security Standards, Baseline: "HostPath Volumes"
- CIS Kubernetes Benchmark 5.2.11 (v1.12) "Minimize the admission of containers which use HostPath volumes"
- CIS Docker Benchmark 5.6 "Ensure sensitive host system directories are not mounted on containers"
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, Mount, Rule, Severity, Workload
from isolint.helpers import canonical_host_path, host_mount_report, is_true, project_relative

RULE = Rule(
    code="MNT001",
    name="host-path-mount",
    severity=Severity.MEDIUM,
    summary="A host filesystem path is mounted into the container",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: HostPath Volumes", "CIS Kubernetes 5.2.11", "CIS Docker 5.6"),
    options={"benign_read_only_paths": ["/etc/localtime", "/etc/timezone"]},
)


def _compose_severity(source: str, read_only: bool, benign: list[str]) -> Severity:
    if project_relative(source):
        return Severity.INFO if read_only else Severity.LOW
    if read_only:
        return Severity.INFO if canonical_host_path(source) in benign else Severity.LOW
    return Severity.MEDIUM


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.KUBERNETES:
        for volume in workload.volumes:
            if volume.type is not None and volume.type.value == "hostPath":
                path = volume.host_path.value if volume.host_path is not None else "?"
                yield Finding(volume.host_path or volume.type, f"hostPath volume {volume.name.value!r} mounts {path} "
                              "from the node")
        return
    for container in workload.containers:
        for mount in container.mounts:
            if mount.type.value in ("bind", "npipe") and mount.source is not None:
                yield _compose_finding(workload, container, mount, ctx.options["benign_read_only_paths"])


def _compose_finding(workload: Workload, container: Container, mount: Mount, benign: list[str]) -> Finding:
    source = mount.source.value if mount.source is not None else "?"
    read_only = is_true(mount.read_only)
    node, related = host_mount_report(workload, mount)
    return Finding(node, f"service {container.display_name!r} bind-mounts host path {source} "
                   f"({'read-only' if read_only else 'writable'})", container, related=related,
                   certain=mount.source is None or mount.source.certain,
                   severity=_compose_severity(source, read_only, benign))
