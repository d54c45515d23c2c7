"""## What it does
Flags a container that runs with the root group or a group that grants host-level access:
GID `0` / `root` as Kubernetes `runAsGroup` (pod or container), `fsGroup` or
`supplementalGroups`, as the group part of Compose `user:` or Dockerfile `USER app:0`, or in
Compose `group_add` (low); Compose `group_add` of `docker`, `disk`, `kvm`, `sudo`, `wheel`,
`adm`, `shadow` or `systemd-journal` (medium). A container that runs as root is left to
`root-user`; a pod-level `runAsGroup` that every container overrides with its own is not reported
(no process runs with it).

## Why is this bad?
Group 0 owns many files and sockets on a host, and group membership is a silent grant that UID
checks miss: through a host mount, group `root`, `disk` or `docker` reads disks, shadow
passwords or the Docker socket without the container ever being root.

## Example
```yaml
services:
  ci:
    user: "1000:1000"
    group_add: [docker]
```

## Use instead
Run with a dedicated non-zero GID, and grant access to one file or socket through its
ownership rather than a powerful group.

## References
- Kubernetes Pod Security Standards, early draft: "Non-root groups" (not enforced by admission)
- CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created"
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, Rule, SecurityContext, Severity, Value, Workload
from isolint.helpers import stage_label, user_is_root

RULE = Rule(
    code="USR004",
    name="root-group",
    severity=Severity.LOW,
    summary="Container runs with the root group or a powerful supplementary group",
    references=("PSS draft: Non-root groups", "CIS Docker 4.1"),
    options={"powerful_groups": ["docker", "disk", "kvm", "sudo", "wheel", "adm", "shadow", "systemd-journal"]},
)


def _is_root_group(group: Value[int | str] | None) -> bool:
    return group is not None and str(group.value).strip() in ("0", "root")


def _groups(security: SecurityContext, pod_level: bool) -> Iterator[tuple[str, Value[int | str]]]:
    if security.run_as_group is not None:
        yield "runs with group", security.run_as_group
    if pod_level and security.fs_group is not None:
        yield "sets fsGroup", security.fs_group
    for group in security.supplemental_groups:
        yield "adds group", group


def _runs_as_root(workload: Workload, container: Container | None) -> bool:
    user = workload.effective(container, "run_as_user") if container is not None else workload.security.run_as_user
    return user_is_root(user)  # type: ignore[arg-type]


def _overridden(workload: Workload) -> bool:
    """Every container sets its own runAsGroup: the pod's is the default of none of them."""
    return bool(workload.containers) and all(c.security.run_as_group is not None for c in workload.containers)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    powerful = {name.lower() for name in ctx.options["powerful_groups"]}
    setters: list[tuple[SecurityContext, Container | None]] = [(workload.security, None)]
    setters += [(container.security, container) for container in workload.containers]
    for security, container in setters:
        if _runs_as_root(workload, container):
            continue
        who = f"container {container.display_name!r}" if container is not None else "pod"
        if workload.format is Format.DOCKERFILE and workload.target_stage is not None:
            who = stage_label(workload.target_stage)
        for what, group in _groups(security, container is None or workload.format is not Format.KUBERNETES):
            if container is None and group is security.run_as_group and _overridden(workload):
                continue
            name = str(group.value).strip()
            if _is_root_group(group):
                yield Finding(group, f"{who} {what} root (GID 0)", container, certain=group.certain)
            elif what == "adds group" and name.lower() in powerful:
                yield Finding(group, f"{who} {what} {name!r}, which grants host-level access", container,
                              certain=group.certain, severity=Severity.MEDIUM)
