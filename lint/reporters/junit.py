"""``--format junit``: JUnit XML for CI test reports, one failing test case per finding.

Files that could not be linted are test cases with an ``<error>``; a clean run is one passing
test case, so the report is never empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO
from xml.etree import ElementTree as ET

from ..baseline import normalise_path
from .report import Report, rendered

# XML 1.0 cannot carry most control characters, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def write(report: Report, stream: TextIO) -> None:
    """The document ``ET.indent`` and ``ET.tostring`` would give for the whole tree, written one test
    case at a time: the suite's opening and closing come from a one-case tree."""
    tests = len(report.diagnostics) + len(report.errors) or 1
    suites = ET.Element("testsuites", name="isolint")
    suite = ET.SubElement(suites, "testsuite", name="isolint", tests=str(tests),
                          failures=str(len(report.diagnostics)), errors=str(len(report.errors)), skipped="0")
    ET.SubElement(suite, _PLACEHOLDER)
    ET.indent(suites)
    head, tail = ET.tostring(suites, encoding="unicode").split(f"<{_PLACEHOLDER} />")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head)
    separator = ""
    for case in _cases(report):
        ET.indent(case, level=CASE_LEVEL)
        stream.write(separator + ET.tostring(case, encoding="unicode"))
        separator = head[head.rindex("\n"):]  # what ET.indent puts between two cases
    stream.write(tail + "\n")


_PLACEHOLDER = "isolint-cases"
CASE_LEVEL = 2  # testsuites > testsuite > testcase


def _cases(report: Report) -> Iterator[ET.Element]:
    for d in report.diagnostics:
        loc = d.location
        where = f"{normalise_path(loc.path)}:{loc.line}" + (f":{loc.column}" if loc.column is not None else "")
        who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
        case = ET.Element("testcase", classname=_clean(normalise_path(loc.path)),
                          name=_clean(f"{d.rule} {d.name} {who} at line {loc.line}"),
                          file=_clean(normalise_path(loc.path)),
                          line=str(loc.line))
        failure = ET.SubElement(case, "failure", message=_clean(d.message), type=d.severity.label)
        failure.text = _clean(f"{where}: {d.rule} {d.name} [{d.severity.label}] {d.message} ({who})")
        yield case
    for e in report.errors:
        case = ET.Element("testcase", classname=_clean(normalise_path(e.path)), name="lint file",
                          file=_clean(normalise_path(e.path)))
        error = ET.SubElement(case, "error", message=_clean(e.message), type="error")
        error.text = _clean(f"{e.path}" + (f":{e.line}" if e.line else "") + f": {e.message}")
        yield case
    if not report.diagnostics and not report.errors:
        yield ET.Element("testcase", classname="isolint", name=f"{report.files} file(s) linted, no finding")


def render(report: Report) -> str:
    return rendered(write, report)
