"""## What it does
Flags a Compose service that shares the host's UTS namespace (`uts: host`). Kubernetes has no
such field: a `hostNetwork` pod shares the node's hostname and is reported by `host-network`.

## Why is this bad?
The container sees the host's hostname and domain name and, with `SYS_ADMIN`, can change them
for the whole host. It removes one more namespace layer and breaks the host identity that
logging, clustering and licensing software rely on.

## Example
```yaml
services:
  agent:
    uts: host
```

## Use instead
Remove `uts: host`; set the name the container should see with `hostname:`.

## References
- CIS Docker Benchmark 5.21 "Ensure the host's UTS namespace is not shared"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS004",
    name="host-uts",
    severity=Severity.MEDIUM,
    summary="Service shares the host's UTS namespace (hostname)",
    formats=(Format.COMPOSE,),
    references=("CIS Docker 5.21",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    value = workload.host_uts
    if is_true(value):
        yield Finding(value, "service shares the host's UTS namespace (uts: host)", certain=value.certain)
