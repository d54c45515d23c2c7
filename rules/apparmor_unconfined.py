"""## What it does
Flags AppArmor switched off or overridden. Kubernetes: `securityContext.appArmorProfile.type`
other than `RuntimeDefault` or `Localhost` (that is, `Unconfined`) at the pod level or on any
container, and any pod annotation with the prefix `container.apparmor.security.beta.kubernetes.io/`
whose value is not empty, `runtime/default` or `localhost/...`, even when the suffix names no
container (Pod Security admission checks every such key; the parser reads the annotations into
the same profiles, at every version). Compose: `security_opt`
`apparmor=unconfined` or `apparmor:unconfined`.

## Why is this bad?
The runtime's default AppArmor profile denies writes to `/proc/sys` and `/sys`, `mount`, and
access to sensitive `/proc` files. Unconfined removes that last mandatory-access-control layer,
so capability or mount mistakes become directly exploitable.

## Example
```yaml
metadata:
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
```

## Use instead
```yaml
securityContext:
  appArmorProfile:
    type: RuntimeDefault
```

## References
- Kubernetes Pod Security Standards, Baseline: "AppArmor"
- CIS Docker Benchmark 5.2 "Ensure that, if applicable, an AppArmor Profile is enabled"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import unconfined_profiles

RULE = Rule(
    code="MAC003",
    name="apparmor-unconfined",
    severity=Severity.HIGH,
    summary="AppArmor is disabled for a container",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: AppArmor", "CIS Docker 5.2"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for profile, container in unconfined_profiles(workload, "apparmor"):
        who = "pod" if container is None else f"container {container.display_name!r}"
        spelling = profile.type.text or f"appArmorProfile.type: {profile.type.value}"
        yield Finding(profile.type, f"{who} runs without AppArmor ({spelling})", container,
                      certain=profile.type.certain)
