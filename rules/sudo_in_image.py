"""## What it does
Flags `sudo` (or `doas`) in the image: a `RUN` that installs the package with `apt-get`, `apk`,
`yum`, `dnf`, `zypper` ... or a `RUN` command that invokes `sudo`/`doas` (the base image ships it).
Shell-form, exec-form and heredoc scripts are read, `sh -c` scripts included. Only the stages that
end up in the image are judged: a builder stage whose files are only copied from is not.

## Why is this bad?
sudo is a setuid-root binary and usually comes with permissive sudoers rules. It gives any user
in the container a supported route back to root even when the image "runs as non-root", which
undoes the point of the `USER` instruction.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y sudo \
 && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
USER app
```

## Use instead
Run the steps that need root before switching `USER`, and drop privileges at start-up with
`gosu`/`su-exec` (which exit into the target user) when an entrypoint must start as root.

## References
- hadolint DL3004 "Do not use sudo"
- CIS Docker Benchmark 4.3 "Ensure that unnecessary packages are not installed in the container"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Instruction, Rule, Severity, Workload
from isolint.helpers import (
    commands,
    image_stages,
    installed_packages,
    instruction_node,
    instructions,
    run_scripts,
    without_keywords,
)

RULE = Rule(
    code="USR005",
    name="sudo-in-image",
    severity=Severity.MEDIUM,
    summary="The image installs or uses sudo/doas, a setuid route back to root",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("hadolint DL3004", "CIS Docker 4.3"),
    options={"packages": ["sudo", "doas", "opendoas", "sudo-rs"]},
)


def _reason(instruction: Instruction, packages: set[str]) -> str | None:
    for script in run_scripts(instruction):
        for command in commands(script):
            installed = sorted(set(installed_packages(command)) & packages)
            if installed:
                return f"the image installs {installed[0]}"
            words = without_keywords(command)
            if words and words[0].rsplit("/", 1)[-1] in ("sudo", "doas"):
                return f"RUN uses {words[0]}: the image ships a setuid route to root"
    return None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    packages = set(ctx.options["packages"])
    for instruction in instructions(image_stages(workload), "RUN"):
        reason = _reason(instruction, packages)
        if reason is not None:
            yield Finding(instruction_node(workload, instruction), reason, container)
