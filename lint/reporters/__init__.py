"""Output formats, a table of functions. Each module writes a :class:`Report` to a stream as it
goes (``write``), so a report of any size never exists whole in memory, or renders it to a string
(``render``); the CLI picks one by name."""

from __future__ import annotations

from . import github, gitlab, json_report, junit, sarif, text
from .report import Report, Writer, rendered, verdict_line

WRITERS: dict[str, Writer] = {"text": text.write, "json": json_report.write, "sarif": sarif.write,
                              "junit": junit.write, "github": github.write, "gitlab": gitlab.write}
FORMATS = tuple(WRITERS)


def writer(name: str) -> Writer:
    """The ``write(report, stream)`` of format ``name``."""
    return WRITERS[name]


__all__ = ["FORMATS", "WRITERS", "Report", "Writer", "rendered", "verdict_line", "writer"]
