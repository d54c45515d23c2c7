"""## What it does
Flags a suppression that silenced nothing: the rule it names did not fire on the line, file,
workload or container it covers, or it names a rule that does not exist. A suppression is judged
only for rules that ran, so `--select` does not make others look unused.

This rule is evaluated by the suppression layer, which sees every finding of the run; its `check`
never yields anything on its own.

## Why is this bad?
A stale suppression is a hole waiting to be filled: when someone later makes the container
privileged on that line, the old comment hides it without review. A misspelled code silences
nothing while looking as if it did.

## Example
```yaml
securityContext:
  # isolint: ignore[PRV001] was privileged before the 2024 refactor
  runAsNonRoot: true
```

## Use instead
Delete the suppression, or move it to the line that is actually flagged.

## References
- isolint documentation: "Suppressions" (README)
"""

from collections.abc import Iterator

from isolint import Context, Finding, Rule, Severity, Workload

RULE = Rule(
    code="SUP002",
    name="unused-suppression",
    severity=Severity.INFO,
    summary="A suppression silences nothing (stale, misplaced or misspelled)",
    references=("isolint: Suppressions",),
)


def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
    return iter(())  # reported by isolint.suppress, which sees every finding of the run
