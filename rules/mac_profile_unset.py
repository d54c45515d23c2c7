"""## What it does
Reports a container for which no AppArmor profile and no SELinux options are set anywhere that
applies to it, so its mandatory access control is whatever the node or the Docker daemon
defaults to. Kubernetes: no `appArmorProfile` and no `seLinuxOptions` on the container or its
pod (a deprecated `container.apparmor.security.beta.kubernetes.io/<name>` annotation counts as
set). Compose: no `apparmor=` and no `label=` entry in `security_opt`. A Dockerfile cannot set
either, so it is not judged. Privileged containers (AppArmor and SELinux confinement are off
whatever is set; `privileged-container` reports them), an explicit `Unconfined` or
`label=disable` (`apparmor-unconfined`, `selinux-label-override`), Windows workloads (pinned by
`spec.os.name` or the node selector) and Compose fragments (a service with neither `image` nor
`build`) are left out.

Severity and default, chosen with the gate in mind: on a trusted workload this is a hardening
gap that the node's default usually closes (containerd and CRI-O apply `RuntimeDefault` AppArmor
on AppArmor hosts, `container_t` with a per-pod MCS label on SELinux hosts; Docker applies
`docker-default`), and reporting every unannotated container would fail nearly every real
workload for a default nobody set. So, like `missing-resource-limits`, only untrusted and
multi-tenant workloads are checked by default, where the finding is raised to medium: their
isolation must not depend on how each node happens to be configured. Set the option
`all_workloads` to check every workload at low (the CIS Docker and Polaris/Kubescape reading).

## Why is this bad?
AppArmor and SELinux are the mandatory-access-control layer under namespaces and capabilities:
they deny writes to `/proc/sys` and `/sys`, `mount`, and access to host files even to container
root. A workload that names no profile gets one only if the node has an LSM enabled and the
runtime applies its default; on a node without AppArmor or with SELinux permissive it runs with
no MAC at all, and a reviewer cannot tell which from the manifest.

## Example
```yaml
spec:
  containers:
    - name: notebook
      image: quay.io/jupyter/base-notebook:2024-10-01
```

## Use instead
```yaml
spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
  containers:
    - name: notebook
      image: quay.io/jupyter/base-notebook:2024-10-01
```
In Compose: `security_opt: ["apparmor=docker-default"]` (or `label=type:container_t` on SELinux hosts).

## References
- CIS Docker Benchmark 5.2 "Ensure that, if applicable, an AppArmor Profile is enabled" (5.1 before v1.6.0)
- CIS Docker Benchmark 5.3 "Ensure that, if applicable, SELinux security options are set" (5.2 before v1.6.0)
- Polaris and Kubescape: "Linux hardening" (AppArmor, SELinux, seccomp or dropped capabilities set)
- Kubernetes: "Restrict a Container's Access to Resources with AppArmor"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Role, Rule, Severity, Workload
from isolint.helpers import compose_fragment, is_privileged, runs_windows, windows_exempt

RULE = Rule(
    code="MAC009",
    name="mac-profile-unset",
    severity=Severity.LOW,
    summary="No AppArmor profile or SELinux options: confinement is left to the node or daemon default",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.2", "CIS Docker 5.3", "Polaris/Kubescape: Linux hardening"),
    options={"all_workloads": False},
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if not ctx.options["all_workloads"] and not ctx.trust(workload).escalates:
        return
    if runs_windows(workload) or compose_fragment(workload) \
            or (workload.format is Format.KUBERNETES and windows_exempt(workload, ctx)):
        return
    for container in workload.containers:
        if container.role is Role.EPHEMERAL or is_privileged(container):
            continue
        if any(workload.effective(container, name) is not None for name in ("apparmor", "selinux")):
            continue
        how = "appArmorProfile or seLinuxOptions" if workload.format is Format.KUBERNETES else \
            "security_opt apparmor= or label="
        yield Finding(container.name or container, f"container {container.display_name!r} sets no {how}: its "
                      "AppArmor/SELinux confinement is whatever the node or daemon defaults to", container)
