"""## What it does
Flags an image reference that has a tag but no digest (`python:3.12-slim` rather than
`python:3.12-slim@sha256:...`), wherever images are referenced: Dockerfile `FROM` (after `ARG`
substitution), a Compose service's `image` (unless the service builds it) and Kubernetes
container `image`. References without a tag or with `latest` are left to `mutable-image-reference`.
Info and off by default (`--select SC002`).

## Why is this bad?
Anyone with push rights to the repository can re-point a tag; a digest cannot change. Pinning the
digest makes the reviewed artefact the deployed artefact, and makes a rebuilt or re-pulled image
reproducible.

## Example
```yaml
containers:
  - name: app
    image: python:3.12-slim
```

## Use instead
```yaml
containers:
  - name: app
    image: python:3.12-slim@sha256:2b9e3fbc1aac8e2c8a7d6c4e01e1f6b3e2f2b1d4d6b6f3a9d1c8e7f6a5b4c3d2
```
Let a bot (Renovate, Dependabot) update the digest together with the tag.

## References
- CIS Docker Benchmark 4.2 "Ensure that containers use only trusted base images"
- CIS Docker Benchmark 4.12 "Ensure only signed artifacts are used" (analogue)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Rule, Severity, Workload
from isolint.helpers import image_references, parse_image_reference

RULE = Rule(
    code="SC002",
    name="image-not-pinned",
    severity=Severity.INFO,
    summary="Image referenced by a tag without a digest",
    references=("CIS Docker 4.2", "CIS Docker 4.12"),
    default=False,
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for image, container in image_references(workload):
        reference = parse_image_reference(image.value)
        if image.certain and reference.digest is None and reference.tag not in (None, "latest"):
            yield Finding(image, f"image {image.value} is pinned by tag only: add its @sha256 digest", container)
