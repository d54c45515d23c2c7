"""isolint: lint container isolation in Dockerfiles, Compose files and Kubernetes manifests.

The public API a rule (built-in or plug-in) uses: the model, the rule metadata and the context.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

_DEFINED_IN = ("model", "rule", "context", "fixes")  # where the names of __all__ live
_MISSING = object()


def __getattr__(name: str) -> object:
    """The public API, imported when first used (PEP 562): ``isolint --version`` and the start-up
    of a pre-commit run need not build the model before they can use it."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    for module in _DEFINED_IN:
        value = getattr(import_module(f".{module}", __name__), name, _MISSING)
        if value is not _MISSING:
            globals()[name] = value
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
    from .context import Context, Trust
    from .fixes import Applicability, Fix
    from .model import (
        Build,
        Container,
        Device,
        Format,
        Handler,
        Hook,
        Image,
        Instruction,
        KeyValue,
        Location,
        Mount,
        Namespace,
        NamespaceJoin,
        Port,
        Profile,
        Resource,
        Role,
        RuntimeClass,
        SecurityContext,
        SELinux,
        Stage,
        Value,
        Volume,
        Workload,
    )
    from .rule import Finding, Rule, Severity


__all__ = [
    "Applicability",
    "Build",
    "Container",
    "Context",
    "Device",
    "Finding",
    "Fix",
    "Format",
    "Handler",
    "Hook",
    "Image",
    "Instruction",
    "KeyValue",
    "Location",
    "Mount",
    "Namespace",
    "NamespaceJoin",
    "Port",
    "Profile",
    "Resource",
    "Role",
    "Rule",
    "RuntimeClass",
    "SELinux",
    "SecurityContext",
    "Severity",
    "Stage",
    "Trust",
    "Value",
    "Volume",
    "Workload",
    "__version__",
]
