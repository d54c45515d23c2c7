"""## What it does
Flags a CI runner or image builder (GitLab runner, GitHub Actions runner, Jenkins agent,
Docker-in-Docker, BuildKit, kaniko, Buildah, Podman; option `build_tool_images` of the trust
configuration) that also has a way to the node: privileged mode, a container runtime socket,
seccomp or AppArmor disabled, or an escape capability (`SYS_ADMIN`, `ALL` ...), unless it runs
in a VM sandbox (Kata, Firecracker). Under `sysbox-runc` (user namespaces, still the host kernel)
the finding is medium; a rootless builder (`*rootless*` tag) is high.

## Why is this bad?
Docker-in-Docker and privileged builders need `privileged` or the host socket, and they run
repository-controlled Dockerfiles and scripts. Anyone who can open a pull request against a
built repository can then run code as root on the node; only a VM boundary contains that.

## Example
```yaml
services:
  runner:
    image: gitlab/gitlab-runner:latest
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

## Use instead
Run the jobs in a VM: a Kata or Firecracker runtime class, a dedicated build VM, or a remote
build service; or use a rootless builder without privilege.

## References
- CIS Docker Benchmark 5.5 "Ensure that privileged containers are not used"
- CIS Docker Benchmark 5.32 "Ensure that the Docker socket is not mounted inside any containers"
- Kubernetes multi-tenancy: "Sandboxing containers"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import RuntimeKind, build_tool_image, builder_escape, runtime_isolation

RULE = Rule(
    code="RI002",
    name="privileged-build-tooling",
    severity=Severity.CRITICAL,
    summary="CI runner or image builder with host access on a shared kernel",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("CIS Docker 5.5", "CIS Docker 5.32", "Kubernetes multi-tenancy: Sandboxing containers"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    tool = build_tool_image(workload, ctx)
    if tool is None:
        return
    runtime = runtime_isolation(workload, ctx)
    if runtime.kind is RuntimeKind.VM:
        return
    escape = builder_escape(workload)
    if escape is None:
        return
    image, _ = tool
    severity = None
    if runtime.kind is RuntimeKind.USERNS_HARDENED:
        severity = Severity.MEDIUM
    elif "rootless" in image.value.lower():
        severity = Severity.HIGH
    yield Finding(escape.node, f"build tooling {image.value} runs repository-controlled code with {escape.what} "
                  f"on {runtime.label}: run it in a VM (a Kata/Firecracker runtime class or a build VM), since "
                  "only a separate kernel contains code that can reach the node", severity=severity)
