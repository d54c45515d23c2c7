"""``--format json``: one object with version, findings, errors and a summary."""

from __future__ import annotations

from typing import Any, TextIO

from .. import jsonstream
from ..engine import Diagnostic
from ..model import Location, ParseError, Resource
from .report import Report, rendered

FORMAT_VERSION = 1


def resource_dict(resource: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": resource.kind, "name": resource.name}
    if resource.namespace:
        out["namespace"] = resource.namespace
    return out


def location_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path, "line": loc.line}
    if loc.column is not None:
        out["column"] = loc.column
    return out


def finding_dict(d: Diagnostic, gating: bool | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": d.rule,
        "name": d.name,
        "severity": d.severity.label,
        "path": d.location.path,
        "line": d.location.line,
        "column": d.location.column,
        "message": d.message,
        "resource": resource_dict(d.resource),
    }
    if gating is not None:
        out["gating"] = gating
    if d.container is not None:
        out["container"] = d.container
    if d.format is not None:
        out["format"] = d.format
    if not d.certain:
        out["confidence"] = "low"
    if d.escalated_from is not None:
        out["escalated_from"] = d.escalated_from.label
    if d.related:
        out["related"] = [{**location_dict(loc), "message": msg} for loc, msg in d.related]
    return out


def error_dict(e: ParseError) -> dict[str, Any]:
    out: dict[str, Any] = {"path": e.path, "message": e.message}
    if e.line is not None:
        out["line"] = e.line
    if e.column is not None:
        out["column"] = e.column
    return out


def write(report: Report, stream: TextIO) -> None:
    jsonstream.write(stream, {
        "version": FORMAT_VERSION,
        "findings": jsonstream.Items(finding_dict(d, report.gating(d)) for d in report.diagnostics),
        "errors": [error_dict(e) for e in report.errors],
        "summary": report.summary(),
    })
    stream.write("\n")


def render(report: Report) -> str:
    return rendered(write, report)
