"""What every output format reads: a run's findings and errors, and how to show them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any, TextIO

from ..engine import Diagnostic
from ..model import ParseError
from ..rule import LoadedRule, Severity


@dataclass(slots=True)
class Report:
    diagnostics: Sequence[Diagnostic]
    errors: list[ParseError]
    files: int = 0
    rules: list[LoadedRule] = field(default_factory=list)
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)  # path -> lines, for code frames
    color: bool = False
    quiet: bool = False  # text: findings only, no code frames or summary
    hidden: tuple[int, int] = (0, 0)  # findings suppressed, findings known from the baseline

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "findings": len(self.diagnostics),
            "errors": len(self.errors),
            "by_severity": {s.label: n for s, n in self.severities().items()},
        }

    def severities(self) -> dict[Severity, int]:
        """How many findings of each severity, highest first."""
        counts = Counter(d.severity for d in self.diagnostics)
        return {s: counts.get(s, 0) for s in sorted(Severity, reverse=True)}


Writer = Callable[[Report, TextIO], None]


def rendered(write: Writer, report: Report) -> str:
    out = StringIO()
    write(report, out)
    return out.getvalue()
