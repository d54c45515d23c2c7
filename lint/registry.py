"""Finding rules: every module of ``isolint.rules`` plus the ``isolint.rules`` entry-point group.

A rule module defines ``RULE`` (a :class:`~isolint.rule.Rule`) and ``check``; its docstring is the
rule's documentation. Nothing keeps a hand-written list.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType

from .rule import LoadedRule, Rule
from .selectors import matches, unknown

ENTRY_POINT_GROUP = "isolint.rules"
PROFILES: dict[str, tuple[str, ...]] = {
    "pss-baseline": ("pss-baseline",),
    "pss-restricted": ("pss-baseline", "pss-restricted"),
}


@dataclass(slots=True)
class Registry:
    rules: list[LoadedRule] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # plug-ins that could not be loaded

    def by_code(self) -> dict[str, LoadedRule]:
        return {r.code: r for r in self.rules}

    def find(self, key: str) -> LoadedRule | None:
        """The one rule the selector ``key`` selects (a code, a name; a prefix only one rule has)."""
        found = [rule for rule in self.rules if matches(key, rule)]
        return found[0] if len(found) == 1 else None


def _from_module(module: ModuleType) -> LoadedRule | None:
    meta = getattr(module, "RULE", None)
    check = getattr(module, "check", None)
    if not isinstance(meta, Rule) or not callable(check):
        return None
    return LoadedRule(meta, check, (module.__doc__ or "").strip(), module.__name__)


def _builtin_modules() -> Iterable[str]:
    from . import rules as package

    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            yield info.name


def load_rules(plugins: bool = True) -> Registry:
    registry = Registry()
    seen: dict[str, str] = {}
    for name in _builtin_modules():
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # one broken rule must not take the others down
            registry.errors.append(f"rule module {name} could not be loaded: {type(exc).__name__}: {exc}")
            continue
        rule = _from_module(module)
        if rule is not None:
            _add(registry, seen, rule)
    if plugins:
        _load_plugins(registry, seen)
    registry.rules.sort(key=lambda r: r.code)
    return registry


def _load_plugins(registry: Registry, seen: dict[str, str]) -> None:
    if not may_declare_plugins():
        return
    from importlib.metadata import entry_points

    here = os.path.realpath(os.getcwd())
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        located = getattr(getattr(entry, "dist", None), "_path", None)
        if located is not None and os.path.dirname(os.path.realpath(str(located))) == here:
            # declared in the current folder (on sys.path as '' under `python -m`/`-c`): that is the
            # repository under review, whose code is never run (docs/security.md)
            registry.errors.append(f"plug-in {entry.name!r} is declared in the current folder: not loaded")
            continue
        try:
            loaded = entry.load()
        except Exception as exc:  # a broken plug-in must not stop the run
            registry.errors.append(f"plug-in {entry.name!r} could not be loaded: {exc}")
            continue
        modules = [loaded] if isinstance(loaded, ModuleType) else []
        if not modules:
            registry.errors.append(f"plug-in {entry.name!r} must point at a rule module")
        for module in modules:
            rule = _from_module(module)
            if rule is None:
                registry.errors.append(f"plug-in {entry.name!r} has no RULE and check()")
            else:
                _add(registry, seen, rule)


def may_declare_plugins() -> bool:
    """Whether an installed distribution may declare ``isolint.rules`` entry points: a look at the
    ``entry_points.txt`` files importlib.metadata would read (those of the ``*.dist-info`` and
    ``*.egg-info`` folders on ``sys.path``), far cheaper than importing importlib.metadata. In
    doubt -- an archive on the path, another finder listing distributions -- yes."""
    import importlib.machinery
    import sys

    if any(hasattr(finder, "find_distributions") and finder is not importlib.machinery.PathFinder
           for finder in sys.meta_path):
        return True
    group = ENTRY_POINT_GROUP.encode()
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.exists(folder):
                return True  # a zip archive may hold distributions
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")) and group in _read(os.path.join(folder, name,
                                                                                          "entry_points.txt")):
                return True
    return False


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:  # none, or an egg-info that is a file
        return b""


def _add(registry: Registry, seen: dict[str, str], rule: LoadedRule) -> None:
    if rule.code in seen:
        registry.errors.append(f"rule code {rule.code} is defined twice ({seen[rule.code]}, {rule.module})")
        return
    seen[rule.code] = rule.module
    registry.rules.append(rule)


def select_rules(registry: Registry, select: Iterable[str] = (), ignore: Iterable[str] = (),
                 profile: str | None = None) -> list[LoadedRule]:
    """The rules a run uses.

    With a profile: exactly the rules implementing it. Otherwise ``select`` (when given) picks
    rules, including those off by default; without it every default rule runs. ``ignore`` then
    removes rules in both cases.
    """
    select = [s for s in select if s.strip()]
    ignore = [s for s in ignore if s.strip()]
    if profile is not None:
        wanted = PROFILES[profile]
        chosen = [r for r in registry.rules if set(r.meta.profiles) & set(wanted)]
    elif select:
        chosen = [r for r in registry.rules if any(matches(s, r) for s in select)]
    else:
        chosen = [r for r in registry.rules if r.meta.default]
    return [r for r in chosen if not any(matches(s, r) for s in ignore)]


def unknown_selectors(registry: Registry, selectors: Iterable[str]) -> list[str]:
    return unknown(selectors, registry.rules)
