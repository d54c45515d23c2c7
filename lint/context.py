"""What a rule may know beyond the object it checks: the run's settings and cross-file facts."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import Namespace, RuntimeClass, ServiceAccount, Workload


class Trust(str, enum.Enum):
    """How much a workload's code is trusted (drives the isolation advisor and escalation)."""

    TRUSTED = "trusted"
    UNKNOWN = "unknown"
    UNTRUSTED = "untrusted"
    MULTI_TENANT = "multi-tenant"

    @property
    def escalates(self) -> bool:
        return self in (Trust.UNTRUSTED, Trust.MULTI_TENANT)


@dataclass(frozen=True, slots=True)
class Classification:
    trust: Trust
    evidence: tuple[str, ...] = ()


UNCLASSIFIED = Classification(Trust.UNKNOWN)


@dataclass(slots=True)
class Context:
    """Handed to every ``check`` call.

    ``kubernetes_version`` is ``(major, minor)``; ``namespaces`` and ``runtime_classes`` hold the
    objects of those kinds seen anywhere in the run, by name; ``options`` the current rule's
    options (defaults overlaid with configuration); ``settings`` the run-wide configuration.
    """

    kubernetes_version: tuple[int, int] = (1, 37)
    namespaces: Mapping[str, Namespace] = field(default_factory=dict)
    runtime_classes: Mapping[str, RuntimeClass] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    classifications: dict[int, Classification] = field(default_factory=dict)
    # ServiceAccount objects seen in the run, by (namespace or None, name)
    service_accounts: Mapping[tuple[str | None, str], ServiceAccount] = field(default_factory=dict)

    def at_least(self, major: int, minor: int) -> bool:
        return self.kubernetes_version >= (major, minor)

    def classification(self, workload: Workload) -> Classification:
        return self.classifications.get(id(workload), UNCLASSIFIED)

    def trust(self, workload: Workload) -> Trust:
        return self.classification(workload).trust

    def namespace_of(self, workload: Workload) -> Namespace | None:
        name = workload.resource.namespace
        return self.namespaces.get(name) if name else None

    def service_account_of(self, workload: Workload) -> ServiceAccount | None:
        """The ServiceAccount object the pod runs as (``default`` when none is named), if it was seen."""
        name = workload.service_account.value if workload.service_account is not None else "default"
        namespace = workload.resource.namespace
        return self.service_accounts.get((namespace, name)) or (
            self.service_accounts.get((None, name)) if namespace is None else None)
