"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=k8s/web.yaml,line=12,col=13,title=PRV001 privileged-container::message``, the path
relative to the repository root (where GitHub attaches annotations, whatever folder the job ran in).
A finding that fails the gate is an error; one below the gate is a warning (medium and up) or a
notice. GitHub shows only a few annotations per step, so the most severe come first (gating, then
by severity, then by place), at most ``--max-annotations`` of them (default 50; 0 for all), and a
last annotation without a file sums the run up: the verdict and how many were left out.
"""

from __future__ import annotations

from typing import TextIO

from ..engine import Diagnostic
from ..rule import Severity
from .report import Report, rendered, verdict_line

COMMANDS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "warning",
            Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, path: str | None, line: int | None = None, column: int | None = None,
            title: str | None = None) -> str:
    props = [f"file={escape_property(path)}"] if path is not None else []
    if line is not None:
        props.append(f"line={line}")
        if column is not None:
            props.append(f"col={column}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}" if props else f"::{kind}::{escape_data(message)}"


def ordered(report: Report) -> list[Diagnostic]:
    """The findings most severe first: those that fail the gate, then by severity, then by place."""
    return sorted(report.diagnostics, key=lambda d: (not report.gating(d), -d.severity, report.ci_path(d.path),
                                                     d.location.line, d.location.column or 0, d.rule))


def write(report: Report, stream: TextIO) -> None:
    findings = ordered(report)
    total = len(findings) + len(report.errors)
    cap = report.max_annotations if report.max_annotations > 0 else total
    for e in report.errors[:cap]:  # a file that could not be linted hides all it holds: first
        stream.write(command("error", e.message, report.ci_path(e.path), e.line, e.column, "isolint: cannot lint")
                     + "\n")
    for d in findings[:max(cap - len(report.errors), 0)]:
        who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
        gating = report.gating(d)
        kind = "error" if gating else COMMANDS[d.severity].replace("error", "warning")
        below = "" if gating else ", below the gate"
        stream.write(command(kind, f"{d.message} ({who}) [{d.severity.label}{below}]", report.ci_path(d.path),
                             d.location.line, d.location.column, f"{d.rule} {d.name}") + "\n")
    s = report.summary()
    sev = ", ".join(f"{n} {label}" for label, n in s["by_severity"].items() if n)
    text = (f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}" + (f" ({sev})" if sev else "")
            + f", {s['errors']} error{'s' if s['errors'] != 1 else ''} in {s['files']} file"
            + ("s" if s["files"] != 1 else ""))
    if total > cap:
        text += f"; annotated the {cap} most severe, {total - cap} more in the full report (--max-annotations)"
    failed = report.verdict is not None and report.verdict.failed
    if report.verdict is not None:
        text += "; " + verdict_line(report.verdict, report.gate)
    stream.write(command("error" if failed else "notice", text, None, title="isolint summary") + "\n")


def render(report: Report) -> str:
    return rendered(write, report)
