"""## What it does
Flags world-writable permissions set in the image: `chmod`, `install -m` or `mkdir -m` with an
octal mode that gives others write access (`777`, `666`, `0777`), a symbolic mode that does
(`o+w`, `a+w`, `a=rwx`, `ugo+rwx`), the same through `find ... -exec chmod`, and
`COPY --chmod=777` / `ADD --chmod=777`. A mode with the sticky bit (`1777`, `3777`, `+t`) is not
reported: like `/tmp`, such a directory lets everyone add files but nobody replace another
user's (the official `postgres` image uses it for its data and socket directories). A recursive
change on a system or application tree (`/`, `/usr`, `/etc`, `/bin`, `/lib`, `/app` ...) is
medium, anything else low. `chmod +w` without a `who` is not reported: the default umask keeps
others from getting write access. Only the stages that end up in the image are judged.

## Why is this bad?
World-writable binaries, libraries or configuration let any user in the container, or a process
dropped by an exploit, change code that root later runs: an in-container escalation path and the
usual first step before an escape.

## Example
```dockerfile
FROM node:22-slim
COPY . /app
RUN chmod -R 777 /app
```

## Use instead
```dockerfile
FROM node:22-slim
COPY --chown=node:node . /app
RUN chmod -R u=rwX,go=rX /app
```
Give the runtime user ownership of the few paths it must write; `chmod 1777` is fine for a
shared directory (sticky bit).

## References
- CIS Docker Benchmark 4.8 (file permissions in images, analogue)
- CWE-732 "Incorrect Permission Assignment for Critical Resource"
"""

import posixpath
from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import ModeChange, image_mode_changes, octal_mode, symbolic_clauses

RULE = Rule(
    code="FS002",
    name="world-writable-permissions",
    severity=Severity.LOW,
    summary="The image makes files or directories writable by every user",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.8 (analogue)", "CWE-732"),
    options={
        "system_trees": ["/", "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/usr/local", "/opt", "/app",
                         "/srv", "/var/www"],
    },
)


def _others_can_write(mode: str) -> tuple[bool, bool]:
    """(others get write access, the sticky bit is set) for ``mode``."""
    octal = octal_mode(mode)
    if octal is not None:
        return bool(octal & 0o002), len(mode) >= 4 and bool(octal & 0o1000)
    writable = sticky = False
    for who, operator, permissions in symbolic_clauses(mode):
        if operator == "-":
            continue
        if ("o" in who or "a" in who) and "w" in permissions:
            writable = True
        if "t" in permissions:
            sticky = True
    return writable, sticky


def _severity(change: ModeChange, trees: list[str]) -> Severity:
    if change.recursive and any(posixpath.normpath(path) in trees for path in change.paths):
        return Severity.MEDIUM
    return Severity.LOW


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for node, change in image_mode_changes(workload):
        writable, sticky = _others_can_write(change.mode)
        if not writable or sticky:
            continue
        where = f" {' '.join(change.paths)}" if change.paths else ""
        recursive = " recursively" if change.recursive else ""
        yield Finding(node, f"mode {change.mode} makes{where} writable by every user{recursive}", container,
                      severity=_severity(change, ctx.options["system_trees"]))
