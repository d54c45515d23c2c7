"""## What it does
Flags a container whose runtime-masked kernel paths are exposed: Kubernetes
`securityContext.procMount` set to anything but `Default` (that is, `Unmasked`) on any
container, init container or ephemeral container; Compose `security_opt: [systempaths=unconfined]`
(only that exact spelling is honoured by Docker).

From Kubernetes 1.35 Pod Security Standards Baseline allows any `procMount` in a pod with
`hostUsers: false` (its own user namespace), while Restricted still requires `Default`: under
`--profile pss-baseline` such a pod is not reported, under `pss-restricted` it is, and a plain run
reports it at medium severity.

## Why is this bad?
Runtimes mask `/proc/kcore`, `/proc/sysrq-trigger`, `/proc/keys`, `/sys/firmware` ... and mount
`/proc/sys` read-only. Unmasking them hands the container direct knobs on the host kernel
(sysrq, `core_pattern`, kernel memory).

## Example
```yaml
securityContext:
  procMount: Unmasked
```

## Use instead
Leave `procMount` unset (or `Default`); nested-container workloads that need it belong in a pod
with `hostUsers: false`, or in a sandboxed runtime.

## References
- Kubernetes Pod Security Standards, Baseline: "/proc Mount Type"
- Kubernetes Pod Security Standards, Restricted: "/proc Mount Type" (1.35+)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_false, is_true, pss_profile

RULE = Rule(
    code="MAC005",
    name="masked-paths-disabled",
    severity=Severity.HIGH,
    summary="Masked and read-only kernel paths (/proc, /sys) are exposed to the container",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    profiles=("pss-baseline",),
    references=("PSS Baseline: /proc Mount Type", "PSS Restricted: /proc Mount Type"),
)


def _own_user_namespace(workload: Workload) -> bool:
    return is_false(workload.host_users)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.COMPOSE:
        for container in workload.containers:
            unmasked = container.security.masked_paths_disabled
            if is_true(unmasked):
                yield Finding(unmasked, f"service {container.display_name!r} unmasks /proc and /sys paths "
                              "(systempaths=unconfined)", container, certain=unmasked.certain)
        return
    user_namespaced = _own_user_namespace(workload)
    if user_namespaced and ctx.at_least(1, 35) and pss_profile(ctx.settings) == "pss-baseline":
        return
    for container in workload.containers:
        proc_mount = container.security.proc_mount
        if proc_mount is not None and proc_mount.value != "Default":
            yield Finding(proc_mount, f"container {container.display_name!r} sets procMount: {proc_mount.value}",
                          container, certain=proc_mount.certain,
                          severity=Severity.MEDIUM if user_namespaced else None)
