"""## What it does
Flags setuid or setgid bits added in the image: `chmod` with a symbolic mode that adds `s`
(`u+s`, `g+s`, `+s`, `u=rwxs`) or an octal mode whose special digit sets them (`4755`, `2755`,
`6755`, `04755`), `install -m 4755`, `find ... -exec chmod u+s`, and `COPY --chmod=4755` /
`ADD --chmod=4755`. setgid on a known directory (`install -d -m 2775`, `mkdir -m 2775`,
`find -type d -exec chmod g+s`, a path ending in `/`) is not reported: it only makes new files
inherit the directory's group. Shell-form, exec-form and heredoc `RUN` scripts are read. Only the stages
that end up in the image (the target stage and the stages it is built `FROM`) are judged.

## Why is this bad?
A setuid-root binary is the classic in-container escalation primitive: while privilege
escalation is allowed (no `no_new_privs`), any user who can run it becomes root, and root in the
container is the precondition for most capability- and mount-based escapes.

## Example
```dockerfile
FROM debian:12-slim
COPY helper /usr/local/bin/helper
RUN chmod 4755 /usr/local/bin/helper
```

## Use instead
```dockerfile
FROM debian:12-slim
COPY --chmod=0755 helper /usr/local/bin/helper
# grant one file capability instead of root, if the helper really needs it:
# RUN setcap cap_net_bind_service=+ep /usr/local/bin/helper
```
Removing bits is fine: `chmod u-s,g-s`, `find / -perm /6000 -type f -exec chmod a-s {} +`.

## References
- CIS Docker Benchmark 4.8 "Ensure setuid and setgid permissions are removed"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import ModeChange, image_mode_changes, octal_mode, symbolic_clauses

RULE = Rule(
    code="PRV007",
    name="setuid-bit-added",
    severity=Severity.MEDIUM,
    summary="The image adds setuid or setgid bits to files",
    formats=(Format.DOCKERFILE, Format.COMPOSE),
    references=("CIS Docker 4.8",),
)


def special_bits(mode: str) -> set[str]:
    """``{"setuid", "setgid"}`` or a subset: the special bits ``mode`` adds."""
    octal = octal_mode(mode)
    if octal is not None:
        bits = set()
        if len(mode) >= 4 and octal & 0o4000:
            bits.add("setuid")
        if len(mode) >= 4 and octal & 0o2000:
            bits.add("setgid")
        return bits
    bits = set()
    for who, operator, permissions in symbolic_clauses(mode):
        if operator == "-" or "s" not in permissions:
            continue
        if not who or "a" in who or "u" in who:
            bits.add("setuid")
        if not who or "a" in who or "g" in who:
            bits.add("setgid")
    return bits


def _message(change: ModeChange, bits: set[str]) -> str:
    what = " and ".join(sorted(bits, reverse=True))
    where = f" on {' '.join(change.paths)}" if change.paths else ""
    return f"mode {change.mode} sets the {what} bit{'s' if len(bits) > 1 else ''}{where}"


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    container = workload.main_container
    for node, change in image_mode_changes(workload):
        bits = special_bits(change.mode)
        if change.directory or any(path.endswith("/") for path in change.paths):
            bits.discard("setgid")  # on a directory it only makes new files inherit the group
        if bits:
            yield Finding(node, _message(change, bits), container)
