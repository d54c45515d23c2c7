"""The isolation advisor: for every workload, which boundary it needs and why.

A verdict per workload, from its trust classification, its runtime and the findings of the run,
the first that holds (docs/advisor.md):

* ``VM``: the workload needs a kernel of its own that no container can give it: build tooling
  that can reach the node (RI002), an image for another OS (RI008), untrusted kernel-coupled work
  (RI007 at high) or untrusted Windows code (RI009); unless it already runs in a VM (Kata, KubeVirt);
* ``sandbox runtime``: untrusted or multi-tenant code on a shared kernel (RI001);
* ``already sandboxed``: it runs under gVisor or in a VM (a RuntimeClass whose handler is runsc or
  kata*, a known sandbox runtime name, a KubeVirt VM): nothing to move; findings that still gate
  are named (host access reaches around a sandbox: RI003);
* ``host agent``: a per-node workload (DaemonSet) with host access (host namespaces, privileged,
  host paths): its access is its job, so it is a trusted host agent that belongs on dedicated
  nodes or is an accepted risk, not a container to harden (unless its trust is untrusted or
  multi-tenant: then the verdicts above apply);
* ``harden it``: findings that fail the gate (``isolint check``'s: the recommended tier by default);
* ``fine as a container``: none.

Independently of the verdict, a workload of ``unknown`` trust that looks like a CI runner, a
notebook or a code executor, or an Argo workflow pod without a build, carries a
:class:`~isolint.trust.Hint`: the marker or configuration line that classifies it.
"""

from __future__ import annotations

import enum
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import UNCLASSIFIED, Classification, Context, Trust
from .engine import Diagnostic
from .gate import Gate
from .model import FileModel, Resource, Workload
from .render.kustomize_map import BUILT_BY
from .rule import Severity
from .trust import (
    MARKER_KEY,
    Hint,
    RuntimeIsolation,
    RuntimeKind,
    classification_hint,
    node_agent_access,
    runtime_isolation,
    trust_setting,
)


class Verdict(enum.IntEnum):
    """Ordered by urgency: reports list the highest first."""

    FINE = 0
    SANDBOXED = 1
    HARDEN = 2
    HOST_AGENT = 3
    SANDBOX = 4
    VM = 5

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def key(self) -> str:
        """The stable identifier JSON writes: ``vm``, ``sandbox-runtime``, ``host-agent`` ..."""
        return KEYS[self]


LABELS = {Verdict.FINE: "fine as a container", Verdict.SANDBOXED: "already sandboxed", Verdict.HARDEN: "harden it",
          Verdict.HOST_AGENT: "host agent", Verdict.SANDBOX: "sandbox runtime", Verdict.VM: "VM"}
KEYS = {Verdict.FINE: "fine", Verdict.SANDBOXED: "already-sandboxed", Verdict.HARDEN: "harden",
        Verdict.HOST_AGENT: "host-agent", Verdict.SANDBOX: "sandbox-runtime", Verdict.VM: "vm"}


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
    reason: str = "no finding fails the gate"
    findings: list[Diagnostic] = field(default_factory=list)
    drivers: list[Diagnostic] = field(default_factory=list)
    host_access: list[str] = field(default_factory=list)  # a node agent's: hostNetwork, privileged ...
    hint: Hint | None = None  # unknown trust that looks like untrusted code: how to classify it

    @property
    def resource(self) -> Resource:
        return self.workload.resource

    @property
    def where(self) -> str:
        return f"{self.workload.loc.path}:{self.workload.loc.line}"

    def finding_summary(self) -> str:
        """``RI001 high, PRV001 critical x2`` for the findings that drove the verdict (empty when none did:
        findings that do not fail the gate are ``isolint check``'s to show)."""
        counts = Counter((d.rule, d.severity) for d in self.drivers)
        ordered = sorted(counts.items(), key=lambda item: (-item[0][1], item[0][0]))
        return ", ".join(f"{code} {sev.label}" + (f" x{n}" if n > 1 else "") for (code, sev), n in ordered)


def _key(resource: Resource, path: str) -> tuple[str, str, str | None, str]:
    return (resource.kind, resource.name, resource.namespace, path)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _sandboxed_reason(runtime: RuntimeIsolation) -> str:
    if runtime.resolved_by == "kind" and runtime.name is not None:
        return f"already a VM ({runtime.name.value}): a kernel of its own, no container to move"
    what = "a VM's own kernel" if runtime.kind is RuntimeKind.VM else "gVisor's user-space kernel"
    return f"already sandboxed: runtime {runtime.label} gives it {what}; keep it there"


