"""## What it does
Flags a mount whose propagation connects the container's mount namespace with the host's:
Kubernetes `mountPropagation: Bidirectional`, Compose `shared` / `rshared` (short-syntax option
or long-syntax `bind.propagation`) are high; host-to-container propagation (Kubernetes
`HostToContainer`, Compose `slave` / `rslave`) is info, since mounts then flow only inwards.

## Why is this bad?
With shared propagation, mounts made inside the container appear on the host and in every other
container sharing the host path. A container can shadow host directories (mount over
`/var/lib/kubelet/...`) or hand host mounts to its neighbours, defeating mount-namespace
isolation.

## Example
```yaml
volumeMounts:
  - name: data
    mountPath: /data
    mountPropagation: Bidirectional
```

## Use instead
Leave propagation unset (`None` / `rprivate`); only storage drivers that must publish mounts to
the node (CSI node plugins) need `Bidirectional`, and they run privileged in a reviewed
namespace.

## References
- CIS Docker Benchmark 5.20 "Ensure that the mount propagation mode is not set to shared"
- Kubernetes: Volumes, "Mount propagation"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="MNT005",
    name="shared-mount-propagation",
    severity=Severity.HIGH,
    summary="Mount propagation is shared with the host (Bidirectional / rshared)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.20", "Kubernetes mount propagation"),
)
SHARED = {"Bidirectional": Severity.HIGH, "shared": Severity.HIGH, "rshared": Severity.HIGH,
          "HostToContainer": Severity.INFO, "slave": Severity.INFO, "rslave": Severity.INFO}


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        for mount in container.mounts:
            propagation = mount.propagation
            severity = SHARED.get(propagation.value.strip()) if propagation is not None else None
            if severity is None:
                continue
            direction = "both ways" if severity is Severity.HIGH else "from the host into the container"
            target = mount.target.value if mount.target is not None else "?"
            yield Finding(propagation, f"container {container.display_name!r}: mounts under {target} propagate "
                          f"{direction} ({propagation.value})", container, certain=propagation.certain,
                          severity=severity)
