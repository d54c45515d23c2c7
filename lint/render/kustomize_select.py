"""Kustomize selectors: whether a ``target``/``select``/``reject`` of a patch or a replacement
picks a built resource (kind, name, namespace, group, version: anchored regular expressions as
Kustomize reads them; equality-based label and annotation selectors). ``None`` where isolint cannot
tell (a set-based selector): :mod:`isolint.render.kustomize_map` then claims no line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Resource:
    kind: Any
    names: frozenset[str]  # its built name and the name in its origin file
    namespace: Any
    labels: dict[str, Any]
    annotations: dict[str, Any]
    api_version: Any
    home: str | None = None  # the kustomization folder that lists its file as a resource


def matches_selector(selector: Any, res: Resource) -> bool | None:
    """Whether a Kustomize selector (``target``/``select``) selects the resource; None when unsure."""
    if not isinstance(selector, dict):
        return True
    group, _, version = (res.api_version or "").rpartition("/") if isinstance(res.api_version, str) else ("", "", "")
    for key, have in (("kind", {res.kind}), ("name", res.names), ("namespace", {res.namespace}),
                      ("group", {group}), ("version", {version})):
        want = selector.get(key)
        if isinstance(want, str) and want and not any(name_matches(want, h) for h in have if isinstance(h, str)):
            if key == "namespace" and res.namespace is None and want == "default":
                continue
            return False
    verdict: bool | None = True
    for key, have in (("labelSelector", res.labels), ("annotationSelector", res.annotations)):
        want = selector.get(key)
        if isinstance(want, str) and want.strip():
            found = label_selector(want, have)
            if found is False:
                return False
            if found is None:
                verdict = None
    return verdict


def name_matches(pattern: str, name: str) -> bool:
    if pattern == name:
        return True
    try:  # Kustomize reads a target's kind and name as anchored regular expressions
        return re.fullmatch(pattern, name) is not None
    except re.error:
        return False


def label_selector(text: str, labels: dict[str, Any]) -> bool | None:
    """An equality-based selector (``a=b,c!=d,e,!f``) against ``labels``; None for set-based ones."""
    for term in (t.strip() for t in text.split(",")):
        m = re.fullmatch(r"(!?)([\w./-]+)(?:\s*(==|=|!=)\s*([\w.-]*))?", term)
        if m is None:
            return None
        neg, key, op, value = m.groups()
        present = key in labels
        if op is None:
            ok = present != bool(neg)
        elif op == "!=":
            ok = str(labels.get(key)) != value or not present
        else:
            ok = present and str(labels.get(key)) == value
        if not ok:
            return False
    return True