def _judge(assessment: Assessment, gate: Gate, marker_key: str = MARKER_KEY) -> None:
    counted = [d for d in assessment.findings if d.severity >= gate.fail_on]
    gating = [d for d in assessment.findings if gate.gating(d)]
    runtime = assessment.runtime.kind
    vm = [d for d in counted if d.rule in VM_DRIVERS and not (d.rule == "RI007" and d.severity < Severity.HIGH)]
    sandbox = [d for d in counted if d.rule in SANDBOX_DRIVERS]
    trust = assessment.classification.trust
    if vm and runtime is not RuntimeKind.VM:
        assessment.verdict, assessment.drivers = Verdict.VM, vm
        assessment.reason = "; ".join(dict.fromkeys(VM_DRIVERS[d.rule] for d in vm))
    elif sandbox and not runtime.sandboxed:
        assessment.verdict, assessment.drivers = Verdict.SANDBOX, sandbox
        assessment.reason = SANDBOX_DRIVERS["RI001"]
        if assessment.host_access:  # an untrusted node agent: no sandbox mediates what it reaches
            access = ", ".join(dict.fromkeys(assessment.host_access))
            assessment.reason += (f"; its host access ({access}) would reach around any sandbox: remove it, or "
                                  "review the agent and trust it")
    elif runtime.sandboxed:
        assessment.verdict, assessment.drivers = Verdict.SANDBOXED, gating
        assessment.reason = _sandboxed_reason(assessment.runtime)
        if gating:
            pierced = " (host access reaches around the sandbox)" if any(d.rule == "RI003" for d in gating) else ""
            assessment.reason += f"; still fix {_plural(len(gating), 'finding')}{pierced}"
    elif assessment.host_access and not trust.escalates:
        assessment.verdict, assessment.drivers = Verdict.HOST_AGENT, gating
        access = ", ".join(dict.fromkeys(assessment.host_access))
        if trust is Trust.TRUSTED:
            assessment.reason = (f"trusted host agent ({access}): keep it on dedicated nodes or accept the risk; "
                                 "a container without this access could not do its job")
        else:
            assessment.reason = (f"host agent ({access}): its access is its job, not a fix; review it, mark it "
                                 f"trusted ({marker_key}: trusted) and keep it on dedicated nodes, or accept the risk")
    elif gating:
        worst = max(d.severity for d in gating)
        assessment.verdict, assessment.drivers = Verdict.HARDEN, gating
        assessment.reason = (f"{_plural(len(gating), 'finding')} up to {worst.label}: fix them and it can stay "
                             "a container")


def assess(models: Iterable[FileModel], diagnostics: Iterable[Diagnostic], ctx: Context,
           gate: Gate | None = None) -> list[Assessment]:
    """One assessment per workload of the run, worst verdict first; ``gate`` decides which findings
    a workload must fix (``isolint check``'s default gate when None)."""
    if gate is None:
        from .registry import load_rules

        gate = Gate.build(load_rules().rules, Severity.LOW)
    by_workload: dict[tuple[str, str, str | None, str], list[Diagnostic]] = {}
    built: dict[str, list[Diagnostic]] = {}  # kustomization -> the findings of its build
    for d in diagnostics:
        by_workload.setdefault(_key(d.resource, d.location.path), []).append(d)
        for loc, note in d.related:
            if note.startswith(BUILT_BY):
                built.setdefault(os.path.normpath(loc.path), []).append(d)
    out = []
    for model in models:
        for workload in model.workloads:
            classification = ctx.classifications.get(id(workload), UNCLASSIFIED)
            runtime = runtime_isolation(workload, ctx)
            findings = by_workload.get(_key(workload.resource, workload.loc.path), [])
            if model.path and os.path.normpath(model.path) in built:
                findings = _with_built(findings, workload, model, built[os.path.normpath(model.path)])
            assessment = Assessment(workload, classification, runtime, findings=findings,
                                    host_access=[a.what for a in node_agent_access(workload)])
            _judge(assessment, gate, trust_setting(ctx, "marker_key"))
            if classification.trust is Trust.UNKNOWN:
                assessment.hint = classification_hint(workload, ctx)
            out.append(assessment)
    out.sort(key=lambda a: (-a.verdict, a.workload.loc.path, a.workload.loc.line))
    return out


def _with_built(findings: list[Diagnostic], workload: Workload, model: FileModel, built: list[Diagnostic]
                ) -> list[Diagnostic]:
    """A workload a kustomization built gets the build's findings that are its own but point
    elsewhere: at a patch (the resource's name), or at a base's line several overlays share,
    reported once under one overlay's name (the workload of this model written in that document)."""
    mine, seen = list(findings), {id(d) for d in findings}
    for d in built:
        if id(d) in seen or d.resource.kind != workload.resource.kind:
            continue
        if d.resource == workload.resource:
            mine.append(d)
        elif d.location.path == workload.loc.path:
            starts = [w.loc.line for w in model.workloads if w.loc.path == d.location.path
                      and w.resource.kind == d.resource.kind and w.loc.line <= d.location.line]
            if starts and max(starts) == workload.loc.line:
                mine.append(d)
    return mine


def runtime_text(runtime: RuntimeIsolation) -> str:
    return "n/a (image)" if runtime.kind is RuntimeKind.UNKNOWN and runtime.name is None else runtime.label


def trust_text(classification: Classification) -> str:
    return classification.trust.value
