"""What a rule is: typed metadata plus a ``check`` generator, in one module.

A rule module looks like this (the module docstring is the rule's documentation)::

    '''## What it does ... ## Why is this bad? ... ## Example ... ## Use instead ... ## References'''
    from isolint import Context, Finding, Rule, Severity, Workload

    RULE = Rule(code="PRV001", name="privileged-container", severity=Severity.CRITICAL, ...)

    def check(workload: Workload, ctx: Context) -> Iterator[Finding]:
        ...
        yield Finding(container.security.privileged, "container runs privileged", container)

The engine finds modules with a ``RULE`` and a ``check`` in ``isolint.rules`` and in modules
registered under the ``isolint.rules`` entry-point group.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .fixes import Applicability, Fix
from .model import Container, Format, Location, Namespace, Workload

if TYPE_CHECKING:
    from .context import Context


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None

    def raised(self) -> Severity:
        return Severity(min(self + 1, Severity.CRITICAL))


class Located(Protocol):
    @property
    def loc(self) -> Location: ...


ALL_FORMATS = (Format.KUBERNETES, Format.COMPOSE, Format.DOCKERFILE)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's metadata.

    ``code`` is stable forever (``PRV001``); ``name`` is kebab-case and names the risky pattern.
    ``group`` is the code's letter prefix. ``subject`` says what ``check`` receives: ``Workload``
    (default) or ``Namespace``. ``profiles`` lists the profiles the rule implements
    (``pss-baseline``, ``pss-restricted``); ``default`` False keeps it out of a plain run.
    ``references`` name the standard each finding traces to (``PSS Baseline: Privileged
    Containers``, ``CIS Docker 5.4``, URLs). ``options`` are per-rule settings and their defaults,
    overridable in configuration. ``supersedes`` names rules whose finding at the same location
    (same resource and container) this rule's finding makes redundant, because it says the same
    and more (``writable-host-mount`` over ``host-path-mount``); the engine drops those.
    ``tier`` (``recommended`` or ``strict``) says whether the default gate fails on the rule's
    findings; built-in rules leave it to the engine's table (``isolint.gate``).
    """

    code: str
    name: str
    severity: Severity
    summary: str
    formats: tuple[Format, ...] = ALL_FORMATS
    profiles: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    default: bool = True
    subject: type = Workload
    options: dict[str, Any] = field(default_factory=dict)
    # False for rules whose trigger already is the workload's trust class (RI001 ...): no double count
    escalate: bool = True
    supersedes: tuple[str, ...] = ()  # codes this rule's finding replaces at the same place
    # the rule's findings may carry a Fix; how safe it is (``isolint fix`` applies safe ones by default)
    fix: Applicability | None = None
    # gate tier, "recommended" or "strict"; None: the engine decides (isolint.gate)
    tier: str | None = None

    @property
    def group(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass(frozen=True, slots=True)
class Finding:
    """What ``check`` yields: a model node (anything with ``loc``) and a one-line message.

    ``container`` names the container the finding concerns; ``related`` points at other places
    that explain it (the Dockerfile ``USER`` behind a Compose service); ``certain`` False when the
    decision rests on a value the linter could not resolve; ``severity`` overrides the rule's
    default for this one finding (use sparingly: a rule is one risk); ``fix`` the change that
    removes it (only for rules whose metadata declares ``fix``; see :mod:`isolint.fixes`).
    """

    node: Located
    message: str
    container: Container | None = None
    related: tuple[tuple[Location, str], ...] = ()
    certain: bool = True
    severity: Severity | None = None
    fix: Fix | None = None


CheckFunction = Callable[[Any, "Context"], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule's metadata together with its check function and documentation."""

    meta: Rule
    check: CheckFunction
    doc: str
    module: str

    @property
    def code(self) -> str:
        return self.meta.code

    @property
    def name(self) -> str:
        return self.meta.name


__all__ = [
    "ALL_FORMATS",
    "Applicability",
    "CheckFunction",
    "Finding",
    "Fix",
    "LoadedRule",
    "Located",
    "Namespace",
    "Rule",
    "Severity",
    "Workload",
]
