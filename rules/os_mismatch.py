"""## What it does
Flags a workload whose image needs a different kernel than the one it is scheduled on: a
Windows image (`mcr.microsoft.com/windows/*`, `*nanoserver*`, `*servercore*` ...) in a pod not
pinned to Windows (`spec.os.name: windows` or node selector `kubernetes.io/os: windows`), or in a
Compose service whose `platform` is not `windows/*` (the image, or the base of the Dockerfile it
builds); and the reverse, a Linux-only image (`alpine`, `debian`, `ubuntu`, `busybox` ...) pinned
to Windows. Without any OS selection the finding has low confidence. A Dockerfile built on a
Windows base gets an info note: it needs a Windows host. Multi-arch names (`dotnet/*`) are not
judged.

## Why is this bad?
Containers share the host's kernel, so an image built for another OS kernel cannot run there as
a container: it needs a VM. Mis-scheduling also pushes operators towards workarounds
(privileged emulation, "run anything" node pools) that weaken isolation.

## Example
```yaml
spec:
  nodeSelector:
    kubernetes.io/os: linux
  containers:
    - name: app
      image: mcr.microsoft.com/windows/servercore:ltsc2022
```

## Use instead
```yaml
spec:
  os: {name: windows}
  nodeSelector:
    kubernetes.io/os: windows
```
or run the other OS in a VM.

## References
- Kubernetes: "Windows containers in Kubernetes"
- Kubernetes: Pod `spec.os.name`
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Value, Workload
from isolint.helpers import external_base, linux_only_image, windows_image

RULE = Rule(
    code="RI008",
    name="os-mismatch",
    severity=Severity.MEDIUM,
    summary="Image needs a different OS kernel than the target it is scheduled on",
    references=("Kubernetes: Windows containers in Kubernetes", "Kubernetes: Pod spec.os"),
)


def _target_os(workload: Workload) -> Value[str] | None:
    """The OS the workload is pinned to (``spec.os.name``, the os node selector, Compose platform)."""
    if workload.os is not None:
        return workload.os
    return next((kv.value for kv in workload.node_selector if kv.key.value == "kubernetes.io/os"), None)


def _images(workload: Workload) -> Iterator[Value[str]]:
    for container in workload.containers:
        if container.image is not None:
            yield container.image
    base = external_base(workload) if workload.format is Format.COMPOSE else None
    if base is not None:
        yield base


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.DOCKERFILE:
        if workload.os is not None and workload.os.value == "windows":
            yield Finding(workload.os, "the image is built for Windows: it needs a Windows host (process isolation "
                          "shares the Windows kernel; Hyper-V isolation gives it a VM)", severity=Severity.INFO,
                          certain=workload.os.certain)
        return
    target = _target_os(workload)
    target_name = target.value.lower() if target is not None else None
    for image in _images(workload):
        if windows_image(image.value) and target_name != "windows":
            pinned = f"pinned to {target.value}" if target is not None else "not pinned to Windows"
            yield Finding(target if target is not None else image,
                          f"Windows image {image.value} {pinned}: pin it to Windows nodes (os.name / platform) or "
                          "run it in a VM, since a container cannot bring its own kernel", certain=target is not None)
        elif target_name == "windows" and linux_only_image(image.value):
            yield Finding(image, f"Linux image {image.value} pinned to Windows: schedule it on Linux nodes or run it "
                          "in a VM, since a container cannot bring its own kernel")
