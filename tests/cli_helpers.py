"""Running the CLI in-process on files written to a temporary folder, for the integration tests."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from isolint.cli import main


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def run_json(capsys: Any, *args: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def found(doc: dict[str, Any]) -> list[tuple[str, int]]:
    """(rule, line) of every finding, in report order."""
    return [(f["rule"], f["line"]) for f in doc.get("findings", [])]
