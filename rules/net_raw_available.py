"""## What it does
Flags a container that can open raw sockets: it adds `NET_RAW` explicitly (medium), or it neither
drops `ALL` nor `NET_RAW`, so it keeps `NET_RAW` from the runtime's default set (low; Docker and
containerd grant it by default). Kubernetes (every container list) and Compose, any capability
spelling. Privileged containers (reported by `privileged-container`) and Windows workloads are
skipped, and so is a Compose service with neither `image` nor `build` (a layer patching a service
another file defines) that does not add it. Off by default: CAP004 (`drop: ALL` missing) and CAP002
(capability outside the Baseline set) already report these containers; select it for CIS Kubernetes
5.2.8. An added `NET_RAW` is reported once, here, not again by `capability-outside-baseline`
(an added `ALL` is left to `dangerous-capability`).

## Why is this bad?
Raw sockets allow ARP and DNS spoofing and packet crafting against neighbours on the node's
bridge network, and `AF_PACKET` has been the entry point of kernel escapes (CVE-2020-14386).

## Example
```yaml
containers:
  - name: app
    image: nginx
```

## Use instead
```yaml
containers:
  - name: app
    image: nginx
    securityContext:
      capabilities:
        drop: [ALL]
```

## References
- CIS Kubernetes Benchmark 5.2.8 "Minimize the admission of containers with the NET_RAW capability"
- CIS Docker Benchmark 5.4 "Ensure that Linux kernel capabilities are restricted within containers"
- Kubernetes Pod Security Standards, Baseline: "Capabilities"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import capability_name, compose_fragment, is_privileged, runs_windows

RULE = Rule(
    code="CAP003",
    name="net-raw-available",
    severity=Severity.LOW,
    summary="Container can open raw sockets (NET_RAW added or not dropped)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Kubernetes 5.2.8", "CIS Docker 5.4", "PSS Baseline: Capabilities"),
    default=False,
    supersedes=("CAP002",),  # one finding on an added NET_RAW entry
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if runs_windows(workload):
        return
    for container in workload.containers:
        if is_privileged(container):
            continue
        security = container.security
        added = next((c for c in security.capabilities_add if capability_name(c.value) in ("NET_RAW", "ALL")), None)
        if added is not None:
            spelled = "" if added.value == "NET_RAW" else f" ({added.value})"
            yield Finding(added, f"container {container.display_name!r} adds NET_RAW{spelled}", container,
                          certain=added.certain, severity=Severity.MEDIUM)
        elif not compose_fragment(workload) \
                and not any(capability_name(c.value) in ("NET_RAW", "ALL") for c in security.capabilities_drop):
            node = security.capabilities_drop[0] if security.capabilities_drop else container.name or container
            yield Finding(node, f"container {container.display_name!r} keeps NET_RAW from the runtime's default "
                          "capabilities: drop ALL or NET_RAW", container)
