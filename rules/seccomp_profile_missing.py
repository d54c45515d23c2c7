"""## What it does
Flags a Kubernetes container that requests no seccomp profile: the pod's
`securityContext.seccompProfile.type` is not `RuntimeDefault` or `Localhost`, and the container
(init and ephemeral containers included) sets no `seccompProfile` of its own. Judged from 1.19 on
the fields only, as Pod Security admission does; from 1.25 a pod with `spec.os.name: windows` is
exempt. A profile set only through the deprecated seccomp annotations does not count: current
kubelets ignore them. An explicit `Unconfined` is reported by `seccomp-unconfined` instead.
In a plain run (no `--profile`) a pod pinned to Windows nodes by `nodeSelector: {kubernetes.io/os:
windows}` is skipped too: the Linux setting does not exist there.

## Why is this bad?
Unlike Docker, Kubernetes runs containers with no seccomp filter at all unless the manifest asks
for one (or every node enables the kubelet's `seccompDefault`). The full syscall surface of the
shared kernel is then open to the workload.

## Example
```yaml
spec:
  containers:
    - name: app
      image: nginx
```

## Use instead
```yaml
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: nginx
```

## Fix safety
Safe. `isolint fix` sets `seccompProfile: {type: RuntimeDefault}` once in the pod's
`securityContext` (one pod-level setting serves every container; a container's own profile still
wins). The runtime's default profile blocks only system calls that containers do not normally make
(Docker has applied it to every container since 1.10).

## References
- Kubernetes Pod Security Standards, Restricted: "Seccomp"
- CIS Kubernetes Benchmark 5.6.2 "Ensure that the seccomp profile is set to docker/default in your pod definitions"
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Profile, Rule, Severity, Source, Workload
from isolint.helpers import windows_exempt

RULE = Rule(
    code="MAC002",
    name="seccomp-profile-missing",
    severity=Severity.MEDIUM,
    summary="Container requests no seccomp profile: Kubernetes runs it unconfined",
    formats=(Format.KUBERNETES,),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Seccomp", "CIS Kubernetes 5.6.2"),
    fix=Applicability.SAFE,
)
CONFINED_TYPES = ("RuntimeDefault", "Localhost")


def _field(profile: Profile | None) -> Profile | None:
    """The profile a field sets: the deprecated annotations are not read by current kubelets."""
    return profile if profile is not None and profile.source is Source.FIELD else None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if not ctx.at_least(1, 19) or windows_exempt(workload, ctx):
        return
    pod = _field(workload.security.seccomp)
    if pod is not None and pod.type.value in CONFINED_TYPES:
        return
    for container in workload.containers:
        if _field(container.security.seccomp) is None:
            yield Finding(container.name or container, f"container {container.display_name!r} sets no seccomp profile "
                          "and its pod sets no RuntimeDefault or Localhost one", container,
                          fix=None if pod is not None else Fix.set(
                              container, "securityContext.seccompProfile.type", "RuntimeDefault", pod=True))
