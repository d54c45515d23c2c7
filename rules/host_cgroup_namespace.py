"""## What it does
Flags a Compose service that uses the host's cgroup namespace (`cgroup: host`).

## Why is this bad?
The container sees the whole host cgroup hierarchy, with the paths of every other container
and host service, instead of its own subtree. Combined with writable cgroups or `SYS_ADMIN` it
enables cgroup-based escapes such as `release_agent` abuse on cgroup v1.

## Example
```yaml
services:
  monitor:
    cgroup: host
```

## Use instead
Remove `cgroup: host` (or set `cgroup: private`); monitoring agents that need the host view
belong on the host or in a dedicated, reviewed deployment.

## References
- CIS Docker Benchmark "Ensure that cgroup usage is confirmed" (closest)
- Docker reference: `--cgroupns`
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS006",
    name="host-cgroup-namespace",
    severity=Severity.MEDIUM,
    summary="Service uses the host's cgroup namespace (cgroup: host)",
    formats=(Format.COMPOSE,),
    references=("Docker --cgroupns", "CIS Docker: cgroup usage is confirmed (closest)"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_cgroup
    if is_true(value):
        yield Finding(value, "service sees the host's cgroup hierarchy (cgroup: host)", certain=value.certain)
