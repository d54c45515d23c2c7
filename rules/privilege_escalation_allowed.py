"""## What it does
Flags a container that may gain privileges at `execve` (setuid binaries, file capabilities):
Kubernetes `allowPrivilegeEscalation` unset or `true` on any container, init container or ephemeral
container (Pod Security Standards Restricted, from 1.8); a Compose service without `security_opt:
[no-new-privileges:true]` (bare `no-new-privileges`, `=true`, `:1` ... count) or with it set to
false. From Kubernetes 1.25 a pod with `spec.os.name: windows` is exempt. A privileged container
always escalates (the API rejects `false` with `privileged: true`): a plain run leaves it to
`privileged-container`, `--profile pss-restricted` reports it as admission does. A Compose service
with neither `image` nor `build` (a layer patching a service another file defines) is judged only
on what it sets (an explicit `no-new-privileges:false`): what it leaves unset says nothing.
In a plain run (no `--profile`) a pod pinned to Windows nodes by `nodeSelector: {kubernetes.io/os:
windows}` is skipped too: the Linux setting does not exist there.

## Why is this bad?
Without `no_new_privs`, a setuid-root binary in the image turns any non-root foothold into root
in the container, the starting point of nearly every container escape. Kubernetes leaves
escalation allowed unless the field is explicitly `false`.

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
      allowPrivilegeEscalation: false
```
In Compose: `security_opt: ["no-new-privileges:true"]`.

## Fix safety
Safe. `isolint fix` sets `allowPrivilegeEscalation: false` on the container (Compose: adds
`no-new-privileges:true` to `security_opt`, or turns an explicit `false` into `true`). It only
stops setuid and file-capability binaries from raising privileges; a workload that needs that
(`sudo`, `ping` on old images) is rare and already needs a capability or root, which stay as they are.

## References
- Kubernetes Pod Security Standards, Restricted: "Privilege Escalation"
- CIS Kubernetes Benchmark 5.2.6 "Minimize the admission of containers with allowPrivilegeEscalation"
- CIS Docker Benchmark 5.26 "Ensure that the container is restricted from acquiring additional privileges"
"""

from collections.abc import Iterator

from isolint import Applicability, Container, Context, Finding, Fix, Format, Rule, Severity, Workload
from isolint.helpers import compose_fragment, is_privileged, is_true, pss_profile, windows_exempt

RULE = Rule(
    code="PRV004",
    name="privilege-escalation-allowed",
    severity=Severity.MEDIUM,
    summary="Container may gain privileges through setuid binaries (no_new_privs not set)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Privilege Escalation", "CIS Kubernetes 5.2.6", "CIS Docker 5.26"),
    fix=Applicability.SAFE,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.KUBERNETES and (not ctx.at_least(1, 8)
                                                 or windows_exempt(workload, ctx)):
        return
    fragment = compose_fragment(workload)  # what a fragment leaves unset says nothing; an explicit false does
    kubernetes = workload.format is Format.KUBERNETES
    setting, noun = ("allowPrivilegeEscalation", "container") if kubernetes else ("no-new-privileges", "service")
    leave_privileged = pss_profile(ctx.settings) is None
    for container in workload.containers:
        if leave_privileged and is_privileged(container):
            continue
        allowed = container.security.allow_privilege_escalation
        if allowed is None:
            if fragment:
                continue
            yield Finding(container.name or container, f"{noun} {container.display_name!r} does not set "
                          f"{setting}: setuid binaries can raise its privileges", container,
                          fix=_fix(container, kubernetes))
        elif is_true(allowed):
            yield Finding(allowed, f"{noun} {container.display_name!r} allows privilege escalation "
                          f"({allowed.text or setting + ': true'})", container, certain=allowed.certain,
                          fix=Fix.replace(allowed, False if kubernetes else "no-new-privileges:true"))


def _fix(container: Container, kubernetes: bool) -> Fix:
    if kubernetes:
        return Fix.set(container, "securityContext.allowPrivilegeEscalation", False)
    return Fix.append(container, "security_opt", "no-new-privileges:true")
