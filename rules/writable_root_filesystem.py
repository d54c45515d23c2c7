"""## What it does
Flags a container whose root filesystem is writable: Kubernetes `readOnlyRootFilesystem` not `true`
(init and regular containers; ephemeral debug containers are skipped), Compose `read_only` not true
(any spelling Compose accepts: `"On"`, `yes`). Windows workloads (unsupported there; a pod pinned to
Windows nodes by `nodeSelector: {kubernetes.io/os: windows}` too) and privileged
containers (which can remount it anyway; reported by `privileged-container`) are skipped. A Compose
service with neither `image` nor `build` (a layer patching a service another file defines) is not
judged: what it leaves unset says nothing.

## Why is this bad?
A writable root filesystem lets an attacker drop tools, replace binaries and libraries the
application loads, and keep that foothold across process restarts. A read-only root limits
post-exploitation and makes tampering visible.

## Example
```yaml
containers:
  - name: app
    image: registry.example/app:1.4
```

## Use instead
```yaml
containers:
  - name: app
    image: registry.example/app:1.4
    securityContext:
      readOnlyRootFilesystem: true
    volumeMounts:
      - {name: tmp, mountPath: /tmp}
```
with an `emptyDir` (Compose: `tmpfs:`) for the paths the program writes.

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` sets `readOnlyRootFilesystem: true` (Compose: `read_only: true`).
A process that writes to its image's filesystem (caches, PID files, `/tmp`) fails until a writable
volume is mounted where it writes.

## References
- CIS Docker Benchmark 5.13 "Ensure that the container's root filesystem is mounted as read only"
- CIS Kubernetes Benchmark 5.6.3 "Apply Security Context to Your Pods and Containers"
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Role, Rule, Severity, Workload
from isolint.helpers import compose_fragment, is_privileged, is_true, runs_windows

RULE = Rule(
    code="FS001",
    name="writable-root-filesystem",
    severity=Severity.LOW,
    summary="Container root filesystem is writable",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.13", "CIS Kubernetes 5.6.3"),
    fix=Applicability.UNSAFE,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if runs_windows(workload) or compose_fragment(workload):
        return
    setting = "readOnlyRootFilesystem" if workload.format is Format.KUBERNETES else "read_only"
    for container in workload.containers:
        if container.role is Role.EPHEMERAL or is_privileged(container):
            continue
        value = container.security.read_only_root_filesystem
        if is_true(value):
            continue
        node = value if value is not None else container.name or container
        fix = Fix.replace(value, True) if value is not None else Fix.set(
            container, "securityContext.readOnlyRootFilesystem" if workload.format is Format.KUBERNETES
            else "read_only", True)
        yield Finding(node, f"container {container.display_name!r} has a writable root filesystem ({setting} is not "
                      "true)", container, certain=value.certain if value is not None else True, fix=fix)
