"""## What it does
Flags an image that never switches away from root: a Dockerfile whose target stage (or the
stages it is built `FROM`) has no `USER` instruction, and a Compose service that sets no `user:`
while the image it builds has no non-root `USER` (reported on the service's `build:` key, with
the Dockerfile as related information). A Compose service with neither `user:` nor `build:` runs
whatever user its image declares, which the linter cannot see: it is reported as info, with low
confidence. Base images known to default to a non-root user (option `known_nonroot_images`:
`*:nonroot` tags, Chainguard images, and official images whose Dockerfile ends with a non-root
`USER`: Grafana, k6, Prometheus, Alertmanager, node-exporter) count as setting one.

## Why is this bad?
With no `USER`, the container runs as root unless every deployment remembers to override it.
Defaulting to an unprivileged user removes a whole class of escalation paths by construction.

## Example
```dockerfile
FROM python:3.12-slim
COPY app /app
CMD ["python", "/app/main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY app /app
USER 10001
CMD ["python", "/app/main.py"]
```

## Fix safety
Unsafe. `isolint fix --unsafe-fixes` adds `USER 10001` at the end of the final stage (for a Compose
service, of the stage it builds, in its Dockerfile). Files the image's process writes must then
be writable by that UID, and ports below 1024 need a capability: the image may fail until they are.

## References
- CIS Docker Benchmark 4.1 "Ensure that a user for the container has been created"
- hadolint DL3002 "Last USER should not be root"
"""

from collections.abc import Iterator

from isolint import Applicability, Context, Finding, Fix, Format, Rule, Severity, Stage, Workload
from isolint.helpers import image_matches, user_is_root

RULE = Rule(
    code="USR003",
    name="no-non-root-user",
    severity=Severity.MEDIUM,
    summary="Image or service never switches to a non-root user",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.1", "hadolint DL3002"),
    options={"known_nonroot_images": ["*:nonroot", "*:nonroot-*", "gcr.io/distroless/*:nonroot*",
                                      "cgr.dev/chainguard/*",
                                      *(f"{repository}{suffix}" for repository in (
                                          "grafana/grafana", "grafana/grafana-oss", "grafana/grafana-enterprise",
                                          "grafana/k6", "prom/prometheus", "quay.io/prometheus/prometheus",
                                          "prom/alertmanager", "quay.io/prometheus/alertmanager",
                                          "prom/node-exporter", "quay.io/prometheus/node-exporter")
                                        for suffix in ("", "[:@]*"))]},
    fix=Applicability.UNSAFE,
)


def _external_base(workload: Workload, stage: Stage) -> str:
    image = workload.image
    while stage.base_stage is not None and image is not None:
        stage = image.stages[stage.base_stage]
    return stage.base.value


def _runs_as_root_by_default(workload: Workload, stage: Stage, ctx: Context) -> bool:
    if stage.effective_user is not None:
        return False
    base = _external_base(workload, stage)
    return base.lower() != "scratch" and not image_matches(base, ctx.options["known_nonroot_images"])


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    stage = workload.target_stage
    if workload.format is Format.DOCKERFILE:
        if stage is not None and _runs_as_root_by_default(workload, stage, ctx):
            yield Finding(stage, f"no USER in stage {stage.name.value if stage.name else stage.index}: "
                          "the image runs as root", fix=Fix.instruction(stage, "USER 10001"))
        return
    for container in workload.containers:
        if container.security.run_as_user is not None:
            continue
        if workload.build is not None and stage is not None and workload.image is not None:
            if _runs_as_root_by_default(workload, stage, ctx):
                yield Finding(workload.build, f"service {container.display_name!r} sets no user and the image it "
                              "builds has no USER: it runs as root", container,
                              related=((stage.loc, "target stage without USER"),),
                              fix=Fix.instruction(stage, "USER 10001"))
            elif user_is_root(stage.effective_user):
                continue  # root-user reports an explicit USER root
        elif workload.build is None and container.image is not None:
            if not image_matches(container.image.value, ctx.options["known_nonroot_images"]):
                yield Finding(container.image, f"service {container.display_name!r} sets no user: it runs as "
                              "whatever user the image declares, often root", container, certain=False,
                              severity=Severity.INFO)
