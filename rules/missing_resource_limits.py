"""## What it does
Flags a container without a memory limit (Kubernetes `resources.limits.memory`, Compose
`mem_limit` or `deploy.resources.limits.memory`) and a Compose service without a PIDs limit
(`pids_limit`, `deploy.resources.limits.pids`). By default only untrusted and multi-tenant
workloads are checked (where the finding is raised to medium); set the option `all_workloads`
to check every workload at low.

## Why is this bad?
cgroups are the resource half of container isolation. Without limits one container can exhaust
the host's memory, PIDs (a fork bomb) or CPU: on a shared kernel that is a cross-tenant denial of
service and can make the OOM killer take host services.

## Example
```yaml
services:
  notebook:
    image: quay.io/jupyter/base-notebook
```

## Use instead
```yaml
services:
  notebook:
    image: quay.io/jupyter/base-notebook
    deploy:
      resources:
        limits: {memory: 2G, pids: 512}
```

## References
- CIS Docker Benchmark 5.11 "Ensure that the memory usage for containers is limited"
- CIS Docker Benchmark 5.29 "Ensure that the PIDs cgroup limit is used"
- Kubernetes multi-tenancy: "Quotas", "Noisy neighbours"
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, Role, Rule, Severity, Workload
from isolint.helpers import runtime_isolation

RULE = Rule(
    code="RI011",
    name="missing-resource-limits",
    severity=Severity.LOW,
    summary="Container has no memory (or, in Compose, PIDs) limit",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.11", "CIS Docker 5.29", "Kubernetes multi-tenancy: Quotas"),
    options={"all_workloads": False},
)


def _missing(workload: Workload, container: Container) -> list[str]:
    limited = {kv.key.value for kv in container.limits if kv.value.value.strip() not in ("", "0", "-1")}
    wanted = ["memory", "pids"] if workload.format is Format.COMPOSE else ["memory"]
    return [name for name in wanted if name not in limited]


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if not ctx.options["all_workloads"] and not ctx.trust(workload).escalates:
        return
    # under gVisor or Kata the pod has a kernel of its own: the neighbours share the node, not a kernel
    where = "node" if runtime_isolation(workload, ctx).kind.sandboxed else "shared kernel"
    for container in workload.containers:
        if container.role is Role.EPHEMERAL:
            continue  # ephemeral containers cannot set resources
        missing = _missing(workload, container)
        if missing:
            yield Finding(container.name or container, f"container {container.display_name!r} has no "
                          f"{' or '.join(missing)} limit: set one so it cannot starve the other workloads on the "
                          f"{where}", container)
