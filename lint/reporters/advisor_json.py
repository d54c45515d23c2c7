"""``isolint report --format json``: the isolation advisor for tools (shape: docs/advisor.md).

One object: ``version``, ``workloads`` (worst verdict first, as the table), ``to_classify`` (the
workloads of unknown trust that look like untrusted code, with the line to write), ``errors`` and
``summary`` (counts per verdict and per trust class). Verdicts are written by their stable key
(``vm``, ``sandbox-runtime``, ``host-agent``, ``harden``, ``already-sandboxed``, ``fine``); the
human label is beside it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..advisor import Assessment, Verdict
from ..context import Trust
from ..model import ParseError
from .json_report import error_dict, resource_dict

FORMAT_VERSION = 1


def _runtime(a: Assessment) -> dict[str, Any]:
    runtime = a.runtime
    return {"name": runtime.name.value if runtime.name is not None else None, "kind": runtime.kind.value,
            "handler": runtime.handler, "sandboxed": runtime.kind.sandboxed}


def _hint(a: Assessment) -> dict[str, Any] | None:
    if a.hint is None:
        return None
    return {"looks_like": a.hint.looks_like, "because": a.hint.because, "marker": a.hint.marker,
            "config": a.hint.config}


def workload_dict(a: Assessment) -> dict[str, Any]:
    return {
        "resource": resource_dict(a.resource),
        "format": a.workload.format.value,
        "path": a.workload.loc.path,
        "line": a.workload.loc.line,
        "trust": a.classification.trust.value,
        "evidence": list(a.classification.evidence),
        "runtime": _runtime(a),
        "verdict": a.verdict.key,
        "verdict_label": a.verdict.label,
        "reason": a.reason,
        "host_access": list(dict.fromkeys(a.host_access)),
        "drivers": [{"rule": d.rule, "severity": d.severity.label, "line": d.location.line} for d in a.drivers],
        "findings": len(a.findings),
        "classify": _hint(a),
    }


def document(assessments: Sequence[Assessment], errors: Sequence[ParseError] = ()) -> dict[str, Any]:
    verdicts = Counter(a.verdict for a in assessments)
    trusts = Counter(a.classification.trust for a in assessments)
    return {
        "version": FORMAT_VERSION,
        "workloads": [workload_dict(a) for a in assessments],
        "to_classify": [{"resource": resource_dict(a.resource), "path": a.workload.loc.path,
                         "line": a.workload.loc.line, **(_hint(a) or {})} for a in assessments if a.hint is not None],
        "errors": [error_dict(e) for e in errors],
        "summary": {
            "workloads": len(assessments),
            "verdicts": {v.key: verdicts.get(v, 0) for v in sorted(Verdict, reverse=True)},
            "trust": {t.value: trusts.get(t, 0) for t in Trust},
            "to_classify": sum(1 for a in assessments if a.hint is not None),
            "errors": len(errors),
        },
    }


def render(assessments: Sequence[Assessment], errors: Sequence[ParseError] = ()) -> str:
    return json.dumps(document(assessments, errors), indent=2, ensure_ascii=False) + "\n"
