"""## What it does
Flags a Kubernetes pod that gets an API token mounted automatically: neither the pod nor its
ServiceAccount (when that object is among the linted files) sets
`automountServiceAccountToken: false`; a pod-level `true` wins over the ServiceAccount. Low for
a pod that names its own service account or asks for the token explicitly (such accounts
usually carry RBAC rights); info for the namespace's `default` account, which has no rights
unless someone granted them.

## Why is this bad?
Every container of the pod finds a bearer token for the API server at a well-known path. A
compromised container can use the account's RBAC rights at once; in shared clusters that token
is the bridge from a container compromise to the cluster or to other tenants.

## Example
```yaml
spec:
  serviceAccountName: deployer
  containers:
    - name: app
      image: registry.example/app:1.4
```

## Use instead
```yaml
spec:
  serviceAccountName: deployer
  automountServiceAccountToken: false
```
Mount a token (a projected `serviceAccountToken` volume) only into the pods that call the API.

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` sets `automountServiceAccountToken: false` in the pod spec.
A workload that calls the Kubernetes API (operators, controllers, CI runners) loses its token and
fails; mount a projected token for it instead.

## References
- CIS Kubernetes Benchmark 5.1.6 "Ensure that Service Account Tokens are only mounted where necessary"
- Kubernetes: "Configure Service Accounts for Pods", opt out of API credential automounting
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Rule, Severity, Workload
from isolint.helpers import is_false

RULE = Rule(
    code="MNT009",
    name="service-account-token-mounted",
    severity=Severity.LOW,
    summary="Pod gets a service-account API token mounted automatically",
    formats=(Format.KUBERNETES,),
    references=("CIS Kubernetes 5.1.6",),
    fix=Applicability.UNSAFE,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if not workload.containers:
        return  # no container to get a token (a KubeVirt VM's guest gets none unless it asks)
    pod = workload.automount_service_account_token
    if is_false(pod):
        return
    account = ctx.service_account_of(workload)
    if pod is None and account is not None and is_false(account.automount_service_account_token):
        return
    name = workload.service_account.value if workload.service_account is not None else "default"
    if pod is not None:
        yield Finding(pod, f"pod asks for the API token of service account {name!r} in every container",
                      certain=pod.certain, fix=Fix.replace(pod, False))
    elif name != "default":
        yield Finding(workload.service_account, f"every container gets the API token of service account {name!r}: "
                      "set automountServiceAccountToken: false unless it calls the API", fix=_fix(workload))
    else:
        yield Finding(workload, "every container gets the API token of the default service account: set "
                      "automountServiceAccountToken: false unless it calls the API", severity=Severity.INFO,
                      fix=_fix(workload))


def _fix(workload: Workload) -> Fix | None:
    container = workload.main_container
    return Fix.set(container, "automountServiceAccountToken", False, pod=True) if container else None
