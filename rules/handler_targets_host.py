"""## What it does
Flags a Kubernetes probe or lifecycle handler that names a host: `host` set (non-empty) under
`httpGet` or `tcpSocket` of `livenessProbe`, `readinessProbe`, `startupProbe` or
`lifecycle.postStart` / `lifecycle.preStop`, on any container. Pod Security Standards Baseline
forbids it from Kubernetes 1.34; for earlier `--kubernetes-version` targets the rule is silent.

## Why is this bad?
The kubelet runs these checks from the node's network namespace. A pod that picks the host can
make the node connect to `127.0.0.1`, link-local metadata services or other tenants' addresses
it cannot reach itself: a server-side request forgery across the isolation boundary.

## Example
```yaml
livenessProbe:
  httpGet:
    host: 169.254.169.254
    port: 80
```

## Use instead
Leave `host` unset: the kubelet then probes the pod's own IP.

## References
- Kubernetes Pod Security Standards, Baseline: "Probes / Lifecycle Hooks" (1.34+)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="NS012",
    name="handler-targets-host",
    severity=Severity.MEDIUM,
    summary="Probe or lifecycle handler makes the kubelet connect to a chosen host",
    formats=(Format.KUBERNETES,),
    profiles=("pss-baseline",),
    references=("PSS Baseline: Probes / Lifecycle Hooks",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if not ctx.at_least(1, 34):
        return
    for container in workload.containers:
        for handler in container.handlers:
            if handler.host.value:
                yield Finding(handler.host, f"{handler.kind} of container {container.display_name!r} targets host "
                              f"{handler.host.value!r}", container, certain=handler.host.certain)
