"""Security contexts: root users, privileged containers, and the Pod Security Standards judgements
(exact Pod Security admission semantics)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..model import Container, Format, Profile, SecurityContext, Value, Workload
from .capabilities import capability_name, granted_capability
from .values import is_true
from .workloads import runs_windows


def user_is_root(user: Value[int | str] | None) -> bool:
    """``0``, ``root``, ``0:0``, ``root:wheel`` (Compose ``user``, Dockerfile ``USER``, runAsUser).
    The Windows administrator accounts are :func:`windows_administrator`, graded on their own."""
    if user is None:
        return False
    value = user.value
    if isinstance(value, int):
        return value == 0
    name = str(value).strip().split(":", 1)[0].strip()
    return name in ("0", "root")


WINDOWS_ADMINISTRATORS = ("containeradministrator", "nt authority\\system")


def windows_administrator(user: Value[int | str] | None) -> bool:
    """A Windows administrator account (``ContainerAdministrator``, ``NT AUTHORITY\\SYSTEM``, any case),
    as a Dockerfile ``USER``, a Compose ``user`` or a Kubernetes ``runAsUserName``."""
    return user is not None and isinstance(user.value, str) and user.value.strip().lower() in WINDOWS_ADMINISTRATORS


def is_privileged(container: Container) -> bool:
    """The container certainly runs privileged. Rules that step aside for a privileged container (it
    already has every capability, every device, no escalation barrier) ask this: a value that rests
    on an unresolved variable (``privileged: ${P:-true}``) may well be false where it is deployed, so
    it never hides a certain finding."""
    privileged = container.security.privileged
    return is_true(privileged) and privileged.certain


def host_namespace_amplifier(workload: Workload, capabilities: Iterable[str]) -> str | None:
    """Why sharing a host namespace is critical for this workload: a container that certainly runs
    privileged, or one that adds one of ``capabilities`` (catalogue NS-001/NS-002), else None."""
    wanted = tuple(capabilities)
    for container in workload.containers:
        if is_privileged(container):
            return f"container {container.display_name!r} is privileged"
        raw = granted_capability(container, wanted)
        if raw is not None:
            return f"container {container.display_name!r} adds {capability_name(raw.value)}"
    return None


def pss_profile(settings: Any) -> str | None:
    """The Pod Security Standards profile the run was asked for (``pss-baseline``), else None.

    Pass ``ctx.settings``. A profile run judges exactly as admission does; a plain run may
    normalise spellings and leave a risk to the rule that reports it more precisely.
    """
    profile = settings.get("profile") if hasattr(settings, "get") else None
    return profile if isinstance(profile, str) else None


def windows_pod_exempt(workload: Workload, kubernetes_version: tuple[int, int]) -> bool:
    """From 1.25 a pod with ``spec.os.name: windows`` is exempt from the Linux-only Restricted checks
    (allowPrivilegeEscalation, capabilities, seccomp); keyed on ``os.name``, never on nodeSelector."""
    return (workload.format is Format.KUBERNETES and kubernetes_version >= (1, 25) and workload.os is not None
            and workload.os.value == "windows")


def windows_exempt(workload: Workload, ctx: Any) -> bool:
    """A Linux-only check (capabilities, privilege escalation, seccomp, AppArmor/SELinux) skips this
    Kubernetes pod. Under ``--profile`` exactly as Pod Security admission does (:func:`windows_pod_exempt`:
    ``spec.os.name`` from 1.25, the version cut-off included); in a plain run also a pod without
    ``spec.os`` that :func:`runs_windows` by its node selector, where the Linux setting does not exist.
    Pass the rule's ``ctx``."""
    if windows_pod_exempt(workload, ctx.kubernetes_version):
        return True
    return pss_profile(ctx.settings) is None and workload.format is Format.KUBERNETES and workload.os is None \
        and runs_windows(workload)


def security_setters(workload: Workload) -> Iterator[tuple[SecurityContext, Container | None]]:
    """The pod-level context (container None), then every container's own, init and ephemeral included.

    Pod Security admission rejects a pod when *any* of them sets a forbidden value, even one
    that every container overrides ("bad setter" semantics).
    """
    yield workload.security, None
    for container in workload.containers:
        yield container.security, container


def unconfined_profiles(workload: Workload, field: str) -> Iterator[tuple[Profile, Container | None]]:
    """Every setter of ``field`` (``seccomp``, ``apparmor``) whose type is not RuntimeDefault or Localhost."""
    for security, container in security_setters(workload):
        profile = getattr(security, field)
        if profile is not None and profile.type.value not in ("RuntimeDefault", "Localhost"):
            yield profile, container
