"""## What it does
Flags a `RUN` that refreshes the package index (`apt-get update`, `apt update`, `apk update`,
`yum|dnf makecache`, `zypper refresh`) without installing or upgrading anything in the same
`RUN`, in any stage. Low and off by default (`--select SC009`): it is build hygiene.

## Why is this bad?
The update is cached as its own layer; a later `RUN apt-get install` reuses the stale index
and installs outdated, unpatched packages long after the layer was built. Stale packages are the
known-vulnerability surface an attacker uses inside the container.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update
RUN apt-get install -y curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.7 "Ensure update instructions are not used alone in Dockerfiles"
- hadolint DL3009 (related: delete the apt lists after installing)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import build_stages, commands, instruction_node, instructions, package_verb, run_scripts

RULE = Rule(
    code="SC009",
    name="package-index-update-alone",
    severity=Severity.LOW,
    summary="A RUN refreshes the package index without installing in the same step",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.7",),
    default=False,
)
UPDATES = {("apt-get", "update"), ("apt", "update"), ("aptitude", "update"), ("apk", "update"),
           ("yum", "makecache"), ("dnf", "makecache"), ("zypper", "refresh"), ("zypper", "ref"), ("pacman", "-Sy")}
INSTALLS = {"install", "upgrade", "dist-upgrade", "full-upgrade", "add", "update", "in", "up", "dup",
            "groupinstall", "reinstall", "-S", "-Syu", "--sync", "-U"}


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for instruction in instructions(build_stages(workload), "RUN"):
        verbs = [verb for script in run_scripts(instruction) for command in commands(script)
                 if (verb := package_verb(command)) is not None]
        updates = [verb for verb in verbs if verb in UPDATES]
        if updates and not any(verb not in UPDATES and verb[1] in INSTALLS for verb in verbs):
            manager, verb = updates[0]
            yield Finding(instruction_node(workload, instruction),
                          f"{manager} {verb} without an install in the same RUN leaves a stale index layer",
                          container)
