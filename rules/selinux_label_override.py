"""## What it does
Flags SELinux separation switched off or replaced by a custom label. Kubernetes:
`securityContext.seLinuxOptions` at the pod level or on any container with a `type` outside
`container_t`, `container_init_t`, `container_kvm_t` (and `container_engine_t` from 1.31), or
with a non-empty `user` or `role`; any setter counts, as Pod Security admission judges it
(`level` is free). Compose: `security_opt` `label=disable` (also `label:disable` and bare
`disable`), and `label=type:`, `label=user:` or `label=role:`. A type that is not a `container_*`
type (`spc_t`, `unconfined_t`) or disabled labelling is high; other custom labels are medium.

## Why is this bad?
On SELinux hosts the `container_t` type and the per-container MCS level are what keep a
container away from host files and from other containers. `spc_t` ("super privileged
container") or disabled labelling removes that separation.

## Example
```yaml
services:
  app:
    security_opt:
      - label=type:spc_t
```

## Use instead
Leave the label to the runtime; set only `level` when several containers must share files.

## References
- Kubernetes Pod Security Standards, Baseline: "SELinux"
- CIS Docker Benchmark 5.3 "Ensure that, if applicable, SELinux security options are set"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, SELinux, Severity, Workload
from isolint.helpers import is_true, security_setters

RULE = Rule(
    code="MAC004",
    name="selinux-label-override",
    severity=Severity.HIGH,
    summary="SELinux labelling is disabled or replaced by a custom type, user or role",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: SELinux", "CIS Docker 5.3"),
)
# check_seLinuxOptions.go: the types a pod may request, and the version each is allowed from
ALLOWED_TYPES: dict[str, tuple[int, int]] = {
    "": (1, 0),
    "container_t": (1, 0),
    "container_init_t": (1, 0),
    "container_kvm_t": (1, 0),
    "container_engine_t": (1, 31),
}


def _type_allowed(selinux_type: str, workload: Workload, ctx: Context) -> bool:
    if workload.format is not Format.KUBERNETES:
        return selinux_type in ALLOWED_TYPES
    since = ALLOWED_TYPES.get(selinux_type)
    return since is not None and ctx.at_least(*since)


def _problems(selinux: SELinux, workload: Workload, ctx: Context) -> Iterator[Finding]:
    if is_true(selinux.disabled):
        yield Finding(selinux.disabled, "SELinux labelling is disabled", certain=selinux.disabled.certain)
    if selinux.type is not None and not _type_allowed(selinux.type.value, workload, ctx):
        unconfined = not selinux.type.value.startswith("container_")
        yield Finding(selinux.type, f"SELinux type {selinux.type.value!r}"
                      + (" runs unconfined by container policy" if unconfined else " is not a default container type"),
                      certain=selinux.type.certain, severity=None if unconfined else Severity.MEDIUM)
    for field, value in (("user", selinux.user), ("role", selinux.role)):
        if value is not None and value.value:
            yield Finding(value, f"custom SELinux {field} {value.value!r}", certain=value.certain,
                          severity=Severity.MEDIUM)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for security, container in security_setters(workload):
        if security.selinux is None:
            continue
        who = "pod" if container is None else f"container {container.display_name!r}"
        for finding in _problems(security.selinux, workload, ctx):
            yield Finding(finding.node, f"{who}: {finding.message}", container, certain=finding.certain,
                          severity=finding.severity)
