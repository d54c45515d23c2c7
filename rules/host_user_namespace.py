"""## What it does
Flags a Compose service that opts out of user-namespace remapping with `userns_mode: host`.
(The Kubernetes twin, a pod without `hostUsers: false`, is judged by the runtime-isolation
rules, since it is the Kubernetes default.)

## Why is this bad?
When the Docker daemon runs with `userns-remap`, container UID 0 maps to an unprivileged host
UID. `userns_mode: host` turns that off for the service: its root is the host's root again for
every file, device or kernel object it can reach through a mount or a bug.

## Example
```yaml
services:
  backup:
    userns_mode: host
```

## Use instead
Remove `userns_mode: host`; give the service the access it needs through its own remapped user
(ownership of the volume it writes).

## References
- CIS Docker Benchmark 5.31 "Ensure that the host's user namespaces are not shared"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS005",
    name="host-user-namespace",
    severity=Severity.MEDIUM,
    summary="Service opts out of user-namespace remapping (userns_mode: host)",
    formats=(Format.COMPOSE,),
    references=("CIS Docker 5.31",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    mode = workload.userns_mode
    if mode is not None and mode.value.strip() == "host":
        yield Finding(mode, "service shares the host's user namespace: its root is the host's root",
                      certain=mode.certain)
