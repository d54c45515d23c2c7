"""## What it does
Flags a host port below 1024 given to a container: a Compose published port (any port of a
published range) and a Kubernetes `hostPort`. Off by default: binding a reverse proxy to ports
80 and 443 is the normal way to serve a site; select it for CIS Docker 5.8 audits. Option
`threshold` (default 1024) sets the first port that is not flagged; docker-bench flags 1024
too (use 1025 for parity).

## Why is this bad?
Ports below 1024 are reserved for root on the host, and host-side clients and tooling trust
them as system services. A container that takes one can impersonate such a service on the
host's address.

## Example
```yaml
services:
  app:
    ports:
      - "22:2222"
```

## Use instead
Publish on an unprivileged host port (`"2222:2222"`), or put the service behind a reverse proxy
that owns ports 80 and 443.

## References
- CIS Docker Benchmark 5.8 "Ensure that privileged ports are not mapped within containers"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS011",
    name="privileged-host-port",
    severity=Severity.LOW,
    summary="Container is given a privileged host port (< 1024)",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.8",),
    default=False,
    options={"threshold": 1024},
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    threshold = int(ctx.options["threshold"])
    for container in workload.containers:
        for port in container.ports:
            first = port.host_port
            if first is None or not 0 < first.value < threshold:
                continue
            end = f"-{port.host_port_end.value}" if port.host_port_end is not None else ""
            node = first if workload.format is Format.KUBERNETES else port
            yield Finding(node, f"host port {first.value}{end} is below {threshold}", container,
                          certain=first.certain)
