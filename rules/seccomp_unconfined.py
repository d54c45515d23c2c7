"""## What it does
Flags seccomp explicitly switched off. Kubernetes: `securityContext.seccompProfile.type` set to
anything but `RuntimeDefault` or `Localhost` (that is, `Unconfined`) at the pod level or on any
container, init container or ephemeral container; any setter counts, as Pod Security admission
judges it, even when every container overrides a bad pod value. The deprecated
`seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<name>`
annotations (allowed: `runtime/default`, `docker/default`, `localhost/...`), which the parser
reads where no field is set, are judged at every version in a plain run (an annotation-only
`unconfined` asks for no filter); under `--profile`, as admission does, only before 1.19, and the
fields only from 1.19. Compose: `security_opt` `seccomp=unconfined`
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

from isolint import Context, Finding, Format, Profile, Rule, Severity, Source, Workload
from isolint.helpers import pss_profile, unconfined_profiles

RULE = Rule(
    code="MAC001",
    name="seccomp-unconfined",
    severity=Severity.HIGH,
    summary="seccomp is explicitly disabled",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Seccomp", "CIS Docker 5.22", "CIS Kubernetes 5.6.2"),
)


def _judged(profile: Profile, workload: Workload, ctx: Context) -> bool:
    """Pod Security admission judges the annotations before 1.19 and the fields from 1.19; a plain run
    also judges an annotation-only ``unconfined`` at every version (catalogue E6: the manifest asks
    for no filter, and policy engines that read only fields miss it)."""
    if workload.format is not Format.KUBERNETES:
        return True
    if profile.source is Source.ANNOTATION:
        return not ctx.at_least(1, 19) or pss_profile(ctx.settings) is None
    return ctx.at_least(1, 19)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for profile, container in unconfined_profiles(workload, "seccomp"):
        if not _judged(profile, workload, ctx):
            continue
        who = "pod" if container is None else f"container {container.display_name!r}"
        spelling = profile.type.text or f"seccompProfile.type: {profile.type.value}"
        yield Finding(profile.type, f"{who} runs without seccomp ({spelling})", container,
                      certain=profile.type.certain)
