"""``--format text``: one line per finding, ``path:line:col: CODE [severity] message``, grouped by
file (a blank line between files); the code frame and related places with ``--show-source``;
``--statistics`` a count per rule instead of the findings (as ruff's); then a summary and the
verdict (passed or failed, and against which threshold)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from ..engine import Diagnostic
from ..model import ParseError
from ..rule import Severity
from ..sources import excerpt
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
    code = _paint(d.rule, COLORS[d.severity], color)  # painted after escaping what came from files
    notes = [d.severity.label]
    if d.escalated_from is not None:
        notes.append(f"raised from {d.escalated_from.label}")
    if not d.certain:
        notes.append("low confidence")
    return f"{safe(where)}: {code} [{', '.join(notes)}] {safe(d.message)}"


def format_error(e: ParseError) -> str:
    """``path:line:col: error: message``, escaped."""
    where = e.path + (f":{e.line}" if e.line is not None else "") + (f":{e.column}" if e.column else "")
    return safe(f"{where}: error: {e.message}")


def _error_frame(e: ParseError, lines: Sequence[str]) -> list[str]:
    """An error's line, only as a short escaped excerpt (docs/security.md: never echo more of a file)."""
    if e.line is None or not 1 <= e.line <= len(lines):
        return []
    return [f"  {e.line} | {excerpt(lines[e.line - 1])}"]


def statistics(report: Report) -> list[str]:
    """``count  CODE  name  [severity]`` per rule, most frequent first (ruff's ``--statistics``)."""
    counts = Counter(d.rule for d in report.diagnostics)
    first = {}
    for d in report.diagnostics:
        first.setdefault(d.rule, d)
    width = len(str(max(counts.values(), default=0)))
    code_width = max((len(c) for c in counts), default=0)
    name_width = max((len(first[c].name) for c in counts), default=0)
    gating = Counter(d.rule for d in report.diagnostics if report.gating(d))
    return [f"{n:>{width}}  {code:<{code_width}}  {first[code].name:<{name_width}}  "
            f"[{first[code].severity.label}{'' if gating[code] else ', below the gate'}]".rstrip()
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def write(report: Report, stream: TextIO) -> None:
    if report.statistics:
        for line in statistics(report):
            stream.write(line + "\n")
    else:
        previous = None
        for d in report.diagnostics:
            if previous is not None and d.location.path != previous and not report.quiet:
                stream.write("\n")  # grouped by file
            previous = d.location.path
            stream.write(format_line(d, report.color) + "\n")
            if not report.show_source or report.quiet:
                continue
            for line in _frame(d, report.sources.get(d.location.path, ()), report.color):
                stream.write(line + "\n")
            for loc, message in d.related:
                col = f":{loc.column}" if loc.column is not None else ""
                stream.write(safe(f"  = related: {loc.path}:{loc.line}{col}: {message}") + "\n")
    if report.errors and report.diagnostics and not report.quiet and not report.statistics:
        stream.write("\n")
    for e in report.errors:
        stream.write(format_error(e) + "\n")
        if report.show_source and not report.quiet:
            for line in _error_frame(e, report.sources.get(e.path, ())):
                stream.write(line + "\n")
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
