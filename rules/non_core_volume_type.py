"""## What it does
Flags a Kubernetes volume whose type is outside the Pod Security Standards Restricted allow-list
(`configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`,
`projected`, `secret`): in-line `nfs`, `iscsi`, `rbd`, `cephfs`, `flexVolume`, cloud disks,
`gitRepo` and any unknown type. A volume without a source is `emptyDir`, as the API server
defaults it. `gitRepo` is high (CVE-2024-10220: host command execution through git hooks);
`hostPath` is left to `host-path-mount`.

## Why is this bad?
In-line volume plugins run node-side code or mount remote storage with node credentials on the
pod's behalf. That moves work across the boundary into the kubelet, where a bug affects the node
rather than the pod.

## Example
```yaml
volumes:
  - name: repo
    gitRepo:
      repository: https://example.com/repo.git
```

## Use instead
Use a PersistentVolumeClaim (the storage is then provisioned and authorised by the cluster), a
CSI driver, or clone repositories in an init container into an `emptyDir`.

## References
- Kubernetes Pod Security Standards, Restricted: "Volume Types"
- CVE-2024-10220, CVE-2025-1767 (gitRepo volumes)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="MNT007",
    name="non-core-volume-type",
    severity=Severity.LOW,
    summary="Volume type outside the Pod Security Standards Restricted allow-list",
    formats=(Format.KUBERNETES,),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Volume Types", "CVE-2024-10220"),
)
ALLOWED_TYPES = frozenset({"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                           "persistentVolumeClaim", "projected", "secret"})


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for volume in workload.volumes:
        if volume.type is None or volume.type.value in ALLOWED_TYPES or volume.type.value == "hostPath":
            continue
        kind = volume.type.value
        if kind == "gitRepo":
            yield Finding(volume.type, f"gitRepo volume {volume.name.value!r} runs git on the node (CVE-2024-10220)",
                          severity=Severity.HIGH)
        else:
            yield Finding(volume.type, f"volume {volume.name.value!r} of type {kind} is mounted by node-side code")
