"""## What it does
Flags seccomp explicitly switched off. Kubernetes: `securityContext.seccompProfile.type` set to
anything but `RuntimeDefault` or `Localhost` (that is, `Unconfined`) at the pod level or on any
container, init container or ephemeral container; any setter counts, as Pod Security admission
judges it, even when every container overrides a bad pod value. From 1.19 only the fields are
judged; for an older `--kubernetes-version` the `seccomp.security.alpha.kubernetes.io/pod` and
`container.seccomp.security.alpha.kubernetes.io/<name>` annotations are judged instead (allowed:
`runtime/default`, `docker/default`, `localhost/...`). Compose: `security_opt` `seccomp=unconfined`
or `seccomp:unconfined`.

## Why is this bad?
seccomp blocks the rarely needed system calls (`unshare`, `keyctl`, `bpf`, `userfaultfd`, ...)
most kernel exploits rely on. Without it the whole shared-kernel syscall surface is exposed to
the workload.

## Example
```yaml
securityContext:
  seccompProfile:
    type: Unconfined
```

## Use instead
```yaml
securityContext:
  seccompProfile:
    type: RuntimeDefault
```
In Compose, drop `seccomp=unconfined` (Docker applies its default profile), or point it at a
profile that allows the extra calls the workload needs.

## References
- Kubernetes Pod Security Standards, Baseline: "Seccomp"
- CIS Docker Benchmark 5.22 "Ensure that the default seccomp profile is not disabled"
- CIS Kubernetes Benchmark 5.6.2 "Ensure that the seccomp profile is set to docker/default in your pod definitions"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import unconfined_profiles

RULE = Rule(
    code="MAC001",
    name="seccomp-unconfined",
    severity=Severity.HIGH,
    summary="seccomp is explicitly disabled",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Seccomp", "CIS Docker 5.22", "CIS Kubernetes 5.6.2"),
)
POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _confined_annotation(value: str) -> bool:
    return value in ("runtime/default", "docker/default") or value.startswith("localhost/")


def _annotations(workload: Workload) -> Iterator[Finding]:
    """Pod Security admission before 1.19: the alpha annotations, for the pod and each named container."""
    pod = workload.annotation(POD_ANNOTATION)
    if pod is not None and not _confined_annotation(pod.value):
        yield Finding(pod, f"annotation {POD_ANNOTATION}: {pod.value!r} disables seccomp for the pod")
    for container in workload.containers:
        key = CONTAINER_ANNOTATION + container.display_name
        value = workload.annotation(key)
        if value is not None and not _confined_annotation(value.value):
            yield Finding(value, f"annotation {key}: {value.value!r} disables seccomp", container)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.KUBERNETES and not ctx.at_least(1, 19):
        yield from _annotations(workload)
        return
    for profile, container in unconfined_profiles(workload, "seccomp"):
        who = "pod" if container is None else f"container {container.display_name!r}"
        spelling = profile.type.text or f"seccompProfile.type: {profile.type.value}"
        yield Finding(profile.type, f"{who} runs without seccomp ({spelling})", container,
                      certain=profile.type.certain)
