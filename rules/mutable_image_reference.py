"""## What it does
Flags an image reference without a tag or digest, or with the tag `latest`: every Dockerfile
`FROM` (after `ARG` substitution; `scratch`, earlier stage names and unresolved `ARG`s are
skipped), a Compose service's `image` (unless the service builds it: then `image` names the
result) and every Kubernetes container `image`. Kubernetes findings are medium: `:latest` also
defaults `imagePullPolicy` to `Always`, so the running code can change without a manifest change.
Off by default (`--select SC001`): it is supply-chain hygiene, not an isolation setting.

## Why is this bad?
A mutable reference means the code that runs is decided at pull time, not at review time. A
compromised or re-pointed tag is deployed into every boundary that trusts the image, and two
nodes can run different code under the same manifest.

## Example
```dockerfile
FROM ubuntu
```

## Use instead
```dockerfile
FROM ubuntu:24.04@sha256:6015f66923d7afbc53558d7ccffd325d43b4e249f41a6e93eef074c9505d2233
```

## References
- hadolint DL3006 "Always tag the version of an image explicitly", DL3007 "Using latest is prone to errors"
- CIS Docker Benchmark 4.2 "Ensure that containers use only trusted base images"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import image_references, parse_image_reference

RULE = Rule(
    code="SC001",
    name="mutable-image-reference",
    severity=Severity.LOW,
    summary="Image referenced by the latest tag or without any tag",
    references=("hadolint DL3006", "hadolint DL3007", "CIS Docker 4.2"),
    default=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    severity = Severity.MEDIUM if workload.format is Format.KUBERNETES else None
    for image, container in image_references(workload):
        if not image.certain:
            continue
        reference = parse_image_reference(image.value)
        if reference.digest is not None:
            continue
        if reference.tag is None:
            yield Finding(image, f"image {image.value} has no tag: it means whatever latest points at when pulled",
                          container, severity=severity)
        elif reference.tag == "latest":
            yield Finding(image, f"image {image.value} uses the mutable tag latest", container, severity=severity)
