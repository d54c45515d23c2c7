"""``--format github``: GitHub Actions workflow commands, shown as annotations on the diff.

``::error file=k8s/web.yaml,line=12,col=13,title=PRV001 privileged-container::message``;
critical and high are errors, medium and low warnings, info notices.
"""

from __future__ import annotations

from typing import TextIO

from ..baseline import normalise_path
from ..rule import Severity
from .report import Report, rendered

COMMANDS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "warning",
            Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, path: str, line: int | None = None, column: int | None = None,
            title: str | None = None) -> str:
    props = [f"file={escape_property(normalise_path(path))}"]
    if line is not None:
        props.append(f"line={line}")
        if column is not None:
            props.append(f"col={column}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def write(report: Report, stream: TextIO) -> None:
    for d in report.diagnostics:
        who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
        stream.write(command(COMMANDS[d.severity], f"{d.message} ({who}) [{d.severity.label}]", d.path,
                             d.location.line, d.location.column, f"{d.rule} {d.name}") + "\n")
    for e in report.errors:
        stream.write(command("error", e.message, e.path, e.line, e.column, "isolint: cannot lint") + "\n")
    s = report.summary()
    stream.write(f"isolint: {s['findings']} finding(s), {s['errors']} error(s) in {s['files']} file(s)\n")


def render(report: Report) -> str:
    return rendered(write, report)
