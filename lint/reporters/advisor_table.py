"""``isolint report``: the isolation advisor as a terminal table, one row per workload."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..advisor import Assessment, Verdict, runtime_text
from .text import safe

COLUMNS = ("WORKLOAD", "TRUST", "RUNTIME", "VERDICT", "DRIVEN BY")
WIDTHS = (48, 12, 34, 19, 40)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def workload_name(a: Assessment) -> str:
    r = a.resource
    return f"{r.kind}/{r.name}" + (f" ({r.namespace})" if r.namespace else "")


def verdict_counts(assessments: Sequence[Assessment]) -> str:
    counts = Counter(a.verdict for a in assessments)
    return ", ".join(f"{counts[v]} {v.label}" for v in sorted(Verdict, reverse=True) if counts[v])


def classify_lines(assessments: Sequence[Assessment]) -> list[str]:
    """The workloads of unknown trust that look like untrusted code, each with the line to write."""
    hinted = [a for a in assessments if a.hint is not None]
    if not hinted:
        return []
    out = ["", f"To classify: {len(hinted)} workload{'s' if len(hinted) != 1 else ''} of unknown trust that may run "
               "untrusted code (a marker or configuration line decides):"]
    for a in hinted:
        assert a.hint is not None
        out.append(safe(f"  {workload_name(a)}: looks like {a.hint.looks_like}: {a.hint.because}"))
        out.append(safe(f"    write {a.hint.marker}"))
        if a.hint.config:
            out.append(safe(f"    or under [tool.isolint.trust]: {a.hint.config} "
                            "(extra-trusted-images if it is trusted)"))
    return out


def render(assessments: Sequence[Assessment], errors: int = 0) -> str:
    rows = [COLUMNS]
    notes: dict[int, list[str]] = {}
    for a in assessments:
        rows.append((workload_name(a), a.classification.trust.value, runtime_text(a.runtime), a.verdict.label,
                     a.finding_summary() or "-"))
        if a.verdict is not Verdict.FINE or a.classification.evidence:
            notes[len(rows) - 1] = [f"{a.where}: {a.reason}", *(f"evidence: {e}" for e in a.classification.evidence)]
    out = []
    for index, row in enumerate(rows):
        cells = [_cut(cell, width).ljust(width) for cell, width in zip(row, WIDTHS, strict=True)]
        out.append(safe("  ".join(cells).rstrip()))
        out.extend(safe(f"    {note}") for note in notes.get(index, ()))
    out.extend(classify_lines(assessments))
    summary = verdict_counts(assessments) or "no workloads"
    out.append("")
    tail = f"; {errors} file error{'s' if errors != 1 else ''} (see `isolint check`)" if errors else ""
    out.append(f"{len(assessments)} workload{'s' if len(assessments) != 1 else ''}: {summary}{tail}")
    if assessments:
        trusts = Counter(a.classification.trust.value for a in assessments)
        hinted = sum(1 for a in assessments if a.hint is not None)
        out.append("trust: " + ", ".join(f"{n} {t}" for t, n in sorted(trusts.items(), key=lambda i: -i[1]))
                   + (f"; {hinted} to classify (above)" if hinted else ""))
    return "\n".join(out) + "\n"
