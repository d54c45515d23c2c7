"""Runs the selected rules over the model and turns what they yield into diagnostics.

Severity, escalation for untrusted workloads and ordering are decided here, never in a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .context import Context
from .fixes import Fix
from .model import FileModel, Location, Namespace, ParseError, Resource, RuntimeClass, ServiceAccount, Workload
from .rule import Finding, LoadedRule, Severity
from .selectors import settings_for


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding as reported: the rule, where, what, about which resource and container."""

    rule: str
    name: str
    severity: Severity
    location: Location
    message: str
    resource: Resource
    container: str | None = None
    related: tuple[tuple[Location, str], ...] = ()
    certain: bool = True
    escalated_from: Severity | None = None
    format: str | None = None
    fix: Fix | None = None  # with the rule's Rule.fix applicability

    @property
    def path(self) -> str:
        return self.location.path

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.path, loc.line, loc.column or 0, self.rule, self.resource.name, self.container or "",
                self.message)


@dataclass(slots=True)
class Outcome:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)


class HoldsFacts(Protocol):
    """A file's cross-file facts: a :class:`FileModel`, or what a worker kept of one."""

    namespaces: Sequence[Namespace]
    runtime_classes: Sequence[RuntimeClass]
    service_accounts: Sequence[ServiceAccount]


def build_context(models: Iterable[HoldsFacts], kubernetes_version: tuple[int, int],
                  settings: Mapping[str, Any]) -> Context:
    namespaces = {}
    runtime_classes = {}
    service_accounts = {}
    for model in models:
        for ns in model.namespaces:
            namespaces[ns.name.value] = ns
        for rc in model.runtime_classes:
            runtime_classes[rc.name.value] = rc
        for sa in model.service_accounts:
            service_accounts[(sa.namespace, sa.name.value)] = sa
    return Context(kubernetes_version=kubernetes_version, namespaces=namespaces,
                   runtime_classes=runtime_classes, settings=settings, service_accounts=service_accounts)


@dataclass(frozen=True, slots=True)
class PreparedRule:
    """A rule with its severity override and options resolved once per run."""

    rule: LoadedRule
    severity: Severity | None
    options: Mapping[str, Any]


def prepare_rules(rules: list[LoadedRule], severity_overrides: Mapping[str, Severity] | None = None,
                  rule_options: Mapping[str, Mapping[str, Any]] | None = None) -> list[PreparedRule]:
    """Overrides and options are keyed by rule selector; the most specific selector wins."""
    prepared = []
    for rule in rules:
        severity = settings_for(severity_overrides or {}, rule)
        options = dict(rule.meta.options)
        for table in settings_for(rule_options or {}, rule):
            options.update(table)
        prepared.append(PreparedRule(rule, severity[-1] if severity else None, options))
    return prepared


def check_model(prepared: list[PreparedRule], model: FileModel, ctx: Context, outcome: Outcome) -> None:
    """The workload rules over one file's workloads, in rule order, then workload order."""
    for p in prepared:
        rule = p.rule
        if rule.meta.subject is not Workload:
            continue
        ctx.options = p.options
        for workload in model.workloads:
            if workload.format not in rule.meta.formats:
                continue
            _collect(outcome, rule, p.severity, workload, workload.resource, ctx,
                     rule.meta.escalate and ctx.classification(workload).trust.escalates)


def check_namespaces(prepared: list[PreparedRule], ctx: Context, outcome: Outcome) -> None:
    """The Namespace rules over every Namespace object of the run."""
    for p in prepared:
        if p.rule.meta.subject is Namespace:
            ctx.options = p.options
            for ns in ctx.namespaces.values():
                _collect(outcome, p.rule, p.severity, ns, ns.resource, ctx, False)


def drop_superseded(diagnostics: list[Diagnostic], rules: list[LoadedRule]) -> list[Diagnostic]:
    """Remove findings that a more specific rule repeats at the same place (``Rule.supersedes``)."""
    superseding = {r.code: r.meta.supersedes for r in rules if r.meta.supersedes}
    if not superseding:
        return diagnostics
    strongest: dict[tuple[Any, ...], Severity] = {}
    for d in diagnostics:
        for code in superseding.get(d.rule, ()):
            # a container's finding also covers a workload-wide one there (a Kubernetes hostPath
            # volume is reported once for the pod, the mount of it per container)
            for container in {d.container, None}:
                key = (code, d.location, d.resource, container)
                strongest[key] = max(strongest.get(key, d.severity), d.severity)
    # a finding is only replaced by one at least as severe: superseding never hides a risk level
    return [d for d in diagnostics
            if strongest.get((d.rule, d.location, d.resource, d.container), Severity.INFO - 1) < d.severity]


def _collect(outcome: Outcome, rule: LoadedRule, severity: Severity | None, subject: Any, resource: Resource,
             ctx: Context, escalate: bool) -> None:
    try:
        findings = list(rule.check(subject, ctx))
    except Exception as exc:  # a rule bug must not hide the other findings
        loc = subject.loc
        outcome.errors.append(ParseError(loc.path, f"rule {rule.code} failed on {resource.kind}/{resource.name}: "
                                         f"{type(exc).__name__}: {exc}", loc.line, loc.column))
        return
    fmt = getattr(subject, "format", None)
    for finding in findings:
        outcome.diagnostics.append(_diagnostic(rule, severity, finding, resource, escalate,
                                               fmt.value if fmt is not None else None))


def _diagnostic(rule: LoadedRule, override: Severity | None, finding: Finding, resource: Resource,
                escalate: bool, fmt: str | None) -> Diagnostic:
    base = override if override is not None else finding.severity if finding.severity is not None \
        else rule.meta.severity
    severity = base.raised() if escalate else base
    container = finding.container.name.value if finding.container is not None and finding.container.name else None
    loc = finding.node.loc
    related = finding.related
    if type(loc) is not Location:  # mapped from rendered YAML (isolint.render.mapping): its notes are related
        related, loc = related + loc.notes, Location(loc.path, loc.line, loc.column)
    return Diagnostic(
        rule=rule.code,
        name=rule.name,
        severity=severity,
        location=loc,
        message=finding.message,
        resource=resource,
        container=container,
        related=related,
        certain=finding.certain,
        escalated_from=base if severity != base else None,
        format=fmt,
        fix=finding.fix if rule.meta.fix is not None else None,
    )
