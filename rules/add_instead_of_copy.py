"""## What it does
Flags `ADD` used for local files only (no URL or Git source), in any stage. `ADD <<EOF` heredocs
are not reported. Info and off by default (`--select SC004`): it is build hygiene.

## Why is this bad?
`ADD` silently unpacks local tar archives, so a changed file type changes what is written into
the image, and readers cannot tell a copy from a download. `COPY` does exactly one thing.

## Example
```dockerfile
FROM alpine:3.20
ADD app/ /app/
```

## Use instead
```dockerfile
FROM alpine:3.20
COPY app/ /app/
```
When unpacking an archive is the intent, keep `ADD` and say so in a comment, or extract it in a
`RUN` step.

## References
- CIS Docker Benchmark 4.9 "Ensure that COPY is used instead of ADD in Dockerfiles"
- hadolint DL3020 "Use COPY instead of ADD for files and folders"
"""

import re
from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import add_source_kind, add_sources, build_stages, instruction_node, instructions

RULE = Rule(
    code="SC004",
    name="add-instead-of-copy",
    severity=Severity.INFO,
    summary="ADD used for local files where COPY says what happens",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.9", "hadolint DL3020"),
    default=False,
)
ARCHIVE = r"(?i)\.(tar|tar\.\w+|tgz|tbz2?|txz|tzst)$"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for instruction in instructions(build_stages(workload), "ADD"):
        sources = add_sources(instruction)
        if not sources or any(add_source_kind(source) != "local" for source in sources):
            continue
        archive = " (it unpacks the archive)" if any(re.search(ARCHIVE, s) for s in sources) else ""
        yield Finding(instruction_node(workload, instruction),
                      f"ADD of local {', '.join(sources)}{archive}: use COPY", container)
