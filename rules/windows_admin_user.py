"""## What it does
Flags a Kubernetes Windows container set to run as an administrator:
`windowsOptions.runAsUserName` of `ContainerAdministrator` or `NT AUTHORITY\\SYSTEM` (any case)
at the pod or a container level. HostProcess containers, which must run as a host account, are
reported by `windows-host-process` instead. (A Dockerfile `USER ContainerAdministrator` or
Compose `user: ContainerAdministrator` is reported by `root-user`.)

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

RULE = Rule(
    code="USR006",
    name="windows-admin-user",
    severity=Severity.LOW,
    summary="Windows container runs as ContainerAdministrator or SYSTEM",
    formats=(Format.KUBERNETES,),
    references=("Kubernetes runAsUserName", "PSS Restricted: Running as Non-root"),
)
ADMINISTRATORS = ("containeradministrator", "nt authority\\system")


def _host_process(workload: Workload, container: Container) -> bool:
    value = workload.effective(container, "windows_host_process")
    return getattr(value, "value", None) is True


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    setters = [(workload.security, None), *((c.security, c) for c in workload.containers)]
    for security, container in setters:
        user = security.windows_run_as_user_name
        if user is None or user.value.strip().lower() not in ADMINISTRATORS:
            continue
        targets = [container] if container is not None else list(workload.containers)
        if targets and all(_host_process(workload, c) for c in targets):
            continue
        who = f"container {container.display_name!r}" if container is not None else "pod"
        yield Finding(user, f"{who} runs as the Windows administrator {user.value!r}", container,
                      certain=user.certain)
