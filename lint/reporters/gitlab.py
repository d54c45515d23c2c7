"""``--format gitlab``: GitLab Code Quality (a JSON array of Code Climate issues).

Each issue has ``description``, ``check_name``, a unique ``fingerprint`` (the baseline
fingerprint), ``severity`` (``info``, ``minor``, ``major``, ``critical``, ``blocker``) and a
``location`` with ``path`` and ``lines.begin``, as GitLab's code quality report documents.
"""

from __future__ import annotations

import json

from ..baseline import fingerprints, normalise_path
from ..rule import Severity
from . import Report

SEVERITIES = {Severity.CRITICAL: "blocker", Severity.HIGH: "critical", Severity.MEDIUM: "major",
              Severity.LOW: "minor", Severity.INFO: "info"}


def render(report: Report) -> str:
    issues = []
    for d, fp in zip(report.diagnostics, fingerprints(report.diagnostics, report.sources), strict=True):
        who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
        issues.append({
            "type": "issue",
            "description": f"{d.rule} {d.name}: {d.message} ({who})",
            "check_name": d.rule,
            "fingerprint": fp,
            "severity": SEVERITIES[d.severity],
            "categories": ["Security"],
            "location": {"path": normalise_path(d.path), "lines": {"begin": max(d.location.line, 1)}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
