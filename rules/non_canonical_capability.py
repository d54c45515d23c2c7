"""## What it does
Flags a Kubernetes capability written other than in upper case without the `CAP_` prefix
(`sys_admin`, `CAP_NET_RAW`, `drop: [all]`) in `capabilities.add` or `capabilities.drop` of any
container. A `CAP_`-prefixed entry in `drop` is low: the capability may not be dropped at all;
other spellings are info. Compose is not concerned: Docker normalises every spelling.

## Why is this bad?
Admission, linters and the runtime disagree on such names. Pod Security admission compares
exact strings, so it rejects `add: [chown]` and does not accept `drop: [all]`; containerd
upper-cases every entry and prefixes `CAP_` unconditionally, so `CAP_NET_RAW` becomes the
unknown `CAP_CAP_NET_RAW` and a drop written that way removes nothing. The policy no longer
describes what the container gets.

## Example
```yaml
securityContext:
  capabilities:
    drop: [CAP_NET_RAW]
```

## Use instead
```yaml
securityContext:
  capabilities:
    drop: [NET_RAW]
```

## References
- Kubernetes Pod Security Standards, Baseline and Restricted: "Capabilities" (exact names)
- containerd CRI `WithCapabilities` (upper-cases and prefixes `CAP_`)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Value, Workload
from isolint.helpers import capability_name

RULE = Rule(
    code="CAP006",
    name="non-canonical-capability",
    severity=Severity.LOW,
    summary="Capability not written as Kubernetes expects (upper case, no CAP_ prefix)",
    formats=(Format.KUBERNETES,),
    references=("PSS Baseline: Capabilities", "containerd CRI WithCapabilities"),
)


def _findings(entries: tuple[Value[str], ...], field: str,
              container_name: str) -> Iterator[tuple[Value[str], str, Severity]]:
    for raw in entries:
        canonical = capability_name(raw.value)
        if raw.value == canonical:
            continue
        prefixed = raw.value.strip().upper().startswith("CAP_")
        severity = Severity.LOW if prefixed and field == "drop" else Severity.INFO
        effect = "containerd turns it into an unknown CAP_CAP_ name" if prefixed else \
            "Pod Security admission compares names exactly"
        yield raw, f"container {container_name!r}: {field} {raw.value!r} should be written {canonical!r} ({effect})", \
            severity


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    for container in workload.containers:
        security = container.security
        for field, entries in (("add", security.capabilities_add), ("drop", security.capabilities_drop)):
            for raw, message, severity in _findings(entries, field, container.display_name):
                yield Finding(raw, message, container, certain=raw.certain, severity=severity)
