"""## What it does
Flags a capability added back that Pod Security Standards Restricted does not allow: anything but
`NET_BIND_SERVICE` in Kubernetes `capabilities.add` (from 1.22; a pod with `spec.os.name: windows`
is exempt from 1.25) or Compose `cap_add`. Capabilities outside the Baseline set are already
reported by `capability-outside-baseline`, so this rule reports the Baseline ones Restricted
still refuses (`CHOWN`, `SETUID`, `KILL` ...). Off by default: it is part of `--profile
pss-restricted` or can be selected.
In a plain run (no `--profile`) a pod pinned to Windows nodes by `nodeSelector: {kubernetes.io/os:
windows}` is skipped too: the Linux setting does not exist there.

## Why is this bad?
Restricted assumes a capability set dropped to zero; every capability added back re-opens a
kernel privilege check for the process. `NET_BIND_SERVICE` (bind ports below 1024) is the only
one considered harmless.

## Example
```yaml
securityContext:
  capabilities:
    drop: ["ALL"]
    add: ["CHOWN"]
```

## Use instead
Fix file ownership at build time and add back at most `NET_BIND_SERVICE`.

## References
- Kubernetes Pod Security Standards, Restricted: "Capabilities"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import PSS_BASELINE_CAPABILITIES, capability_name, windows_exempt

RULE = Rule(
    code="CAP005",
    name="capability-outside-restricted",
    severity=Severity.MEDIUM,
    summary="Capability other than NET_BIND_SERVICE added back (Pod Security Standards Restricted)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Capabilities",),
    default=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    kubernetes = workload.format is Format.KUBERNETES
    if kubernetes and (not ctx.at_least(1, 22) or windows_exempt(workload, ctx)):
        return
    for container in workload.containers:
        for added in container.security.capabilities_add:
            name = added.value if kubernetes else capability_name(added.value)
            if name != "NET_BIND_SERVICE" and name in PSS_BASELINE_CAPABILITIES:
                yield Finding(added, f"container {container.display_name!r} adds back {added.value}: Restricted "
                              "allows only NET_BIND_SERVICE", container, certain=added.certain)
