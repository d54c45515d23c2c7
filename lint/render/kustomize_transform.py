"""Kustomize's built-in transformers and generators in-process (images, namespace, name prefix and
suffix, labels, annotations, replicas, ConfigMap/Secret generators and their name hash).

Used by :mod:`isolint.render.kustomize_native`; whatever is not modelled raises
:class:`~isolint.render.kustomize_patch.Unsupported`, and the root is built by the binary instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .kustomize_patch import Unsupported


def set_images(resources: list[dict[str, Any]], entries: list[Any]) -> None:
    raise Unsupported("images are not modelled yet")


def set_namespace(resources: list[dict[str, Any]], namespace: str) -> None:
    raise Unsupported("namespace is not modelled yet")


def add_prefix_suffix(resources: list[dict[str, Any]], prefix: str, suffix: str) -> None:
    raise Unsupported("namePrefix/nameSuffix are not modelled yet")


def add_labels(resources: list[dict[str, Any]], labels: dict[str, Any], selectors: bool, templates: bool) -> None:
    raise Unsupported("labels are not modelled yet")


def add_annotations(resources: list[dict[str, Any]], annotations: dict[str, Any]) -> None:
    raise Unsupported("annotations are not modelled yet")


def set_replicas(resources: list[dict[str, Any]], entries: list[Any]) -> None:
    raise Unsupported("replicas are not modelled yet")


def generate(kind: str, entry: dict[str, Any], options: dict[str, Any] | None,
             read: Callable[[str], str]) -> dict[str, Any]:
    """The ConfigMap or Secret a generator entry makes (its name without the hash suffix)."""
    raise Unsupported("generators are not modelled yet")


def hash_suffix(resource: dict[str, Any]) -> str:
    """Kustomize's content hash of a generated ConfigMap/Secret (the suffix after ``name-``)."""
    raise Unsupported("the name hash is not modelled yet")
