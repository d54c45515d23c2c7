"""## What it does
Flags a host directory or file mounted into a container that holds host credentials, kernel
interfaces or code the host runs: the host root `/` (critical), and `/etc`, `/proc`, `/sys`,
`/boot`, `/run`, `/usr`, `/lib`, `/bin`, `/sbin`, `/lib/modules`, `/var/lib/kubelet`,
`/etc/kubernetes`, `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/etcd` and the credential
directories of `/root` and `/home/*` (`.ssh`, `.docker`, `.kube`, `.aws` ...): critical when
writable, high read-only. `/var/log/pods`, `/var/log/containers` and `/dev/shm` are high; a
mount of an ancestor (`/var`, `/home/alice`, `/var/log`, `/var/lib`) exposes what it contains.
Kubernetes hostPath volumes as each container mounts them (hostPath + `subPath`), Compose binds
in short and long syntax and named volumes that are binds in disguise; `~` is any home
directory; Windows `C:\\`, `C:\\Windows`, `C:\\ProgramData\\docker` too. Paths are canonicalised
(`/var/run` is `/run`, `//`, `..`). Time-zone files are never flagged; CA certificates,
`/etc/hosts`, `/etc/resolv.conf`, `/etc/machine-id` only when writable. Runtime sockets and
devices are left to `runtime-socket-mounted` and `host-device`.

## Why is this bad?
These paths hold the node's secrets (`/etc/shadow`, kubelet and cluster PKI, SSH keys), its
kernel controls (`/proc/sys`, `/sys`) and the binaries and configuration it executes. Write access
is code execution on the host at its next boot, login or cron run; read access leaks the
credentials of every workload on the node.

## Example
```yaml
services:
  agent:
    volumes:
      - /:/host
```

## Use instead
Mount only the specific file or directory the program needs, read-only; give monitoring agents
that need `/proc` or `/sys` their own reviewed deployment.

## References
- CIS Docker Benchmark 5.6 "Ensure sensitive host system directories are not mounted on containers"
- Kubernetes Pod Security Standards, Baseline: "HostPath Volumes"
- CIS Kubernetes Benchmark 5.2.12 "Minimize the admission of HostPath volumes"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Location, Rule, Severity, Workload
from isolint.helpers import host_mount_report, host_mounts, host_path_key, mount_writable, sensitive_host_paths

RULE = Rule(
    code="MNT003",
    name="sensitive-host-path",
    severity=Severity.CRITICAL,
    summary="A sensitive host directory (/, /etc, /proc, /sys, kubelet or runtime state ...) is mounted",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.6", "PSS Baseline: HostPath Volumes", "CIS Kubernetes 5.2.12"),
    supersedes=("MNT001",),
)


def _relation(mounted: str, sensitive: str) -> str:
    """``/lib/modules`` lies under ``/lib``; ``/etc`` exposes ``/etc/kubernetes``."""
    below = len([p for p in mounted.split("/") if p]) > len([p for p in sensitive.split("/") if p])
    return "lies under" if below else "exposes"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    worst: dict[tuple[str, Location, str], tuple[Severity, Finding]] = {}  # one finding per container and path
    for container, mount in host_mounts(workload):
        writable = mount_writable(mount)
        hits, critical = sensitive_host_paths(mount.source.value, writable)
        if not hits:
            continue
        key = host_path_key(mount.source.value)
        access = "writable" if writable else "read-only"
        exposes = "" if key == hits[0] else f", which {_relation(key, hits[0])} {hits[0]}"
        severity = Severity.CRITICAL if critical else Severity.HIGH
        node, related = host_mount_report(workload, mount)
        finding = Finding(node, f"container {container.display_name!r} mounts host path {key} {access}{exposes}",
                          container, related=related, certain=mount.source.certain, severity=severity)
        seen = (container.display_name, node.loc, key)
        if seen not in worst or worst[seen][0] < severity:
            worst[seen] = (severity, finding)
    for _, finding in worst.values():
        yield finding
