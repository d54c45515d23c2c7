"""## What it does
Flags a Kubernetes `emptyDir` volume without `sizeLimit` that a container can fill without
bound: memory-backed (`medium: Memory`) and mounted by a container without a memory limit
(low); disk-backed and mounted by a container without an `ephemeral-storage` limit (info).
Volumes no container mounts are ignored.

## Why is this bad?
Node disk and memory are shared by every pod on the node. An unbounded `emptyDir` lets one
workload fill the node's disk or memory, evicting or starving its neighbours; a memory-backed
one uses node memory outside the pod's obvious requests.

## Example
```yaml
containers:
  - name: app
    image: registry.example/app:1.4
    volumeMounts:
      - {name: cache, mountPath: /cache}
volumes:
  - name: cache
    emptyDir:
      medium: Memory
```

## Use instead
```yaml
containers:
  - name: app
    image: registry.example/app:1.4
    volumeMounts:
      - {name: cache, mountPath: /cache}
volumes:
  - name: cache
    emptyDir:
      medium: Memory
      sizeLimit: 256Mi
```

## References
- Kubernetes: "Multi-tenancy", noisy neighbours and resource fairness
- Kubernetes: Volumes, `emptyDir.sizeLimit`
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, Rule, Severity, Volume, Workload

RULE = Rule(
    code="FS003",
    name="unbounded-scratch-space",
    severity=Severity.LOW,
    summary="emptyDir scratch space without a size limit",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes multi-tenancy: fairness", "Kubernetes emptyDir.sizeLimit"),
)


def _limited(container: Container, resource: str) -> bool:
    return any(kv.key.value == resource and kv.value.value.strip() not in ("", "0") for kv in container.limits)


def _writers(workload: Workload, volume: Volume) -> list[Container]:
    return [c for c in workload.containers if any(m.volume is volume for m in c.mounts)]


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for volume in workload.volumes:
        if volume.type is None or volume.type.value != "emptyDir" or volume.size_limit is not None:
            continue
        memory = volume.medium is not None and volume.medium.value == "Memory"
        resource = "memory" if memory else "ephemeral-storage"
        unbounded = [c for c in _writers(workload, volume) if not _limited(c, resource)]
        if not unbounded:
            continue
        names = ", ".join(repr(c.display_name) for c in unbounded)
        kind = "memory-backed emptyDir" if memory else "emptyDir"
        yield Finding(volume.type, f"{kind} {volume.name.value!r} has no sizeLimit and {names} has no {resource} "
                      "limit", unbounded[0], severity=None if memory else Severity.INFO)
