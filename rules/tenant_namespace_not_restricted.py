"""## What it does
Flags a tenant Namespace (labelled `capsule.clastix.io/tenant`, an HNC sub-namespace, a key from
`tenant_label_keys`, or marked `isolint.io/trust: multi-tenant|untrusted`) whose
`pod-security.kubernetes.io/enforce` label is missing or not `restricted`. System namespaces
(option `system_namespaces`) are exempt.

## Why is this bad?
Pod-level rules only hold if admission enforces them in every tenant namespace; without the
label any tenant can create privileged pods, mount the host or join its namespaces. Restricted
is the level designed for lower-trust users.

## Example
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: tenant-acme
  labels:
    capsule.clastix.io/tenant: acme
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: tenant-acme
  labels:
    capsule.clastix.io/tenant: acme
    pod-security.kubernetes.io/enforce: restricted
```

## References
- Kubernetes Pod Security Admission: namespace labels `pod-security.kubernetes.io/enforce`
- CIS Kubernetes Benchmark 5.2.1 "Ensure that the cluster has at least one active policy control mechanism"
- Kubernetes multi-tenancy: "Namespaces", "Policy engines"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Namespace, Rule, Severity
from isolint.helpers import namespace_classification

RULE = Rule(
    code="RI005",
    name="tenant-namespace-not-restricted",
    severity=Severity.HIGH,
    summary="Tenant namespace does not enforce the Restricted Pod Security level",
    formats=(Format.KUBERNETES,),
    references=("PSA namespace labels", "CIS Kubernetes 5.2.1", "Kubernetes multi-tenancy"),
    subject=Namespace,
    options={"system_namespaces": ["kube-system", "kube-public", "kube-node-lease"]},
)
ENFORCE = "pod-security.kubernetes.io/enforce"


def check(namespace: Namespace, ctx: Context) -> Iterator[Finding]:
    if namespace.name.value in ctx.options["system_namespaces"]:
        return
    tenancy = namespace_classification(namespace, ctx)
    if not tenancy.trust.escalates:
        return
    why = tenancy.evidence[0] if tenancy.evidence else "tenant namespace"
    enforce = namespace.label(ENFORCE)
    if enforce is None:
        yield Finding(namespace.name, f"{why}, but it has no {ENFORCE} label: label it restricted so admission "
                      "stops tenant pods from weakening the shared node")
    elif enforce.value.strip().lower() != "restricted":
        yield Finding(enforce, f"{why}, but it enforces {enforce.value!r}: enforce restricted so admission stops "
                      "tenant pods from weakening the shared node")
