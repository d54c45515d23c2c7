"""## What it does
Flags a multi-tenant workload that can choose its node past the tenant's node isolation:
`spec.nodeName` set (bypasses the scheduler, taints and node affinity), or a toleration without
a `key` (`operator: Exists`), which tolerates every taint that fences tenant node pools.

## Why is this bad?
Node isolation only works if tenant pods cannot pick arbitrary nodes. `nodeName` and blanket
tolerations let a pod land next to another tenant's workloads; after an escape, the blast
radius is every workload on the node it chose.

## Example
```yaml
metadata:
  labels: {isolint.io/trust: multi-tenant}
spec:
  tolerations:
    - operator: Exists
```

## Use instead
```yaml
metadata:
  labels: {isolint.io/trust: multi-tenant}
spec:
  nodeSelector: {tenant: acme}
  tolerations:
    - {key: tenant, operator: Equal, value: acme, effect: NoSchedule}
```

## References
- Kubernetes multi-tenancy: "Node Isolation"
- Kubernetes: "Taints and Tolerations"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Trust, Workload

RULE = Rule(
    code="RI012",
    name="tenant-node-isolation-bypass",
    severity=Severity.MEDIUM,
    summary="Multi-tenant pod bypasses node isolation (nodeName, blanket toleration)",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes multi-tenancy: Node Isolation", "Kubernetes: Taints and Tolerations"),
    escalate=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if ctx.trust(workload) is not Trust.MULTI_TENANT:
        return
    if workload.node_name is not None and workload.node_name.value:
        yield Finding(workload.node_name, f"tenant pod pins nodeName {workload.node_name.value!r}, bypassing the "
                      "scheduler's taints and affinity: schedule through the tenant's node selector so it stays on "
                      "its own node pool")
    for toleration in workload.tolerations:
        if not toleration.key.value:
            yield Finding(toleration.key, "tenant pod tolerates every taint (a toleration without key): tolerate "
                          "only the tenant's own taint so it stays on its own node pool")
