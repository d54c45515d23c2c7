"""## What it does
Flags a Compose service placed under a parent cgroup of its own choosing (`cgroup_parent`).

## Why is this bad?
Containers normally live in the cgroup subtree the engine manages, under the limits and
accounting the operator set. An arbitrary parent can move the container out of those limits
(or into the slice of another service), undermining the resource half of isolation: one
container can starve its neighbours.

## Example
```yaml
services:
  worker:
    cgroup_parent: m-executor-abcd
```

## Use instead
Remove `cgroup_parent` and bound the service with `deploy.resources.limits` (memory, CPUs, PIDs).

## References
- CIS Docker Benchmark "Ensure that cgroup usage is confirmed" (check 5.24 in docker-bench-security)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS007",
    name="custom-cgroup-parent",
    severity=Severity.LOW,
    summary="Service runs under a custom parent cgroup",
    formats=(Format.COMPOSE,),
    references=("CIS Docker: cgroup usage is confirmed",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    parent = workload.cgroup_parent
    if parent is not None and parent.value.strip():
        yield Finding(parent, f"service runs under the custom parent cgroup {parent.value!r}", certain=parent.certain)
