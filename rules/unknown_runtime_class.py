"""## What it does
Reports a `runtimeClassName` or Compose `runtime:` whose isolation the linter cannot tell: not a
known sandbox name (gVisor, Kata), not a known shared-kernel runtime (runc, crun, youki,
nvidia), and not resolved by a RuntimeClass object of the same run with a recognised handler.

## Why is this bad?
A runtime class name is free-form: isolation depends on the handler behind it, which the
manifest alone does not reveal. Untrusted-workload findings on it are then only low-confidence,
and a reviewer cannot see whether the workload is sandboxed.

## Example
```yaml
spec:
  runtimeClassName: secure
```

## Use instead
Lint the RuntimeClass objects together with the workloads (`handler: runsc` or `kata-*`), or add
the class name to `sandbox_runtime_classes` in the trust configuration.

## References
- Kubernetes: "Runtime Class"
- Kubernetes Pod Security Standards FAQ: "What about sandboxed Pods?"
"""

from collections.abc import Iterator

from isolint import Context, Finding, Format, Rule, Severity, Workload
from isolint.helpers import RuntimeKind, runtime_isolation

RULE = Rule(
    code="RI004",
    name="unknown-runtime-class",
    severity=Severity.INFO,
    summary="Runtime class or runtime whose isolation cannot be determined",
    formats=(Format.KUBERNETES, Format.COMPOSE),
    references=("Kubernetes: Runtime Class", "PSS FAQ: sandboxed Pods"),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    runtime = runtime_isolation(workload, ctx)
    if runtime.kind is not RuntimeKind.UNKNOWN or runtime.name is None:
        return
    handler = f" (RuntimeClass handler {runtime.handler!r})" if runtime.handler else ""
    yield Finding(runtime.name, f"runtime {runtime.name.value!r}{handler} is not a known sandbox or shared-kernel "
                  "runtime: lint its RuntimeClass too or list it in sandbox_runtime_classes, so a sandbox can be "
                  "told from plain runc")
