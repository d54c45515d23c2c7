"""``--format text``: ``path:line:col: CODE name message``, a code frame, and a summary line."""

from __future__ import annotations

import re
from typing import TextIO

from ..engine import Diagnostic
from ..rule import Severity
from .report import Report, rendered, verdict_line

# C0 (but tab) incl. newline, DEL, C1, and the bidi/line-separator characters that reorder or break lines
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
COLORS = {Severity.CRITICAL: "1;31", Severity.HIGH: "31", Severity.MEDIUM: "33", Severity.LOW: "36",
          Severity.INFO: "2"}


def safe(text: str) -> str:
    """Escape terminal control characters (and bidi overrides) that came from linted files."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _frame(d: Diagnostic, lines: tuple[str, ...], color: bool) -> list[str]:
    line = d.location.line
    if not 1 <= line <= len(lines):
        return []
    number = str(line)
    source = safe(lines[line - 1].replace("\t", " "))
    out = [f"  {number} | {source[:200]}"]
    if d.location.column is not None:
        pad = " " * (len(number) + 2 + d.location.column)
        out.append(f"  {pad}{_paint('^', COLORS[d.severity], color)}")
    return out


def format_line(d: Diagnostic, color: bool = False) -> str:
    loc = d.location
    where = f"{loc.path}:{loc.line}" + (f":{loc.column}" if loc.column is not None else "")
    who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
    tag = _paint(f"{d.rule} {d.name}", COLORS[d.severity], color)  # painted after escaping what came from files
    extra = ""
    if d.escalated_from is not None:
        extra += f" (raised from {d.escalated_from.label}: untrusted or multi-tenant workload)"
    if not d.certain:
        extra += " (low confidence)"
    return f"{safe(where)}: {tag} {safe(d.message)} [{d.severity.label}] ({safe(who)}){extra}"


def write(report: Report, stream: TextIO) -> None:
    for d in report.diagnostics:
        stream.write(format_line(d, report.color) + "\n")
        if report.quiet:
            continue
        for line in _frame(d, report.sources.get(d.location.path, ()), report.color):
            stream.write(line + "\n")
        for loc, message in d.related:
            col = f":{loc.column}" if loc.column is not None else ""
            stream.write(safe(f"  = related: {loc.path}:{loc.line}{col}: {message}") + "\n")
    for e in report.errors:
        where = e.path + (f":{e.line}" if e.line is not None else "") + (f":{e.column}" if e.column else "")
        stream.write(safe(f"{where}: error: {e.message}") + "\n")
    if report.quiet:
        return
    s = report.summary()
    sev = ", ".join(f"{n} {label}" for label, n in s["by_severity"].items() if n)
    stream.write(f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}"
                 + (f" ({sev})" if sev else "")
                 + f", {s['errors']} error{'s' if s['errors'] != 1 else ''} in {s['files']} file"
                 + ("s" if s["files"] != 1 else "")
                 + "".join(f", {n} {what}" for n, what in zip(report.hidden, ("suppressed", "in baseline"),
                                                               strict=True) if n)
                 + "\n")
    if report.verdict is not None:
        stream.write(verdict_line(report.verdict, report.gate) + "\n")


def render(report: Report) -> str:
    return rendered(write, report)
