"""Rule selectors: the one grammar of ``--select``, ``--ignore``, suppressions, per-path ignores,
the configuration's ``rules`` table and ``isolint explain``.

A selector is one of, case-insensitively:

* ``ALL``: every rule;
* a code, ``PRV001``: that rule;
* a code prefix, ``PRV0`` or ``PRV`` (letters, then optionally digits): every rule whose code starts
  with it, so a group (``MNT``) or part of one (``MNT00``);
* a rule name in kebab-case, ``privileged-container``: that rule.

Blank selectors select nothing. Where several selectors speak of one rule with settings (the
configuration's ``rules`` table), the more specific wins: a name or a code over a shorter prefix
over ``ALL`` (:func:`specificity`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple, Protocol, TypeVar

_PREFIX = re.compile(r"[A-Z]+[0-9]*")
T = TypeVar("T")


class Named(Protocol):
    """Anything with a rule's code and name (a loaded rule, its ``Rule`` metadata, a :class:`RuleKey`)."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


class RuleKey(NamedTuple):
    """A rule's code and name, e.g. taken from a finding (``RuleKey(d.rule, d.name)``)."""

    code: str
    name: str


def matches(selector: str, rule: Named) -> bool:
    """Whether ``selector`` (the grammar above) selects ``rule``."""
    selector = selector.strip()
    upper = selector.upper()
    if not selector:
        return False
    if upper == "ALL" or selector.lower() == rule.name:
        return True
    return _PREFIX.fullmatch(upper) is not None and rule.code.startswith(upper)


def specificity(selector: str) -> tuple[int, int]:
    """Orders selectors from the least specific (``ALL``) to the most (a whole code or a name)."""
    upper = selector.strip().upper()
    if upper == "ALL":
        return (0, 0)
    if _PREFIX.fullmatch(upper):
        return (1, len(upper))  # a whole code is the longest prefix of itself
    return (2, 0)


def settings_for(table: Mapping[str, T], rule: Named) -> list[T]:
    """The values of ``table`` (keyed by selector) that speak of ``rule``, the most specific last."""
    keys = sorted((key for key in table if matches(key, rule)), key=specificity)
    return [table[key] for key in keys]


def unknown(selectors: Iterable[str], rules: Iterable[Named]) -> list[str]:
    """The (non-blank) selectors that select none of ``rules``."""
    rules = list(rules)
    return [s for s in selectors if s.strip() and not any(matches(s, r) for r in rules)]
