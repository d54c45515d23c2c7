"""``--format gitlab``: GitLab Code Quality (a JSON array of Code Climate issues).

Each issue has ``description``, ``check_name``, a unique ``fingerprint`` (the baseline
fingerprint), ``severity`` (``info``, ``minor``, ``major``, ``critical``, ``blocker``) and a
``location`` with ``path`` (relative to the repository root, as GitLab resolves it) and
``lines.begin``, as GitLab's code quality report documents. A file that could not be linted is an
issue too (``check_name`` ``isolint/cannot-lint``, severity ``major``): the merge request shows it,
rather than leaving out what went unchecked.
"""

from __future__ import annotations

import hashlib
from itertools import chain
from typing import Any, TextIO

from .. import jsonstream
from ..baseline import fingerprinted
from ..engine import Diagnostic
from ..model import ParseError
from ..rule import Severity
from .report import Report, rendered

SEVERITIES = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
              Severity.LOW: "minor", Severity.INFO: "info"}


def write(report: Report, stream: TextIO) -> None:
    issues = (_issue(report, d, fp) for d, fp in fingerprinted(report.diagnostics, report.sources, report.root))
    jsonstream.write(stream, jsonstream.Items(chain(issues, (_error(report, e) for e in report.errors))))
    stream.write("\n")


def _error(report: Report, e: ParseError) -> dict[str, Any]:
    path = report.ci_path(e.path)
    key = "\x00".join(("cannot-lint", path, e.message))
    return {
        "type": "issue",
        "description": f"isolint could not lint this file: {e.message}",
        "check_name": "isolint/cannot-lint",
        "fingerprint": hashlib.sha256(key.encode()).hexdigest()[:32],
        "severity": "major",
        "categories": ["Bug Risk"],
        "location": {"path": path, "lines": {"begin": max(e.line or 1, 1)}},
    }


def _issue(report: Report, d: Diagnostic, fingerprint: str) -> dict[str, Any]:
    who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
    return {
        "type": "issue",
        "description": f"{d.rule} {d.name}: {d.message} ({who})",
        "check_name": d.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[d.severity],
        "categories": ["Security"],
        "location": {"path": report.ci_path(d.path), "lines": {"begin": max(d.location.line, 1)}},
    }


def render(report: Report) -> str:
    return rendered(write, report)
