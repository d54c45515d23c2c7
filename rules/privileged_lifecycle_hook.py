"""## What it does
Flags a Compose lifecycle hook (`post_start`, `pre_stop`, `pre_start`) that runs privileged
(critical) or as root (`user: root`, `0`, `0:0`; medium). A hook inherits the service's user
when it sets none; only an explicit root user is reported here (`root-user` judges the service).

## Why is this bad?
Compose runs a hook like `docker exec` into the running container: `privileged: true` injects a
process with every capability and no confinement into the container's namespaces. Anything
that can influence the hook (image content, environment, files the container writes) then runs
with host-level power.

## Example
```yaml
services:
  app:
    post_start:
      - command: ./fix-permissions.sh
        privileged: true
```

## Use instead
Do the work at build time or in the service's own entrypoint, with the least privilege it
needs; if a hook must change ownership, give it `user:` of the owning account.

## References
- CIS Docker Benchmark 5.23 "Ensure that docker exec commands are not used with the privileged option"
- CIS Docker Benchmark 5.24 "Ensure that docker exec commands are not used with the user=root option"
- Compose specification: `post_start`, `pre_stop`
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true, user_is_root

RULE = Rule(
    code="PRV002",
    name="privileged-lifecycle-hook",
    severity=Severity.CRITICAL,
    summary="Compose lifecycle hook runs privileged or as root",
    formats=(Format.COMPOSE,),
    references=("CIS Docker 5.23", "CIS Docker 5.24", "Compose specification: lifecycle hooks"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        for hook in container.hooks:
            if is_true(hook.privileged):
                yield Finding(hook.privileged, f"{hook.kind} hook of {container.display_name!r} runs privileged",
                              container, certain=hook.privileged.certain)
            elif user_is_root(hook.user):
                yield Finding(hook.user, f"{hook.kind} hook of {container.display_name!r} runs as root "
                              f"({hook.user.value})", container, certain=hook.user.certain, severity=Severity.MEDIUM)
