"""The isolation advisor: for every workload, which boundary it needs and why.

A verdict per workload, from its trust classification, its runtime and the findings of the run:

* ``VM``: the workload needs a kernel of its own that no container can give it: build tooling
  that can reach the node (RI002), an image for another OS (RI008), untrusted kernel-coupled work
  (RI007 at high) or untrusted Windows code (RI009);
* ``sandbox runtime``: untrusted or multi-tenant code on a shared kernel (RI001);
* ``harden it``: findings at or above the failing threshold, none of the above;
* ``fine as a container``: nothing at or above the threshold.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import UNCLASSIFIED, Classification, Context
from .engine import Diagnostic
from .model import FileModel, Resource, Workload
from .rule import Severity
from .trust import RuntimeIsolation, RuntimeKind, runtime_isolation


class Verdict(enum.IntEnum):
    FINE = 0
    HARDEN = 1
    SANDBOX = 2
    VM = 3

    @property
    def label(self) -> str:
        return {Verdict.FINE: "fine as a container", Verdict.HARDEN: "harden it",
                Verdict.SANDBOX: "sandbox runtime", Verdict.VM: "VM"}[self]


# rule code -> (verdict it calls for, why, in a few words)
VM_DRIVERS = {"RI002": "build tooling that can reach the node runs repository code",
              "RI007": "untrusted code needs the host kernel or hardware",
              "RI008": "the image needs another OS kernel",
              "RI009": "untrusted Windows code shares the Windows kernel"}
SANDBOX_DRIVERS = {"RI001": "untrusted or multi-tenant code shares the host kernel"}


@dataclass(slots=True)
class Assessment:
    workload: Workload
    classification: Classification
    runtime: RuntimeIsolation
    verdict: Verdict = Verdict.FINE
    reason: str = "no isolation weakness at or above the threshold"
    findings: list[Diagnostic] = field(default_factory=list)
    drivers: list[Diagnostic] = field(default_factory=list)

    @property
    def resource(self) -> Resource:
        return self.workload.resource

    @property
    def where(self) -> str:
        return f"{self.workload.loc.path}:{self.workload.loc.line}"

    def finding_summary(self) -> str:
        """``RI001 high, PRV001 critical x2`` for the findings that drove the verdict."""
        shown = self.drivers or self.findings
        counts = Counter((d.rule, d.severity) for d in shown)
        ordered = sorted(counts.items(), key=lambda item: (-item[0][1], item[0][0]))
        return ", ".join(f"{code} {sev.label}" + (f" x{n}" if n > 1 else "") for (code, sev), n in ordered)


def _key(resource: Resource, path: str) -> tuple[str, str, str | None, str]:
    return (resource.kind, resource.name, resource.namespace, path)


def _judge(assessment: Assessment, threshold: Severity) -> None:
    failing = [d for d in assessment.findings if d.severity >= threshold]
    vm = [d for d in failing if d.rule in VM_DRIVERS and not (d.rule == "RI007" and d.severity < Severity.HIGH)]
    sandbox = [d for d in failing if d.rule in SANDBOX_DRIVERS]
    if vm:
        assessment.verdict, assessment.drivers = Verdict.VM, vm
        assessment.reason = "; ".join(dict.fromkeys(VM_DRIVERS[d.rule] for d in vm))
    elif sandbox:
        assessment.verdict, assessment.drivers = Verdict.SANDBOX, sandbox
        assessment.reason = SANDBOX_DRIVERS["RI001"]
    elif failing:
        worst = max(d.severity for d in failing)
        assessment.verdict, assessment.drivers = Verdict.HARDEN, failing
        assessment.reason = (f"{len(failing)} finding{'s' if len(failing) != 1 else ''} up to {worst.label}: fix them "
                             "and it can stay a container")


def assess(models: Iterable[FileModel], diagnostics: Iterable[Diagnostic], ctx: Context,
           threshold: Severity = Severity.LOW) -> list[Assessment]:
    """One assessment per workload of the run, worst verdict first."""
    by_workload: dict[tuple[str, str, str | None, str], list[Diagnostic]] = {}
    for d in diagnostics:
        by_workload.setdefault(_key(d.resource, d.location.path), []).append(d)
    out = []
    for model in models:
        for workload in model.workloads:
            classification = ctx.classifications.get(id(workload), UNCLASSIFIED)
            runtime = runtime_isolation(workload, ctx)
            assessment = Assessment(workload, classification, runtime,
                                    findings=by_workload.get(_key(workload.resource, workload.loc.path), []))
            _judge(assessment, threshold)
            out.append(assessment)
    out.sort(key=lambda a: (-a.verdict, a.workload.loc.path, a.workload.loc.line))
    return out


def runtime_text(runtime: RuntimeIsolation) -> str:
    return "n/a (image)" if runtime.kind is RuntimeKind.UNKNOWN and runtime.name is None else runtime.label


def trust_text(classification: Classification) -> str:
    return classification.trust.value
