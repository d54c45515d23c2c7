"""What kind of workload this is: a Compose fragment, a Windows workload."""

from __future__ import annotations

from ..model import Format, Workload


def compose_fragment(workload: Workload) -> bool:
    """A Compose service with neither ``image`` nor ``build``: a patch from a file meant to be layered
    (``-f compose.yaml -f compose.extra.yaml``) or an override linted without its base. Compose refuses
    to run it as it is, so what it leaves unset says nothing; what it sets still counts."""
    return workload.format is Format.COMPOSE and workload.build is None \
        and all(container.image is None for container in workload.containers)


WINDOWS_NODE_LABELS = ("kubernetes.io/os", "beta.kubernetes.io/os")


def runs_windows(workload: Workload) -> bool:
    """The workload declares a Windows OS (``spec.os.name``, Compose ``platform``, a Windows base), or a
    Kubernetes pod without ``spec.os`` is pinned to Windows nodes (``nodeSelector: {kubernetes.io/os:
    windows}``): it cannot run anywhere else."""
    if workload.os is not None:
        return workload.os.value.lower() == "windows"
    return any(kv.key.value in WINDOWS_NODE_LABELS and kv.value.value.strip().lower() == "windows"
               for kv in workload.node_selector)
