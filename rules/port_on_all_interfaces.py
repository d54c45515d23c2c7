"""## What it does
Flags a Compose published port that listens on every host interface: no host address
(`"8080:80"`, and `"80"`, which publishes on a random host port), or `0.0.0.0` / `::` /
`[::]`, in short and long syntax, ranges included. A port that is only an unset variable
(`"${AD_PORT}"`) publishes whatever it holds on all interfaces: reported with low confidence.
Services on the host's network are left to `host-network`; `expose:` publishes nothing and is
never flagged.

## Why is this bad?
Docker publishes such ports on all interfaces, public ones included, and inserts its own
firewall rules ahead of host firewalls such as ufw or firewalld. A database or admin port
meant for the local machine becomes reachable from every network the host is on.

## Example
```yaml
services:
  db:
    ports:
      - "5432:5432"
```

## Use instead
```yaml
services:
  db:
    ports:
      - "127.0.0.1:5432:5432"
```

## References
- CIS Docker Benchmark 5.14 "Ensure that incoming container traffic is bound to a specific host interface"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Port, Rule, Severity, Workload
from isolint.helpers import is_true

RULE = Rule(
    code="NS010",
    name="port-on-all-interfaces",
    severity=Severity.LOW,
    summary="Published port is bound to all host interfaces",
    formats=(Format.COMPOSE,),
    references=("CIS Docker 5.14",),
)
ALL_INTERFACES = ("", "0.0.0.0", "::", "[::]")


def _describe(port: Port) -> str:
    if port.container_port is None and port.host_ip is not None and not port.host_ip.certain:
        # "${AD_PORT}" with AD_PORT unset: whatever it holds is published
        return f"port {port.host_ip.text!r} (unset variables) is published"
    if port.host_port is None:
        target = port.container_port.value if port.container_port is not None else "?"
        if port.container_port is not None and not port.container_port.certain:
            # "$BIND:80" with BIND unset: the host part is unknown, not a random port
            return f"port {port.container_port.text or target!r} (unset variables) publishes container port {target}"
        return f"container port {target} is published on a random host port"
    end = f"-{port.host_port_end.value}" if port.host_port_end is not None else ""
    return f"host port {port.host_port.value}{end} is published"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if is_true(workload.host_network):
        return
    for container in workload.containers:
        for port in container.ports:
            address = port.host_ip.value.strip() if port.host_ip is not None else ""
            if address in ALL_INTERFACES:
                where = f"on all interfaces ({address})" if address else "on all interfaces"
                certain = all(v.certain for v in (port.host_ip, port.host_port, port.container_port) if v is not None)
                yield Finding(port, f"{_describe(port)} {where}", container, certain=certain)
