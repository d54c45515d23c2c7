"""## What it does
Flags a Windows pod whose image tag names a Windows Server build (`ltsc2019`/`1809`,
`ltsc2022`, `ltsc2025`) different from the build its node selector
`node.kubernetes.io/windows-build` asks for.

## Why is this bad?
Process isolation only works when the container's and the host's Windows builds match; a
mismatch fails to start or pushes operators to isolation-weakening workarounds. Pinning the
right build keeps Windows pools that carry isolation guarantees predictable.

## Example
```yaml
spec:
  nodeSelector:
    node.kubernetes.io/windows-build: "10.0.20348"
  containers:
    - image: mcr.microsoft.com/windows/servercore:ltsc2019
```

## Use instead
```yaml
spec:
  nodeSelector:
    node.kubernetes.io/windows-build: "10.0.20348"
  containers:
    - image: mcr.microsoft.com/windows/servercore:ltsc2022
```

## References
- Kubernetes: "Windows containers in Kubernetes" (node label `node.kubernetes.io/windows-build`)
- Microsoft: "Windows container version compatibility"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import windows_build

RULE = Rule(
    code="RI010",
    name="windows-build-mismatch",
    severity=Severity.LOW,
    summary="Windows image build differs from the node build it is scheduled on",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes: Windows containers in Kubernetes", "Microsoft: Windows container version compatibility"),
)
BUILD_LABEL = "node.kubernetes.io/windows-build"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    selector = next((kv.value for kv in workload.node_selector if kv.key.value == BUILD_LABEL), None)
    if selector is None:
        return
    for container in workload.containers:
        build = windows_build(container.image.value) if container.image is not None else None
        if build is not None and not selector.value.strip().startswith(build):
            yield Finding(container.image, f"image {container.image.value} is Windows build {build} but the pod "
                          f"selects nodes of build {selector.value}: match them, process isolation needs the same "
                          "build", container)
