"""``isolint report --format markdown``: the isolation advisor as a pull-request comment.

Workloads that need a stronger boundary come first; the table stops at ``max_rows`` or before the
text outgrows a GitHub comment (65,536 characters), and says how many rows it left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..advisor import Assessment, Verdict, runtime_text
from .advisor_table import verdict_counts, workload_name
from .text import safe

COMMENT_BUDGET = 60_000  # characters, leaving room for the summary lines
ICONS = {Verdict.VM: "🔴", Verdict.SANDBOX: "🟠", Verdict.HOST_AGENT: "🟣", Verdict.HARDEN: "🟡",
         Verdict.SANDBOXED: "🔵", Verdict.FINE: "🟢"}


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell (no pipes, no line breaks, no raw HTML)."""
    return safe(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def render(assessments: Sequence[Assessment], errors: int = 0, max_rows: int = 200) -> str:
    out = ["## isolint isolation report", ""]
    out.append(f"**{len(assessments)} workload{'s' if len(assessments) != 1 else ''}**: "
               f"{verdict_counts(assessments) or 'none found'}"
               + (f" · {errors} file error{'s' if errors != 1 else ''}" if errors else ""))
    out.append("")
    if not assessments:
        return "\n".join(out) + "\n"
    out.append("| Verdict | Workload | Trust (evidence) | Runtime | Why | Findings |")
    out.append("|---|---|---|---|---|---|")
    shown = 0
    for a in assessments[:max_rows]:
        trust = a.classification.trust.value
        if a.classification.evidence:
            trust += f" ({'; '.join(a.classification.evidence)})"
        out.append(f"| {ICONS[a.verdict]} {a.verdict.label} | {cell(workload_name(a))}<br>{cell(a.where)} | "
                   f"{cell(trust)} | {cell(runtime_text(a.runtime))} | {cell(a.reason)} | "
                   f"{cell(a.finding_summary()) or '-'} |")
        shown += 1
        if sum(len(line) + 1 for line in out) > COMMENT_BUDGET:
            break
    hinted = [a for a in assessments if a.hint is not None]
    if hinted:
        out.append("")
        out.append(f"**To classify** ({len(hinted)}, trust unknown, may run untrusted code):")
        out.append("")
        for a in hinted[:max_rows]:
            assert a.hint is not None
            config = f" or `{cell(a.hint.config)}` under `[tool.isolint.trust]`" if a.hint.config else ""
            out.append(f"- {cell(workload_name(a))}: looks like {cell(a.hint.looks_like)} ({cell(a.hint.because)}); "
                       f"write {cell(a.hint.marker)}{config}")
    if len(assessments) > shown:
        hidden = assessments[shown:]
        out.append("")
        out.append(f"_{len(hidden)} more workload{'s' if len(hidden) != 1 else ''} not shown "
                   f"({verdict_counts(hidden)})._")
    out.append("")
    out.append("Verdicts: **VM** needs a kernel of its own · **sandbox runtime** gVisor/Kata runtime class · "
               "**host agent** a node agent whose host access is its job: trust it, dedicated nodes or accepted "
               "risk · **harden it** fix the findings · **already sandboxed** gVisor, Kata or a VM · "
               "**fine as a container**. Details: `isolint check`.")
    return "\n".join(out) + "\n"
