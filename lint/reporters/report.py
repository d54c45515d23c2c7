"""What every output format reads: a run's findings and errors, and how to show them."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from io import StringIO
from typing import Any, TextIO

from ..baseline import baseline_root as report_root  # noqa: F401 (the reporters' name for it)
from ..engine import Diagnostic
from ..gate import Gate, Verdict
from ..model import ParseError
from ..rule import LoadedRule, Severity
from ..sources import reported_relpath


@dataclass(slots=True)
class Report:
    diagnostics: Sequence[Diagnostic]
    errors: list[ParseError]
    files: int = 0
    rules: list[LoadedRule] = field(default_factory=list)
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)  # path -> lines, for code frames
    color: bool = False
    quiet: bool = False  # text: findings only, no code frames or summary
    show_source: bool = False  # text: a code frame under each finding
    statistics: bool = False  # text: a count per rule instead of the findings
    hidden: tuple[int, int] = (0, 0)  # findings suppressed, findings known from the baseline
    gate: Gate = field(default_factory=Gate)  # which findings fail the run
    verdict: Verdict | None = None  # what decided the exit code (worked out by the CLI before writing)
    root: str | None = None  # CI formats: paths relative to this folder (see report_root)
    max_annotations: int = 50  # --format github: at most this many findings annotated (0: all)

    def gating(self, d: Diagnostic) -> bool:
        return self.gate.gating(d)

    def ci_path(self, path: str) -> str:
        """``path`` as CI formats write it: relative to :attr:`root` with ``/``, never absolute."""
        return ci_path(path, self.root)

    def summary(self) -> dict[str, Any]:
        verdict = self.verdict
        out: dict[str, Any] = {
            "files": self.files,
            "findings": len(self.diagnostics),
            "errors": len(self.errors),
            "by_severity": {s.label: n for s, n in self.severities().items()},
            "suppressed": self.hidden[0],
            "baselined": self.hidden[1],
            "gate": self.gate.describe(),
        }
        if verdict is not None:
            out["gating"] = sum(verdict.gating.values())
            out["passed"] = not verdict.failed
        return out

    def severities(self) -> dict[Severity, int]:
        """How many findings of each severity, highest first."""
        counts = Counter(d.severity for d in self.diagnostics)
        return {s: counts.get(s, 0) for s in sorted(Severity, reverse=True)}


Writer = Callable[[Report, TextIO], None]


def ci_path(path: str, root: str | None) -> str:
    """``path`` relative to ``root`` (``/``-separated); ``<stdin>`` as it is. ``..`` steps rather than
    an absolute path when a file lies outside ``root``: a runner's folders are not the reader's."""
    if path.startswith("<"):
        return path
    return _relative(path, root, os.getcwd())


@lru_cache(maxsize=4096)  # a report asks for each finding's path; a file holds many findings
def _relative(path: str, root: str | None, cwd: str) -> str:  # cwd: part of the cache's key
    try:
        return reported_relpath(path, root if root is not None else os.path.realpath(cwd))
    except ValueError:  # another drive on Windows: the name is all that is not the runner's
        return os.path.basename(path)


def verdict_line(verdict: Verdict, gate: Gate) -> str:
    """What decided the exit code, in one line: ``failed (recommended tier, fail-on low): 3 findings
    fail the gate (PRV001 2, NS001 1); 1 error (files that could not be linted)``."""
    reasons = []
    gating = sum(verdict.gating.values())
    if gating:
        top = ", ".join(f"{code} {n}" for code, n in sorted(verdict.gating.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
        more = ", ..." if len(verdict.gating) > 6 else ""
        reasons.append(f"{gating} finding{'s fail' if gating != 1 else ' fails'} the gate ({top}{more})")
    if verdict.errors:
        reasons.append(f"{verdict.errors} error{'s' if verdict.errors != 1 else ''} (files that could not be linted)")
    if verdict.nothing_linted:
        reasons.append("nothing was linted: no Dockerfile, Compose file or Kubernetes manifest found")
    below = verdict.findings - gating
    if not reasons:
        return (f"passed ({gate.describe()})"
                + (f": {below} finding{'s' if below != 1 else ''} below the gate" if below else ""))
    return (f"failed ({gate.describe()}): " + "; ".join(reasons)
            + (f"; {below} more do not gate" if below else ""))


def rendered(write: Writer, report: Report) -> str:
    out = StringIO()
    write(report, out)
    return out.getvalue()
