"""``--format gitlab``: GitLab Code Quality (a JSON array of Code Climate issues).

Each issue has ``description``, ``check_name``, a unique ``fingerprint`` (the baseline
fingerprint), ``severity`` (``info``, ``minor``, ``major``, ``critical``, ``blocker``) and a
``location`` with ``path`` and ``lines.begin``, as GitLab's code quality report documents.
"""

from __future__ import annotations

from typing import Any, TextIO

from .. import jsonstream
from ..baseline import fingerprinted, normalise_path
from ..engine import Diagnostic
from ..rule import Severity
from .report import Report, rendered

SEVERITIES = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
              Severity.LOW: "minor", Severity.INFO: "info"}


def write(report: Report, stream: TextIO) -> None:
    jsonstream.write(stream, jsonstream.Items(_issue(d, fp) for d, fp in fingerprinted(report.diagnostics,
                                                                                       report.sources)))
    stream.write("\n")


def _issue(d: Diagnostic, fingerprint: str) -> dict[str, Any]:
    who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
    return {
        "type": "issue",
        "description": f"{d.rule} {d.name}: {d.message} ({who})",
        "check_name": d.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[d.severity],
        "categories": ["Security"],
        "location": {"path": normalise_path(d.path), "lines": {"begin": max(d.location.line, 1)}},
    }


def render(report: Report) -> str:
    return rendered(write, report)
