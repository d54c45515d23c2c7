"""## What it does
Flags a container without a health check: a Dockerfile whose target stage (and the stages it is
built `FROM`) has no `HEALTHCHECK`, or ends with `HEALTHCHECK NONE`; a Compose service with
`healthcheck.disable: true` or `test: ["NONE"]`, or with no `healthcheck` while the Dockerfile it
builds has none either. A service that only names an `image` is reported with low confidence:
the image may declare one; one with neither `image` nor `build` (a layer patching a service
another file defines) is not judged. Kubernetes uses probes instead and is not judged. Off by default
(`--select SC008`): it is not an isolation control.

## Why is this bad?
Without a health signal a hijacked, wedged or crash-looping container keeps receiving traffic
and is never recycled; CIS treats it as part of run-time hardening.

## Example
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```

## References
- CIS Docker Benchmark 4.6 "Ensure that HEALTHCHECK instructions have been added to container images"
- CIS Docker Benchmark 5.27 "Ensure that container health is checked at runtime"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Instruction, Rule, Severity, Workload
from isolint.helpers import compose_fragment, is_true

RULE = Rule(
    code="SC008",
    name="no-healthcheck",
    severity=Severity.LOW,
    summary="The container has no health check",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.6", "CIS Docker 5.27"),
    default=False,
)


def _last_healthcheck(workload: Workload) -> Instruction | None:
    """The HEALTHCHECK in force for the workload's target stage, following ``FROM <stage>``."""
    image, stage = workload.image, workload.target_stage
    while image is not None and stage is not None:
        found = [i for i in stage.instructions if i.keyword == "HEALTHCHECK"]
        if found:
            return found[-1]
        stage = image.stages[stage.base_stage] if stage.base_stage is not None else None
    return None


def _disabled(instruction: Instruction) -> bool:
    return bool(instruction.arguments) and instruction.arguments[0].split(None, 1)[0].upper() == "NONE"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    if compose_fragment(workload):
        return
    container = workload.main_container
    if is_true(workload.healthcheck_disabled):
        yield Finding(workload.healthcheck_disabled, "the health check is disabled", container)
        return
    if workload.format is Format.COMPOSE and workload.healthcheck is not None:
        return
    instruction = _last_healthcheck(workload)
    if instruction is not None:
        return
    if workload.format is Format.DOCKERFILE and workload.target_stage is not None:
        yield Finding(workload.target_stage, "the image defines no HEALTHCHECK", container)
    elif workload.format is Format.COMPOSE and container is not None:
        node = workload.build or container.image or workload
        certain = workload.image is not None
        yield Finding(node, f"service {container.display_name!r} has no healthcheck"
                      + ("" if certain else " (its image may define one)"), container, certain=certain)
