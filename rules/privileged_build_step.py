"""## What it does
Flags build steps that run with host privilege or on the host network: Dockerfile
`RUN --security=insecure` and `RUN --network=host`, and Compose `build.privileged: true`,
`build.entitlements` with `security.insecure` or `network.host`, and `build.network: host`.
Insecure and privileged builds are high, host-network builds medium.

## Why is this bad?
`security.insecure` runs the build step as a privileged container on the builder host and
`network.host` puts it in the builder's network namespace. Build steps execute code from the
Dockerfile, the repository and every package it downloads, so this hands host privilege (or the
host's network position: metadata endpoints, local services) to whoever controls the build input.

## Example
```dockerfile
# syntax=docker/dockerfile:1-labs
FROM alpine:3.20
RUN --security=insecure mount -t tmpfs none /mnt
RUN --network=host wget http://127.0.0.1:8080/artifact
```

## Use instead
Build without entitlements. Replace privileged steps with rootless tooling or a dedicated build
VM, fetch inputs over the default build network (or `--network=none` after downloading them
with a verified `ADD --checksum`).

## References
- BuildKit entitlements `security.insecure` and `network.host`
- CIS Docker Benchmark 5.5 and 5.10 (the run-time analogues: privileged containers, host network)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import build_stages, instruction_node, instructions, is_true

RULE = Rule(
    code="PRV003",
    name="privileged-build-step",
    severity=Severity.HIGH,
    summary="A build step runs privileged (security.insecure) or on the host network",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("BuildKit entitlements", "CIS Docker 5.5 (build-time analogue)",
                "CIS Docker 5.10 (build-time analogue)"),
)


def _dockerfile_findings(workload: Workload) -> Iterator[Finding]:
    for instruction in instructions(build_stages(workload), "RUN"):
        node = instruction_node(workload, instruction)
        security = instruction.flag("security")
        if security is not None and security.value == "insecure":
            yield Finding(node, "RUN --security=insecure runs this step as a privileged container on the builder")
        network = instruction.flag("network")
        if network is not None and network.value == "host":
            yield Finding(node, "RUN --network=host runs this step in the builder host's network namespace",
                          severity=Severity.MEDIUM)


def _compose_findings(workload: Workload) -> Iterator[Finding]:
    build = workload.build
    if build is None:
        return
    if is_true(build.privileged):
        yield Finding(build.privileged, "build.privileged runs the build with host privilege",
                      certain=build.privileged.certain)
    for entitlement in build.entitlements:
        if entitlement.value == "security.insecure":
            yield Finding(entitlement, "entitlement security.insecure lets build steps run privileged",
                          certain=entitlement.certain)
        elif entitlement.value == "network.host":
            yield Finding(entitlement, "entitlement network.host lets build steps use the host network",
                          certain=entitlement.certain, severity=Severity.MEDIUM)
    if build.network is not None and build.network.value == "host":
        yield Finding(build.network, "build.network: host runs build steps in the host's network namespace",
                      certain=build.network.certain, severity=Severity.MEDIUM)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.COMPOSE:
        yield from _compose_findings(workload)
    yield from _dockerfile_findings(workload)
