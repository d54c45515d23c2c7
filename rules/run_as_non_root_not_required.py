"""## What it does
Flags a Kubernetes pod whose containers are not required to run as a non-root user:
`runAsNonRoot` is explicitly `false` at the pod or a container level, or neither the pod nor
every container (init and ephemeral included) sets it to `true`. Judged exactly as the Pod
Security admission controller does under `--profile`: a non-zero `runAsUser` is not a substitute.
In a plain run a container whose `runAsUser` (its own, else the pod's) is a non-zero UID is not
reported for the missing `runAsNonRoot`: it cannot start as UID 0 (an explicit `false` still is).
From Kubernetes 1.35 a pod with `hostUsers: false` (its own user namespace) is exempt.

## Why is this bad?
Without `runAsNonRoot: true` the kubelet starts whatever user the image declares, and for most
images that is UID 0. Root in the container owns every host file, device or kernel interface
that leaks through the other layers, and most escape exploits start from root.

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
    runAsNonRoot: true
    runAsUser: 10001
```

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` sets `runAsNonRoot: true` in the pod's `securityContext`
(or turns a container's explicit `false` into `true`). An image whose user is root then fails to
start until the pod sets `runAsUser` or the image a non-root `USER`.

## References
- Kubernetes Pod Security Standards, Restricted: "Running as Non-root"
- CIS Kubernetes Benchmark 5.2.7 "Minimize the admission of root containers"
"""

from collections.abc import Iterator

from isolint import Applicability, Container, Context, Finding, Fix, Format, Rule, Severity, Workload
from isolint.helpers import is_false, is_true, pss_profile

RULE = Rule(
    code="USR001",
    name="run-as-non-root-not-required",
    severity=Severity.MEDIUM,
    summary="Pod does not require its containers to run as a non-root user",
    formats=(Format.KUBERNETES,),
    profiles=("pss-restricted",),
    references=("PSS Restricted: Running as Non-root", "CIS Kubernetes 5.2.7"),
    fix=Applicability.UNSAFE,
)


def _non_root_uid(workload: Workload, container: Container) -> bool:
    """The container's effective runAsUser is a non-zero UID: the kubelet starts it as that user."""
    user = workload.effective(container, "run_as_user")
    return isinstance(getattr(user, "value", None), int) and user.value != 0  # type: ignore[union-attr]


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if ctx.at_least(1, 35) and is_false(workload.host_users):
        return
    pod = workload.security.run_as_non_root
    if is_false(pod):
        yield Finding(pod, "pod sets runAsNonRoot: false", fix=Fix.replace(pod, True))
    pod_requires = is_true(pod)
    plain = pss_profile(ctx.settings) is None
    for container in workload.containers:
        own = container.security.run_as_non_root
        if own is not None:
            if is_false(own):
                yield Finding(own, f"container {container.display_name!r} sets runAsNonRoot: false", container,
                              fix=Fix.replace(own, True))
        elif not pod_requires and not (plain and _non_root_uid(workload, container)):
            yield Finding(container.name or container, f"container {container.display_name!r} may run as root: "
                          "runAsNonRoot is not true for it or its pod", container,
                          fix=None if pod is not None else Fix.set(
                              container, "securityContext.runAsNonRoot", True, pod=True))
