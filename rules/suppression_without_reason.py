"""## What it does
Flags a suppression that gives no reason: `# isolint: ignore[PRV001]` with nothing after it, an
`isolint.io/ignore: "PRV001"` annotation, or a Compose `x-isolint: {ignore: [PRV001]}` entry
without text. The suppression still silences its finding; this finding takes its place.

This rule is evaluated by the suppression layer, which sees comments and annotations; its `check`
never yields anything on its own.

## Why is this bad?
A silenced isolation finding is an accepted risk. Without a written reason nobody can tell later
whether it was reviewed, by whom, or whether the reason still holds, and a reviewer cannot judge
the change that added it.

## Example
```yaml
securityContext:
  # isolint: ignore[PRV001]
  privileged: true
```

## Use instead
```yaml
securityContext:
  # isolint: ignore[PRV001] CNI agent must program host networking (SEC-1234)
  privileged: true
```

## References
- isolint documentation: "Suppressions" (README)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Rule, Severity, Workload

RULE = Rule(
    code="SUP001",
    name="suppression-without-reason",
    severity=Severity.LOW,
    summary="A suppression silences a finding without saying why",
    references=("isolint: Suppressions",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    return iter(())  # reported by isolint.suppress, which sees the suppressions themselves
