"""## What it does
Flags a Windows container set to run as an administrator, `ContainerAdministrator` or
`NT AUTHORITY\\SYSTEM` (any case), graded alike in every format: Kubernetes
`windowsOptions.runAsUserName` at the pod or a container level, Compose `user`, and a Dockerfile
whose target stage ends with that `USER` (also for the Compose service that builds it without a
`user` of its own). HostProcess containers, which must run as a host account, are reported by
`windows-host-process` instead. `root-user` keeps UID 0 / `root`.

## Why is this bad?
Windows containers on Kubernetes use process isolation: they share the node's kernel with no VM
behind them. An administrator inside reaches far more of that kernel and of the node's objects
than `ContainerUser` does.

## Example
```yaml
securityContext:
  windowsOptions:
    runAsUserName: ContainerAdministrator
```

## Use instead
```yaml
securityContext:
  windowsOptions:
    runAsUserName: ContainerUser
```

## References
- Kubernetes: "Configure RunAsUserName for Windows pods and containers"
- Kubernetes Pod Security Standards, Restricted: "Running as Non-root" (Windows user names)
"""

from collections.abc import Iterator

from isolint import Container, Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import windows_administrator

RULE = Rule(
    code="USR006",
    name="windows-admin-user",
    severity=Severity.LOW,
    summary="Windows container runs as ContainerAdministrator or SYSTEM",
    formats=(Format.KUBERNETES, Format.COMPOSE, Format.DOCKERFILE),
    references=("Kubernetes runAsUserName", "PSS Restricted: Running as Non-root"),
)


def _host_process(workload: Workload, container: Container) -> bool:
    value = workload.effective(container, "windows_host_process")
    return getattr(value, "value", None) is True


def _images(workload: Workload) -> Iterator[Finding]:
    """Compose ``user`` and a Dockerfile's final ``USER`` (the Compose service building it included)."""
    stage = workload.target_stage
    for container in workload.containers:
        user = container.security.run_as_user
        if windows_administrator(user):
            yield Finding(user, f"container {container.display_name!r} runs as the Windows administrator "
                          f"{user.value!r}", container, certain=user.certain)
        elif user is None and workload.build is not None and stage is not None \
                and windows_administrator(stage.effective_user):
            yield Finding(workload.build, f"service {container.display_name!r} sets no user and the image it builds "
                          f"ends with USER {stage.effective_user.value}, a Windows administrator", container,
                          related=((stage.effective_user.loc, "USER instruction"),))


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is not Format.KUBERNETES:
        yield from _images(workload)
        return
    setters = [(workload.security, None), *((c.security, c) for c in workload.containers)]
    for security, container in setters:
        user = security.windows_run_as_user_name
        if not windows_administrator(user):
            continue
        targets = [container] if container is not None else list(workload.containers)
        if targets and all(_host_process(workload, c) for c in targets):
            continue
        who = f"container {container.display_name!r}" if container is not None else "pod"
        yield Finding(user, f"{who} runs as the Windows administrator {user.value!r}", container,
                      certain=user.certain)
