"""## What it does
Flags an untrusted or multi-tenant pod that runs without a user namespace (no
`hostUsers: false`). Sandboxed pods are exempt: under a VM (Kata, Firecracker) container root is
root only in the guest kernel, and under gVisor only inside its user-space kernel (the Sentry),
which the kubelet does not combine with `hostUsers: false` anyway (it refuses the pod: the runsc
handler does not support user namespaces, google/gvisor#13303). Compose cannot ask for a
user namespace per service (Docker remaps users daemon-wide with `userns-remap`); a service that
opts out with `userns_mode: host` is reported by `host-user-namespace`, raised one level when it
is untrusted.

## Why is this bad?
Without a user namespace UID 0 in the container is UID 0 on the node and granted capabilities
are valid against host resources. With `hostUsers: false` a breakout lands as an unprivileged
host UID, which neutralised several high and critical container-escape CVEs.

## Example
```yaml
spec:
  containers:
    - name: runner
      image: ghcr.io/actions/actions-runner:latest
```

## Use instead
```yaml
spec:
  hostUsers: false
  containers:
    - name: runner
      image: ghcr.io/actions/actions-runner:latest
```

## References
- Kubernetes: "User Namespaces" (`hostUsers: false`; beta and on by default since 1.33)
- Kubernetes Pod Security Standards 1.35+: relaxations for `hostUsers: false`
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true, runtime_isolation

RULE = Rule(
    code="RI006",
    name="untrusted-without-user-namespace",
    severity=Severity.MEDIUM,
    summary="Untrusted or multi-tenant workload runs without a user namespace",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes: User Namespaces", "PSS 1.35: hostUsers relaxations"),
    escalate=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    trust = ctx.trust(workload)
    if not trust.escalates or runtime_isolation(workload, ctx).kind.sandboxed:
        return
    host_users = workload.host_users
    if host_users is None or is_true(host_users):
        yield Finding(host_users or workload, f"{trust.value} pod shares the node's user IDs: set hostUsers: false "
                      "(a user namespace) so that root in the container is not root on the node if it escapes")
