"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Rules carry their documentation (``help``), a ``helpUri`` to their page and a
``security-severity`` GitHub uses to rank alerts; results carry line and (when known) column,
the resource as a logical location and the baseline fingerprint as ``partialFingerprints``, so
alerts survive lines shifting. URIs are relative to ``%SRCROOT%``, the repository root (git
top-level, else the folder isolint ran in), which the file does not spell out: no path of the
machine that ran it is written.

GitHub reads ``security-severity`` from the rule a result points to, not from the result. A
result whose severity is not its rule's (raised for an untrusted workload, set by a rule case
or by configuration) therefore points to a descriptor of its own, ``CODE/severity`` (for example
``NS002/high``), carrying that severity, so GitHub shows a ``high`` result as High, never as its
rule's default Critical. Each result also keeps ``security-severity`` in its own properties.
"""

from __future__ import annotations

from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__, jsonstream
from ..baseline import fingerprinted
from ..engine import Diagnostic
from ..model import Location
from ..rule import LoadedRule, Severity
from .report import Report, ci_path, rendered

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/isolint/isolint"
RULE_DOCS = "https://github.com/isolint/isolint/blob/main/docs/rules/"
SRCROOT = "SRCROOT"
LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "warning",
          Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0",
                     Severity.INFO: "1.0"}


def artifact_uri(path: str, root: str | None = None) -> dict[str, Any]:
    return {"uri": quote(ci_path(path, root)), "uriBaseId": SRCROOT}


def physical_location(loc: Location, root: str | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(loc.line, 1)}
    if loc.column is not None:
        region["startColumn"] = loc.column
    return {"physicalLocation": {"artifactLocation": artifact_uri(loc.path, root), "region": region}}


def _what_it_does(doc: str) -> str:
    """The ``## What it does`` section of a rule's documentation, as one paragraph."""
    section = doc.split("## What it does", 1)[-1].split("\n## ", 1)[0]
    return " ".join(section.split())


def rule_id(code: str, severity: Severity, default: Severity | None) -> str:
    """The descriptor a result points to: its rule's, or ``CODE/severity`` at another severity."""
    return code if default is None or severity == default else f"{code}/{severity.label}"


def rule_descriptor(rule: LoadedRule, severity: Severity | None = None) -> dict[str, Any]:
    meta = rule.meta
    severity = meta.severity if severity is None else severity
    tags = ["security", "containers", *(f.value for f in meta.formats), *meta.profiles]
    return {
        "id": rule_id(meta.code, severity, meta.severity),
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": _what_it_does(rule.doc) or meta.summary},
        "helpUri": f"{RULE_DOCS}{meta.code}.md",
        "help": {"text": rule.doc or meta.summary, "markdown": rule.doc or meta.summary},
        "defaultConfiguration": {"level": LEVELS[severity], "enabled": meta.default},
        "properties": {"tags": tags, "security-severity": SECURITY_SEVERITY[severity],
                       "precision": "high"},
    }


def _result(d: Diagnostic, index: dict[str, int], defaults: dict[str, Severity], fingerprint: str,
            gating: bool | None, root: str | None, fixes: _Fixes | None = None) -> dict[str, Any]:
    location = physical_location(d.location, root)
    resource = d.resource
    fully_qualified = "/".join(p for p in (resource.namespace, resource.kind, resource.name) if p)
    logical = [{"name": resource.name, "kind": "resource", "fullyQualifiedName": fully_qualified}]
    if d.container:
        logical.append({"name": d.container, "kind": "container",
                        "fullyQualifiedName": f"{fully_qualified}/{d.container}"})
    location["logicalLocations"] = logical
    result: dict[str, Any] = {
        "ruleId": rule_id(d.rule, d.severity, defaults.get(d.rule)),
        "level": LEVELS[d.severity],
        "message": {"text": d.message},
        "locations": [location],
        "partialFingerprints": {"isolint/v1": fingerprint},
        "properties": {"severity": d.severity.label, "security-severity": SECURITY_SEVERITY[d.severity]},
    }
    if gating is not None:
        result["properties"]["gating"] = gating
    if result["ruleId"] in index:
        result["ruleIndex"] = index[result["ruleId"]]
    if d.related:
        result["relatedLocations"] = [{"id": i, **physical_location(loc, root), "message": {"text": message}}
                                      for i, (loc, message) in enumerate(d.related, start=1)]
    if not d.certain:
        result["properties"]["confidence"] = "low"
    if fixes is not None and d.fix is not None:
        sarif_fixes = fixes.of(d)
        if sarif_fixes:
            result["fixes"] = sarif_fixes
    return result


class _Fixes:
    """``fixes`` of results: the edits ``isolint fix`` would make (files read through the safe reader)."""

    def __init__(self, rules: list[LoadedRule], root: str | None = None) -> None:
        from ..fixer import SarifFixes

        self.root = root
        self.applicability = {r.code: r.meta.fix.value for r in rules if r.meta.fix is not None}
        self.sarif = SarifFixes(_read)

    def of(self, d: Diagnostic) -> list[dict[str, Any]] | None:
        if d.rule not in self.applicability or d.fix is None:
            return None
        return self.sarif.of(d, artifact_uri(d.fix.anchor.path, self.root), self.applicability[d.rule])


def _read(path: str) -> str | None:
    from ..sources import ReadError, read_text

    try:
        return read_text(path)
    except ReadError:
        return None


def write(report: Report, stream: TextIO) -> None:
    by_code = {r.code: r for r in report.rules}
    defaults = {code: r.meta.severity for code, r in by_code.items()}
    others = {(d.rule, d.severity) for d in report.diagnostics if d.rule in defaults and d.severity != defaults[d.rule]}
    descriptors = [rule_descriptor(r) for r in by_code.values()]
    descriptors += [rule_descriptor(by_code[code], severity) for code, severity in others]
    descriptors.sort(key=lambda r: r["id"])
    index = {r["id"]: i for i, r in enumerate(descriptors)}
    notifications = [
        {"level": "error", "message": {"text": e.message},
         "locations": [physical_location(Location(e.path, e.line or 1, e.column), report.root)]}
        for e in report.errors
    ]
    fixes = _Fixes(list(by_code.values()), report.root)
    results = (_result(d, index, defaults, fp, report.gating(d), report.root, fixes)
               for d, fp in fingerprinted(report.diagnostics, report.sources, report.root))
    run = {
        "tool": {"driver": {"name": "isolint", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root (git top-level), else the "
                                                                 "folder isolint ran in."}}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": jsonstream.Items(results),
        "columnKind": "unicodeCodePoints",
    }
    jsonstream.write(stream, {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
    stream.write("\n")


def render(report: Report) -> str:
    return rendered(write, report)
