"""## What it does
Flags a Compose service that takes every volume of another container with `volumes_from`
(`<service>`, `container:<name>`, optionally `:ro` / `:rw`): medium when read-write (the
default), low when `:ro`.

## Why is this bad?
The service silently inherits every mount of the other container, host binds and runtime
sockets included, read-write unless told otherwise. A reviewer reading this service does not
see the host paths it actually gets, and a compromise of either container reaches the data of
both.

## Example
```yaml
services:
  backup:
    volumes_from:
      - db
```

## Use instead
```yaml
services:
  backup:
    volumes:
      - db-data:/data:ro
```

## References
- Docker reference: `docker run --volumes-from`
- Compose specification: `volumes_from`
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload

RULE = Rule(
    code="MNT008",
    name="volumes-from",
    severity=Severity.MEDIUM,
    summary="Service inherits all volumes of another container (volumes_from)",
    formats=(Format.COMPOSE,),
    references=("Docker --volumes-from", "Compose specification: volumes_from"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for entry in workload.volumes_from:
        source, _, mode = entry.value.strip().rpartition(":")
        if mode not in ("ro", "rw"):
            source, mode = entry.value.strip(), "rw"
        if mode == "ro":
            yield Finding(entry, f"service inherits every volume of {source} read-only", certain=entry.certain,
                          severity=Severity.LOW)
        else:
            yield Finding(entry, f"service inherits every volume of {source}, writable", certain=entry.certain)
