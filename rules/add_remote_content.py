"""## What it does
Flags `ADD` fetching remote content without integrity pinning, in any stage: an `http(s)://` or
`ftp://` source without `--checksum=sha256:...`, and a Git source (`git@host:repo`,
`https://host/repo.git`, `git://...`) whose ref is not a full commit hash (no `#<sha>`, no
`?commit=`/`checksum=`, no `--checksum`).

## Why is this bad?
`ADD` downloads at build time without any verification by default: whoever controls the URL,
the DNS or the network path controls what lands in the image, and a tag or branch of a Git
repository can be moved to other code at any time.

## Example
```dockerfile
FROM alpine:3.20
ADD https://example.com/tool.tar.gz /opt/
ADD https://github.com/example/plugin.git#main /src/plugin
```

## Use instead
```dockerfile
FROM alpine:3.20
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d \
    https://example.com/tool.tar.gz /opt/
ADD https://github.com/example/plugin.git#8d5b3c0f1e2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c /src/plugin
```

## References
- CIS Docker Benchmark 4.9 "Ensure that COPY is used instead of ADD in Dockerfiles"
- hadolint DL3020 "Use COPY instead of ADD for files and folders"
"""

import re
from collections.abc import Iterator

from isolint import Context, Finding, Format, Instruction, Rule, Severity, Workload
from isolint.helpers import add_source_kind, add_sources, build_stages, instruction_node, instructions

RULE = Rule(
    code="SC003",
    name="add-remote-content",
    severity=Severity.MEDIUM,
    summary="ADD downloads remote content without a checksum or pinned commit",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.9", "hadolint DL3020"),
)
PINNED_COMMIT = r"(?i)(#[0-9a-f]{40}([0-9a-f]{24})?(:|$))|[?&](commit|checksum)="


def _problem(source: str, instruction: Instruction) -> str | None:
    kind = add_source_kind(source)
    if instruction.flag("checksum") is not None or kind == "local":
        return None
    if kind == "git":
        if re.search(PINNED_COMMIT, source):
            return None
        return f"ADD {source} fetches a Git ref that can move: pin a commit"
    return f"ADD {source} downloads without --checksum: the content is not verified"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for instruction in instructions(build_stages(workload), "ADD"):
        for source in add_sources(instruction):
            problem = _problem(source, instruction)
            if problem is not None:
                yield Finding(instruction_node(workload, instruction), problem, container)
