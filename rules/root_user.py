"""## What it does
Flags a container set to run as root: Kubernetes `runAsUser: 0` at the pod or a container level
(as Pod Security admission judges it: any setter), Compose `user: root` / `user: "0"` /
`"0:0"`, and a Dockerfile whose target stage ends with `USER root` or `USER 0`
(inherited through `FROM <stage>` too), or sets `ONBUILD USER root`: every image built `FROM`
it then runs as root unless it sets its own `USER`. Kubernetes pods are judged from 1.23, when admission
started checking `runAsUser`; from 1.35 a pod with `hostUsers: false` is exempt, since its UID 0
maps to an unprivileged user on the node.

## Why is this bad?
Explicitly running as UID 0 gives every process in the container root's override of file
permissions and ownership of bind-mounted host files. Most container-escape exploits assume
root inside the container as their starting point.

## Example
```dockerfile
FROM debian:12
USER root
```

## Use instead
```dockerfile
FROM debian:12
RUN useradd --uid 10001 app
USER 10001
```

## References
- Kubernetes Pod Security Standards, Restricted: "Running as Non-root user"
- CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created"
- hadolint DL3002 "Last USER should not be root"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Value, Workload
from isolint.helpers import image_stages, instructions, is_false, stage_label, user_is_root

RULE = Rule(
    code="USR002",
    name="root-user",
    severity=Severity.HIGH,
    summary="Container is set to run as root (UID 0)",
    profiles=("pss-restricted",),
    references=("PSS Restricted: Running as Non-root user", "CIS Docker 4.1", "hadolint DL3002"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if workload.format is Format.KUBERNETES:
        if not ctx.at_least(1, 23):
            return
        if ctx.at_least(1, 35) and is_false(workload.host_users):
            return
        if user_is_root(workload.security.run_as_user):
            yield Finding(workload.security.run_as_user, "pod sets runAsUser: 0 (root)")
    for container in workload.containers:
        user = container.security.run_as_user
        stage = workload.target_stage
        if user is None and workload.format is Format.COMPOSE and workload.build is not None and stage is not None \
                and user_is_root(stage.effective_user):
            yield Finding(workload.build, f"service {container.display_name!r} sets no user and the image it builds "
                          f"ends with USER {stage.effective_user.value}", container,
                          related=((stage.effective_user.loc, "USER instruction"),))
        elif user_is_root(user) and workload.format is Format.DOCKERFILE and stage is not None:
            yield Finding(user, f"{stage_label(stage)} ends with USER {user.value}: the image runs as root",
                          container, certain=user.certain)
        elif user_is_root(user):
            yield Finding(user, f"container {container.display_name!r} runs as root ({user.value})", container,
                          certain=user.certain)
    if workload.format is Format.DOCKERFILE:
        yield from _onbuild_root(workload)


def _onbuild_root(workload: Workload) -> Iterator[Finding]:
    for onbuild in instructions(image_stages(workload), "ONBUILD"):
        trigger = onbuild.trigger
        if trigger is not None and trigger.keyword == "USER" and trigger.value \
                and user_is_root(Value(trigger.value.partition(":")[0], trigger.loc)):
            yield Finding(onbuild, f"ONBUILD USER {trigger.value}: every image built FROM this one runs as root "
                          "unless it sets its own USER")
