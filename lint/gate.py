"""The gate: which findings fail a run (exit 1), decided here for every rule, never in a rule.

Every enabled rule reports; only some findings *gate*. Rules come in two tiers:

* ``recommended``: what breaks or explicitly weakens isolation -- privileged mode, host
  namespaces, host and sensitive mounts, runtime sockets, added or dangerous capabilities,
  seccomp/AppArmor/SELinux turned off or overridden, an explicit root user, the advisor's
  sandbox/VM verdicts, and suppressions without a reason (which would hide those).
* ``strict``: hardening gaps -- something safer that was not set (``readOnlyRootFilesystem``,
  ``drop: [ALL]``, ``allowPrivilegeEscalation: false``, a seccomp profile, ``runAsNonRoot``,
  loopback-bound ports, read-only binds ...), supply-chain and hygiene checks.

The default gate (``gate = "recommended"``) fails on a recommended rule's finding at or above
``fail-on`` whose value was known (a finding resting on an unresolved variable, "low
confidence", is shown but gates only when high or critical). ``gate = "strict"`` (or ``--gate strict``) fails on
every finding at or above ``fail-on``, whatever its tier and confidence; so does a Pod Security
profile (``--profile pss-baseline|pss-restricted``), whose checks the user chose one by one.

A built-in rule's tier is in :data:`RECOMMENDED` below; a plug-in rule says its own
(``Rule(tier="recommended")``) or, without one, is recommended when its severity is high or
critical. ``[tool.isolint.rules.CODE] tier = "..."`` moves a rule (or a group: ``MNT``) to the
other tier.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .rule import LoadedRule, Severity

if TYPE_CHECKING:
    from .engine import Diagnostic

TIERS = ("recommended", "strict")
GATES = TIERS

# built-in rules whose findings fail the default gate (see the module docstring)
RECOMMENDED = frozenset({
    "PRV001", "PRV002", "PRV003", "PRV005",  # privileged container, hook, build step; Windows HostProcess
    "CAP001", "CAP002",  # dangerous capabilities, capabilities added beyond the baseline
    "MAC001", "MAC003", "MAC004", "MAC005", "MAC006",  # seccomp/AppArmor unconfined, SELinux override, masks, cgroups
    "MNT001", "MNT002", "MNT003", "MNT005", "MNT006",  # host paths, sockets, sensitive paths, propagation, devices
    "NS001", "NS002", "NS003", "NS004", "NS005", "NS006", "NS009", "NS012", "NS013",  # host namespaces, ports, sysctls
    "USR002",  # an explicit root user
    "RI001", "RI002", "RI003", "RI005", "RI008", "RI009", "RI012",  # the advisor's sandbox/VM verdicts
    "SUP001",  # a suppression without a reason
})


def tier_of(rule: LoadedRule, overrides: Mapping[str, str] | None = None) -> str:
    """``recommended`` or ``strict`` for ``rule`` (configuration first: its most specific selector)."""
    if overrides:
        from .selectors import settings_for

        chosen = settings_for(overrides, rule)
        if chosen:
            return chosen[-1]
    declared = getattr(rule.meta, "tier", None)
    if declared:
        return declared
    if rule.module.startswith("isolint.rules."):
        return "recommended" if rule.code in RECOMMENDED else "strict"
    return "recommended" if rule.meta.severity >= Severity.HIGH else "strict"


@dataclass(slots=True)
class Gate:
    """Decides, finding by finding, whether it fails the run."""

    fail_on: Severity = Severity.LOW
    gate: str = "recommended"  # or "strict"
    tiers: dict[str, str] = field(default_factory=dict)  # rule code -> tier
    profile: str | None = None

    @classmethod
    def build(cls, rules: Iterable[LoadedRule], fail_on: Severity, gate: str = "recommended",
              profile: str | None = None, overrides: Mapping[str, str] | None = None) -> Gate:
        return cls(fail_on, gate, {r.code: tier_of(r, overrides) for r in rules}, profile)

    @property
    def strict(self) -> bool:
        return self.gate == "strict" or self.profile is not None

    def tier(self, code: str) -> str:
        return self.tiers.get(code, "recommended")

    def gating(self, d: Diagnostic) -> bool:
        """Does finding ``d`` fail the run?"""
        if d.severity < self.fail_on:
            return False
        if self.strict:
            return True
        # a value behind an unset variable: only a high or critical finding gates (a host path under
        # /run/user/${UID:-1000} is sensitive whatever UID is; a writable mount of ${DATA} may be fine)
        return self.tier(d.rule) == "recommended" and (d.certain or d.severity >= Severity.HIGH)

    def describe(self) -> str:
        """The threshold in words: ``recommended tier, fail-on low``."""
        if self.profile is not None:
            which = f"profile {self.profile}"
        elif self.gate == "strict":
            which = "strict tier"
        else:
            which = "recommended tier"
        return f"{which}, fail-on {self.fail_on.label}"


@dataclass(slots=True)
class Verdict:
    """What decided the exit code: the gating findings by rule, and the errors."""

    gating: Counter[str] = field(default_factory=Counter)
    findings: int = 0
    errors: int = 0
    nothing_linted: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.gating) or self.errors > 0 or self.nothing_linted


def verdict(diagnostics: Iterable[Diagnostic], errors: int, gate: Gate) -> Verdict:
    out = Verdict(errors=errors)
    for d in diagnostics:
        out.findings += 1
        if gate.gating(d):
            out.gating[d.rule] += 1
    return out
