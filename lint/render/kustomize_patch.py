"""Kustomize's patches in-process: strategic merge (kyaml ``merge2`` semantics) and JSON 6902.

Used by :mod:`isolint.render.kustomize_native`; whatever is not modelled here raises
:class:`Unsupported`, and the root is then built by the Kustomize binary instead.
"""

from __future__ import annotations

from typing import Any


class Unsupported(Exception):
    """A construct the in-process build does not model (or an input Kustomize itself would reject):
    the root is built by the binary, which gives Kustomize's own output or error."""


def split_patch(text: str) -> tuple[str, list[Any]]:
    """How Kustomize reads a patch's text: ``("json6902", operations)`` or ``("smp", documents)``."""
    raise Unsupported("patches are not modelled yet")


def strategic_merge(resource: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any] | None:
    """``resource`` with the strategic-merge ``patch`` applied (None: the patch deletes it)."""
    raise Unsupported("strategic merge is not modelled yet")


def json6902(resource: dict[str, Any], operations: list[Any]) -> dict[str, Any]:
    """``resource`` with the JSON 6902 ``operations`` applied."""
    raise Unsupported("JSON 6902 is not modelled yet")
