"""Inline expectations in fixture files, semgrep-style.

``# expect: CODE[, CODE]`` on a line says the next line must be flagged by each CODE;
``# ok: CODE[, CODE]`` says it must not be. Several annotation comments stacked on consecutive
lines all speak of the first line after them. For every code a file mentions, the lines it flags
must be exactly the expected ones. A first-line ``# isolint-args: --kubernetes-version 1.34``
passes options to the run.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ANNOTATION = re.compile(r"#\s*(expect|ok):\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")
ARGS = re.compile(r"#\s*isolint-args:\s*(.+)")


@dataclass
class Expectations:
    path: Path
    expected: set[tuple[str, int]] = field(default_factory=set)
    ok: set[tuple[str, int]] = field(default_factory=set)
    args: list[str] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        return {code for code, _ in self.expected | self.ok}


def read_expectations(path: Path) -> Expectations:
    exp = Expectations(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    pending: list[tuple[str, str]] = []  # annotations waiting for the line they speak of
    for number, line in enumerate(lines, start=1):
        if number <= 2 and (m := ARGS.search(line)):
            exp.args = shlex.split(m.group(1))
        found = [(m.group(1), code) for m in ANNOTATION.finditer(line)
                 for code in re.split(r"\s*,\s*", m.group(2).strip())]
        if found and line.lstrip().startswith("#"):
            pending += found  # stacked annotation comments all describe the next real line
            continue
        for kind, code in pending + found:
            (exp.expected if kind == "expect" else exp.ok).add((code, number + 1 if (kind, code) in found else number))
        pending = []
    return exp


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and ANNOTATION.search(p.read_text("utf-8", "replace")))
