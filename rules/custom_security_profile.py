"""## What it does
Points at every custom seccomp or AppArmor profile a workload relies on, for review:
Kubernetes `seccompProfile` / `appArmorProfile` of type `Localhost` (pod or container level),
Compose `security_opt: seccomp=<file.json>` and `apparmor=<profile>` (anything but
`unconfined`, `builtin` and `docker-default`). Info: custom profiles are usually a hardening
step. (A deprecated `localhost/` annotation is reported by `deprecated-security-annotation`.)

## Why is this bad?
Admission accepts any localhost profile by name, and the linter cannot see profiles that live
on the node: a permissive custom profile (default action allow, `mount`, `unshare`, `bpf`,
`ptrace` allowed) passes every check while providing no protection.

## Example
```yaml
securityContext:
  seccompProfile:
    type: Localhost
    localhostProfile: profiles/audit.json
```

## Use instead
Keep `RuntimeDefault` unless the workload needs a tighter profile, and review custom profiles
like code: they belong in the same repository, with a default action that denies.

## References
- Kubernetes Pod Security Standards, Baseline: "Seccomp", "AppArmor" (Localhost allowed)
- Kubernetes: "Restrict a Container's Syscalls with seccomp"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Profile, Rule, SecurityContext, Severity, Source, Workload

RULE = Rule(
    code="MAC008",
    name="custom-security-profile",
    severity=Severity.INFO,
    summary="Custom (Localhost / file) seccomp or AppArmor profile to review",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("PSS Baseline: Seccomp, AppArmor",),
)


def _custom(security: SecurityContext) -> Iterator[tuple[str, Profile]]:
    for kind, profile in (("seccomp", security.seccomp), ("AppArmor", security.apparmor)):
        if profile is not None and profile.type.value == "Localhost" and profile.source is Source.FIELD:
            yield kind, profile


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for kind, profile in _custom(workload.security):
        name = profile.localhost.value if profile.localhost is not None else "?"
        yield Finding(profile, f"pod uses the custom {kind} profile {name!r}: review it", certain=profile.type.certain)
    for container in workload.containers:
        for kind, profile in _custom(container.security):
            name = profile.localhost.value if profile.localhost is not None else "?"
            yield Finding(profile, f"container {container.display_name!r} uses the custom {kind} profile {name!r}: "
                          "review it", container, certain=profile.type.certain)
