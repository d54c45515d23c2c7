"""## What it does
Flags the deprecated seccomp and AppArmor annotations on a Kubernetes pod template
(`seccomp.security.alpha.kubernetes.io/pod`, `container.seccomp.security.alpha.kubernetes.io/*`,
`container.apparmor.security.beta.kubernetes.io/*`). Info, raised to low when the annotation
misleads: a seccomp annotation asking for `runtime/default`, `docker/default` or a
`localhost/` profile that no `seccompProfile` field backs (from Kubernetes 1.27 the kubelet
ignores the annotation and the container runs Unconfined), or an AppArmor annotation that
contradicts the `appArmorProfile` field of its container.

## Why is this bad?
A manifest can look hardened while the runtime applies no profile at all. Policy engines that
read only the fields (Pod Security admission from 1.19 for seccomp) also miss an annotation
that asks for `unconfined`.

## Example
```yaml
template:
  metadata:
    annotations:
      seccomp.security.alpha.kubernetes.io/pod: runtime/default
```

## Use instead
```yaml
template:
  spec:
    securityContext:
      seccompProfile:
        type: RuntimeDefault
```

## References
- Kubernetes: seccomp annotations deprecated in 1.19, no longer honoured by the kubelet from 1.27
- Kubernetes: AppArmor annotations deprecated since 1.30, use `securityContext.appArmorProfile`
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, KeyValue, Profile, Rule, Severity, Source, Workload

RULE = Rule(
    code="MAC007",
    name="deprecated-security-annotation",
    severity=Severity.INFO,
    summary="Deprecated seccomp or AppArmor annotation in use",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes seccomp annotations (deprecated 1.19)",
                "Kubernetes AppArmor annotations (deprecated 1.30)"),
)
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER = "container.apparmor.security.beta.kubernetes.io/"
ANNOTATION_TYPES = {"runtime/default": "RuntimeDefault", "docker/default": "RuntimeDefault", "unconfined": "Unconfined"}


def _profile_type(annotation: str) -> str | None:
    if annotation.startswith("localhost/"):
        return "Localhost"
    return ANNOTATION_TYPES.get(annotation)


def _seccomp_unbacked(workload: Workload, containers: list[Container]) -> bool:
    """No seccompProfile field reaches any of these containers (the annotation was their only source)."""
    return any(_set_by_field(workload, c, "seccomp") is None for c in containers)


def _set_by_field(workload: Workload, container: Container, name: str) -> Profile | None:
    """The profile a field sets for the container (its own, else the pod's): the parser also reads
    these annotations into the model, where no field is set."""
    for profile in (getattr(container.security, name), getattr(workload.security, name)):
        if profile is not None and profile.source is Source.FIELD:
            return profile
    return None


def _apparmor_contradicted(field: Profile | None, annotation: str) -> bool:
    if field is None:
        return False
    wanted = _profile_type(annotation)
    if wanted != field.type.value:
        return True
    return wanted == "Localhost" and field.localhost is not None and \
        field.localhost.value != annotation.removeprefix("localhost/")


def _judge(workload: Workload, kv: KeyValue, ctx: Context) -> tuple[str, Severity] | None:
    key, value = kv.key.value, kv.value.value.strip()
    by_name = {c.name.value: c for c in workload.containers if c.name is not None}
    if key == SECCOMP_POD or key.startswith(SECCOMP_CONTAINER):
        targets = list(workload.containers) if key == SECCOMP_POD else \
            [c for n, c in by_name.items() if n == key.removeprefix(SECCOMP_CONTAINER)]
        if _profile_type(value) in ("RuntimeDefault", "Localhost") and ctx.at_least(1, 27) \
                and _seccomp_unbacked(workload, targets):
            return (f"seccomp annotation {value!r} is ignored from Kubernetes 1.27 and no seccompProfile field "
                    "backs it: the container runs Unconfined", Severity.LOW)
        return f"deprecated seccomp annotation ({value!r}): use securityContext.seccompProfile", Severity.INFO
    if key.startswith(APPARMOR_CONTAINER):
        container = by_name.get(key.removeprefix(APPARMOR_CONTAINER))
        field = _set_by_field(workload, container, "apparmor") if container is not None else None
        if isinstance(field, Profile) and _apparmor_contradicted(field, value):
            return (f"AppArmor annotation {value!r} contradicts the appArmorProfile field ({field.type.value})",
                    Severity.LOW)
        return f"deprecated AppArmor annotation ({value!r}): use securityContext.appArmorProfile", Severity.INFO
    return None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for kv in workload.annotations:
        judged = _judge(workload, kv, ctx)
        if judged is not None:
            message, severity = judged
            yield Finding(kv.key, message, severity=severity)
