"""## What it does
Flags an SSH daemon inside a container: a Dockerfile whose image installs `openssh-server`
(Alpine `openssh`) or `dropbear`, starts `sshd` from `CMD`/`ENTRYPOINT`, or `EXPOSE`s port 22;
a Compose service or Kubernetes container whose command runs `sshd`, that publishes or declares
container port 22, or whose image is an SSH server image. One finding per container; the other
evidence is attached as related locations. Only the stages that end up in the image are judged.

## Why is this bad?
An in-container sshd is a second remote-control path that bypasses `kubectl exec` and
`docker exec` authorization and auditing. It needs credentials baked in or mounted, widening what
a compromise of one container yields, and it usually runs as root to switch users.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
```

## Use instead
Use `kubectl exec`, `docker exec` or an ephemeral debug container for interactive access; serve
Git or SFTP from a dedicated, isolated service rather than an sshd beside the application.

## References
- CIS Docker Benchmark 5.7 "Ensure sshd is not run within containers"
- CIS Docker Benchmark 4.3 "Ensure that unnecessary packages are not installed in the container"
"""

import re
from collections.abc import Iterator
from typing import Any

from isolint import Container, Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import commands, image_stages, installed_packages, instruction_node, instructions, run_scripts

RULE = Rule(
    code="PRV006",
    name="ssh-server-in-container",
    severity=Severity.LOW,
    summary="An SSH daemon runs (or is installed) inside the container",
    references=("CIS Docker 5.7", "CIS Docker 4.3"),
    options={"packages": ["openssh-server", "openssh", "dropbear", "openssh-server-pam", "tinysshd"]},
)
SSHD = r"(^|[/\s\"'])(sshd|dropbear)(\s|$|[\"'])"
SSH_IMAGE = r"(^|/)[^/:@]*(openssh-server|sshd)[^/:@]*(:|@|$)"

Evidence = tuple[Any, str]  # a model node with a location, and what it shows


def _dockerfile_evidence(workload: Workload, packages: set[str]) -> Iterator[Evidence]:
    for instruction in instructions(image_stages(workload)):
        node = instruction_node(workload, instruction)
        if instruction.keyword == "RUN":
            found = {p for s in run_scripts(instruction) for c in commands(s) for p in installed_packages(c)}
            for package in sorted(found & packages):
                yield node, f"the image installs {package}"
        elif instruction.keyword in ("CMD", "ENTRYPOINT") and any(re.search(SSHD, a) for a in instruction.arguments):
            yield node, f"{instruction.keyword} starts an SSH daemon"
        elif instruction.keyword == "EXPOSE" and re.search(r"(^|\s)22(/tcp)?(\s|$)", instruction.value):
            yield node, "the image exposes the SSH port 22"


def _container_evidence(container: Container) -> Iterator[Evidence]:
    for word in (*container.command, *container.args):
        if re.search(SSHD, word.value):
            yield word, f"container {container.display_name!r} runs an SSH daemon"
            break
    for port in container.ports:
        if port.container_port is not None and port.container_port.value == 22:
            yield port.container_port, f"container {container.display_name!r} listens on the SSH port 22"
    if container.image is not None and re.search(SSH_IMAGE, container.image.value.lower()):
        yield container.image, f"container {container.display_name!r} runs an SSH server image"


def _finding(evidence: list[Evidence], container: Container | None) -> Finding:
    (node, message), rest = evidence[0], evidence[1:]
    related = tuple((n.loc, m) for n, m in rest)
    certain = not (len(evidence) == 1 and message.endswith("SSH server image"))
    return Finding(node, message, container, related=related, certain=certain)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for index, container in enumerate(workload.containers):
        # The Dockerfile's EXPOSE ports are the container's ports too: judged once, as instructions.
        evidence = list(_dockerfile_evidence(workload, set(ctx.options["packages"]))) if index == 0 else []
        if workload.format is not Format.DOCKERFILE:
            evidence.extend(_container_evidence(container))
        if evidence:
            yield _finding(evidence, container)
