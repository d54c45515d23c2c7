"""## What it does
Flags a workload classified untrusted (notebooks, code runners, CI runners, image builders, an
explicit `isolint.io/trust: untrusted` marker) or multi-tenant (a tenant's namespace, a tenant
label) that runs on a shared-kernel runtime: no `runtimeClassName` naming a gVisor or Kata
class (resolved through RuntimeClass objects of the same run when present), or a Compose
`runtime:` that is not `runsc`/`kata*`. An unresolvable runtime name is reported with low
confidence.

## Why is this bad?
With runc or crun every container shares the host kernel, so one kernel bug reachable from an
allowed syscall is an escape to the node and to every other tenant on it. A userspace kernel
(gVisor) or a per-pod VM (Kata, Firecracker) puts a second kernel between untrusted code and the
node.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: notebook, namespace: tenant-acme}   # namespace labelled capsule.clastix.io/tenant
spec:
  template:
    spec:
      containers:
        - name: lab
          image: quay.io/jupyter/base-notebook
```

## Use instead
```yaml
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
---
# ... in the pod spec:
      runtimeClassName: gvisor
```
Or schedule the tenant on a dedicated node pool (set the rule option `node_isolation_ok` when
tenant node selectors and tolerations are enforced).

## References
- Kubernetes multi-tenancy: "Sandboxing containers", "Node Isolation"
- Kubernetes Pod Security Standards FAQ: "What about sandboxed Pods?"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import RuntimeKind, runtime_isolation

RULE = Rule(
    code="RI001",
    name="untrusted-workload-shared-kernel",
    severity=Severity.HIGH,
    summary="Untrusted or multi-tenant workload runs on a shared-kernel runtime",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Kubernetes multi-tenancy: Sandboxing containers", "PSS FAQ: sandboxed Pods"),
    options={"node_isolation_ok": False},
    escalate=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    trust = ctx.classification(workload)
    if not trust.trust.escalates:
        return
    runtime = runtime_isolation(workload, ctx)
    if runtime.kind.sandboxed:
        return
    if ctx.options["node_isolation_ok"] and (workload.node_selector or workload.tolerations):
        return
    boundary = ("a gVisor (runsc) or Kata runtimeClassName"
                if workload.format is Format.KUBERNETES else "runtime: runsc or kata")
    why = trust.evidence[0] if trust.evidence else "classified so"
    yield Finding(workload.runtime or workload, f"{trust.trust.value} workload shares the host kernel on "
                  f"{runtime.label}: use {boundary}, or a VM; {trust.trust.value}: {why}",
                  certain=runtime.kind is not RuntimeKind.UNKNOWN)
