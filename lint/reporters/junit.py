"""``--format junit``: JUnit XML for CI test reports, one test case per finding.

A finding that fails the gate is a ``<failure>``; one below the gate is ``<skipped>`` (shown, not
enforced), so the report fails exactly when the run does. A test case is named by rule, resource
and container, never by line: CI test history (GitLab, Jenkins) follows a case by its name, and
a line shift must not make a new test. Two findings of one rule on one resource and container are
told apart by their order (``#2``). Files that could not be linted are test cases with an
``<error>``; a clean run is one passing test case, so the report is never empty. Paths are
relative to the repository root.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TextIO
from xml.etree import ElementTree as ET

from .report import Report, rendered

# XML 1.0 cannot carry most control characters, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def write(report: Report, stream: TextIO) -> None:
    """The document ``ET.indent`` and ``ET.tostring`` would give for the whole tree, written one test
    case at a time: the suite's opening and closing come from a one-case tree."""
    tests = len(report.diagnostics) + len(report.errors) or 1
    failures = sum(1 for d in report.diagnostics if report.gating(d))
    suites = ET.Element("testsuites", name="isolint")
    suite = ET.SubElement(suites, "testsuite", name="isolint", tests=str(tests), failures=str(failures),
                          errors=str(len(report.errors)), skipped=str(len(report.diagnostics) - failures))
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
    seen: Counter[tuple[str, str]] = Counter()
    for d in report.diagnostics:
        loc = d.location
        path = report.ci_path(loc.path)
        where = f"{path}:{loc.line}" + (f":{loc.column}" if loc.column is not None else "")
        who = f"{d.resource.kind}/{d.resource.name}" + (f" [{d.container}]" if d.container else "")
        name = f"{d.rule} {d.name} {who}"
        seen[(path, name)] += 1
        if seen[(path, name)] > 1:
            name += f" #{seen[(path, name)]}"
        case = ET.Element("testcase", classname=_clean(path), name=_clean(name), file=_clean(path),
                          line=str(loc.line))
        text = _clean(f"{where}: {d.rule} {d.name} [{d.severity.label}] {d.message} ({who})")
        if report.gating(d):
            failure = ET.SubElement(case, "failure", message=_clean(d.message), type=d.severity.label)
            failure.text = text
        else:
            skipped = ET.SubElement(case, "skipped", message=_clean(f"below the gate ({report.gate.describe()}): "
                                                                    f"{d.message}"))
            skipped.text = text
        yield case
    for e in report.errors:
        path = report.ci_path(e.path)
        case = ET.Element("testcase", classname=_clean(path), name="lint file", file=_clean(path))
        error = ET.SubElement(case, "error", message=_clean(e.message), type="error")
        error.text = _clean(path + (f":{e.line}" if e.line else "") + f": {e.message}")
        yield case
    if not report.diagnostics and not report.errors:
        yield ET.Element("testcase", classname="isolint", name=f"{report.files} file(s) linted, no finding")


def render(report: Report) -> str:
    return rendered(write, report)
