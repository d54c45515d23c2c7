"""Output formats. Each module renders a :class:`Report` to text; the CLI picks one by name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine import Diagnostic
from ..model import ParseError
from ..rule import LoadedRule, Severity


@dataclass(slots=True)
class Report:
    diagnostics: list[Diagnostic]
    errors: list[ParseError]
    files: int = 0
    rules: list[LoadedRule] = field(default_factory=list)
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # path -> lines, for code frames
    color: bool = False
    quiet: bool = False  # text: findings only, no code frames or summary
    hidden: tuple[int, int] = (0, 0)  # findings suppressed, findings known from the baseline

    def summary(self) -> dict[str, Any]:
        counts = Counter(d.severity.label for d in self.diagnostics)
        return {
            "files": self.files,
            "findings": len(self.diagnostics),
            "errors": len(self.errors),
            "by_severity": {s.label: counts.get(s.label, 0) for s in sorted(Severity, reverse=True)},
        }


def renderer(name: str) -> Callable[[Report], str]:
    if name == "json":
        from .json_report import render
    elif name == "text":
        from .text import render
    elif name == "sarif":
        from .sarif import render
    elif name == "junit":
        from .junit import render
    elif name == "github":
        from .github import render
    elif name == "gitlab":
        from .gitlab import render
    else:
        raise KeyError(name)
    return render


FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")
