"""## What it does
Flags a host path mounted writable: a Kubernetes hostPath volume mounted without
`readOnly: true`, a Compose bind without `:ro` (short syntax) or `read_only: true` (long
syntax). Medium for host paths outside the project, low for project-relative binds (`./data`),
which are usually the service's own data (the same grading as host-path-mount, whose finding
this one replaces at the same place); time-zone files are not reported. Mounts already reported
as a runtime socket, a device or a sensitive host path are not reported again (those rules
weigh the write access).

## Why is this bad?
Writes to a host path outlive the container and reach whatever else on the host reads that
directory: other services, backup jobs, scripts run by root. An attacker in the container can
plant files there, fill the host's disk, or tamper with data other workloads trust.

## Example
```yaml
services:
  app:
    volumes:
      - /srv/shared:/shared
```

## Use instead
```yaml
services:
  app:
    volumes:
      - /srv/shared:/shared:ro
```
Or use a named volume for data only the service writes.

## References
- CIS Docker Benchmark 5.6 "Ensure sensitive host system directories are not mounted on containers" (read-write)
- Kubernetes Pod Security Standards, Baseline: "HostPath Volumes"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import (
    HARMLESS_HOST_PATHS,
    exposed_runtime_socket,
    host_mount_report,
    host_mounts,
    host_path_key,
    is_device_path,
    mount_writable,
    project_relative,
    sensitive_host_paths,
)

RULE = Rule(
    code="MNT004",
    name="writable-host-mount",
    severity=Severity.MEDIUM,
    summary="A host path is mounted writable",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.6", "PSS Baseline: HostPath Volumes"),
    supersedes=("MNT001",),
)


def _reported_elsewhere(path: str) -> bool:
    return exposed_runtime_socket(path) is not None or is_device_path(path) or bool(sensitive_host_paths(path, True)[0])


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    compose = workload.format is Format.COMPOSE
    for container, mount in host_mounts(workload):
        source = mount.source.value
        key = host_path_key(source)
        if not mount_writable(mount) or mount.type.value == "npipe" or _reported_elsewhere(source) \
                or any(key == tz or key.startswith(tz + "/") for tz in HARMLESS_HOST_PATHS):
            continue
        if workload.format is Format.KUBERNETES:  # each container's own volumeMount says it writes
            node, related = (mount.read_only if mount.read_only is not None else mount), ()
        else:
            node, related = host_mount_report(workload, mount)
        yield Finding(node, f"container {container.display_name!r} can write to host path {source}", container,
                      related=related,
                      certain=mount.source.certain,
                      severity=Severity.LOW if compose and project_relative(source) else None)
