"""## What it does
Flags a Compose service that mounts the cgroup filesystem writable:
`security_opt: [writable-cgroups]`, `writable-cgroups=true` or any spelling Go's
`ParseBool` reads as true (`writable-cgroups:1`).

## Why is this bad?
A writable cgroupfs lets the container change its own resource limits, escaping the accounting
that protects its neighbours, and on cgroup v1 it is the precondition of `release_agent`
escapes (CVE-2022-0492).

## Example
```yaml
services:
  runner:
    security_opt:
      - writable-cgroups=true
```

## Use instead
Remove the option; a program that must manage cgroups (a nested container engine) belongs in a
VM or a sandboxed runtime.

## References
- Docker reference: `--security-opt writable-cgroups`
- CVE-2022-0492 (cgroup v1 release_agent)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="MAC006",
    name="writable-cgroups",
    severity=Severity.MEDIUM,
    summary="Service mounts the cgroup filesystem writable",
    formats=(Format.COMPOSE,),
    references=("Docker --security-opt writable-cgroups", "CVE-2022-0492"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        value = container.security.writable_cgroups
        if is_true(value):
            yield Finding(value, "service mounts the cgroup filesystem writable (writable-cgroups)", container,
                          certain=value.certain)
