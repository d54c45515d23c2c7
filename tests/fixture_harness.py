"""Inline expectations in fixture files, semgrep-style.

An annotation comment speaks of the first line after it that is not itself an annotation (several
stacked on consecutive lines all speak of that line):

* ``# expect: CODE severity[, CODE severity]``: the line is flagged by CODE, at that severity
  (``critical``, ``high``, ``medium``, ``low``, ``info``);
* ``# ok: CODE[, CODE]``: the line is not flagged by CODE;
* ``# todo-expect: CODE severity``: a known gap: the line *should* be flagged so, but is not yet
  (or is, at another severity);
* ``# todo-ok: CODE``: a known false positive: the line is flagged but should not be.

For every code a file mentions, the findings on that file must be exactly the ``expect`` ones,
severity included, plus the known false positives. A known gap is reported as such (an expected
failure naming it); a ``todo-`` annotation that starts to hold fails, so that it gets promoted to
``expect``/``ok`` (semgrep's ``todoruleid``). A first-line ``# isolint-args: --kubernetes-version
1.34`` passes options to the run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEVERITIES = ("critical", "high", "medium", "low", "info")
KINDS = ("expect", "ok", "todo-expect", "todo-ok")
ANNOTATION = re.compile(r"#\s*(todo-expect|todo-ok|expect|ok):\s*([A-Z]+[0-9]+\b[^#]*)")
ITEM = re.compile(r"([A-Z]+[0-9]+)(?:\s+([a-z]+))?")
ARGS = re.compile(r"#\s*isolint-args:\s*(.+)")

Mark = tuple[str, int, "str | None"]  # (code, line, severity); severity None where none is written


@dataclass
class Expectations:
    path: Path
    marks: dict[str, set[Mark]] = field(default_factory=lambda: {kind: set() for kind in KINDS})
    args: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # annotations the grammar above does not allow

    @property
    def codes(self) -> set[str]:
        return {code for marks in self.marks.values() for code, _, _ in marks}

    @property
    def expected(self) -> set[Mark]:
        return self.marks["expect"]

    @property
    def ok(self) -> set[tuple[str, int]]:
        return {(code, line) for code, line, _ in self.marks["ok"]}

    def compare(self, found: set[Mark]) -> Verdict:
        """Compares the findings of the codes this file names, as (code, line, severity)."""
        todo_expect, todo_ok = self.marks["todo-expect"], self.marks["todo-ok"]
        false_positives = {(c, ln) for c, ln, _ in todo_ok | todo_expect}  # todo-expect: maybe graded wrong
        at = {(c, ln) for c, ln, _ in found}
        return Verdict(
            missing=sorted(self.expected - found, key=str),
            unexpected=sorted((m for m in found - self.expected if m[:2] not in false_positives), key=str),
            wrongly_flagged=sorted(self.ok & at),
            known_gaps=sorted((m for m in todo_expect if m not in found), key=str)
            + sorted((m[:2] for m in todo_ok if m[:2] in at), key=str),
            promote=[f"todo-expect {m} now holds" for m in sorted(todo_expect & found, key=str)]
            + [f"todo-ok {m[:2]} now holds" for m in sorted(todo_ok, key=str) if m[:2] not in at],
        )


@dataclass
class Verdict:
    missing: list
    unexpected: list
    wrongly_flagged: list
    known_gaps: list
    promote: list

    @property
    def failures(self) -> list[str]:
        return [f"{what} {items}" for what, items in (
            ("missing", self.missing), ("unexpected", self.unexpected),
            ("flagged though marked ok", self.wrongly_flagged), ("promote", self.promote)) if items]


def read_expectations(path: Path) -> Expectations:
    exp = Expectations(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: list[tuple[str, str, str | None]] = []  # annotations waiting for the line they speak of
    for number, line in enumerate(lines, start=1):
        if number <= 2 and (m := ARGS.search(line)):
            exp.args = shlex.split(m.group(1))
        found = list(_annotations(line, number, exp.malformed))
        if found and line.lstrip().startswith("#"):
            pending += found  # stacked annotation comments all describe the next real line
            continue
        for kind, code, severity in pending:
            exp.marks[kind].add((code, number, severity))
        for kind, code, severity in found:  # after code on a line, it too speaks of the next line
            exp.marks[kind].add((code, number + 1, severity))
        pending = []
    return exp


def _annotations(line: str, number: int, malformed: list[str]):
    for m in ANNOTATION.finditer(line):
        kind = m.group(1)
        for item in m.group(2).strip().split(","):
            parsed = ITEM.fullmatch(item.strip())
            severity = parsed and parsed.group(2)
            if parsed is None or (severity is not None and severity not in SEVERITIES) or (
                    kind.endswith("ok") and severity is not None):
                malformed.append(f"line {number}: {kind}: {item.strip()!r}")
                continue
            yield kind, parsed.group(1), severity


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and ANNOTATION.search(p.read_text("utf-8", "replace")))
