"""## What it does
Flags an image that never switches away from root: a Dockerfile whose target stage (or the
stages it is built `FROM`) has no `USER` instruction, and a Compose service that sets no `user:`
while the image it builds has no non-root `USER` (reported on the service's `build:` key, with
the Dockerfile as related information). A Compose service with neither `user:` nor `build:` runs
whatever user its image declares, which the linter cannot see: it is reported as info, with low
confidence. Base images known to default to a non-root user (option `known_nonroot_images`:
`*:nonroot` tags, Chainguard images, and official images whose Dockerfile ends with a non-root
`USER`: Grafana, k6, Prometheus, Alertmanager, node-exporter) count as setting one. `FROM scratch`
without `USER` runs as UID 0 (no passwd file, nothing to switch to) and is reported; a `wasi/*`
platform is not (a wasm runtime runs it). Docker official images (`debian:12`, `python:3.12`)
and the bases of option `known_root_images` (distroless without `:nonroot`, .NET) run as root;
any other base (a vendor image, `FROM ${BASE}` with no default) may set a user the linter cannot
see: reported with low confidence.

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
from isolint.helpers import image_matches, stage_label, user_is_root

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
                                        for suffix in ("", "[:@]*"))],
             # bases documented to run as root (after the non-root list: distroless :nonroot is not)
             "known_root_images": ["gcr.io/distroless/*", "mcr.microsoft.com/dotnet/*"]},
    fix=Applicability.UNSAFE,
)


def _external_stage(workload: Workload, stage: Stage) -> Stage:
    image = workload.image
    while stage.base_stage is not None and image is not None:
        stage = image.stages[stage.base_stage]
    return stage


def _is_official(reference: str) -> bool:
    """A Docker official image (``debian:12``, ``docker.io/library/debian``): they run as root
    unless their Dockerfile says otherwise, which the known-non-root list records."""
    name = reference.lower()
    for prefix in ("index.docker.io/", "docker.io/", "library/"):
        name = name.removeprefix(prefix)
    return "/" not in name


def _root_by_default(workload: Workload, stage: Stage, ctx: Context) -> bool | None:
    """Whether the target ``stage`` runs as root for want of a USER: True, False, or None when
    that depends on a base image whose user the linter does not know (``FROM ${BASE}``, a
    vendor image: reported with low confidence)."""
    if stage.effective_user is not None:
        return False
    external = _external_stage(workload, stage)
    base = external.base
    if any(s.platform is not None and s.platform.value.lower().startswith("wasi")
           for s in (stage, external)):
        return False  # a WebAssembly module run by a wasm runtime, not a Linux process
    if base.certain and base.value.lower() == "scratch":
        return True  # no passwd file, no USER: the process is UID 0
    if image_matches(base.value, ctx.options["known_nonroot_images"]):
        return False
    known_root = _is_official(base.value) or image_matches(base.value, ctx.options["known_root_images"])
    return True if base.certain and known_root else None


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    stage = workload.target_stage
    if workload.format is Format.DOCKERFILE:
        root = _root_by_default(workload, stage, ctx) if stage is not None else False
        if stage is not None and root is not False:
            yield Finding(stage, f"no USER in {stage_label(stage)}: {_why(workload, stage, root)}", certain=root,
                          fix=Fix.instruction(stage, "USER 10001"))
        return
    for container in workload.containers:
        if container.security.run_as_user is not None:
            continue
        if workload.build is not None and stage is not None and workload.image is not None:
            root = _root_by_default(workload, stage, ctx)
            if root is not False:
                yield Finding(workload.build, f"service {container.display_name!r} sets no user and the image it "
                              f"builds has no USER: {_why(workload, stage, root)}", container,
                              related=((stage.loc, "target stage without USER"),), certain=root,
                              fix=Fix.instruction(stage, "USER 10001"))
            elif user_is_root(stage.effective_user):
                continue  # root-user reports an explicit USER root
        elif workload.build is None and container.image is not None:
            if not image_matches(container.image.value, ctx.options["known_nonroot_images"]):
                yield Finding(container.image, f"service {container.display_name!r} sets no user: it runs as "
                              "whatever user the image declares, often root", container, certain=False,
                              severity=Severity.INFO)


def _why(workload: Workload, stage: Stage, root: bool | None) -> str:
    base = _external_stage(workload, stage).base
    if root is None:
        return f"it runs as root unless the base image {base.text or base.value} sets a non-root USER " \
               "(its user is unknown to the linter)"
    if base.value.lower() == "scratch":
        return "a scratch image runs as UID 0"
    return "the image runs as root"
