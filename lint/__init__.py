"""isolint: lint container isolation in Dockerfiles, Compose files and Kubernetes manifests.

The public API a rule (built-in or plug-in) uses: the model, the rule metadata and the context.
"""

from __future__ import annotations

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
    Source,
    Stage,
    Value,
    Volume,
    Workload,
)
from .rule import Finding, Rule, Severity

__version__ = "0.1.0"
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
    "Source",
    "Stage",
    "Trust",
    "Value",
    "Volume",
    "Workload",
    "__version__",
]
