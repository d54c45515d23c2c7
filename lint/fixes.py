"""Fixes: what a rule proposes to change, as plain data that the engine writes into the source.

A rule never edits text (it sees only the model). It says *what* to set, in the source format's
own spelling, relative to a node the parser positioned:

* ``Fix.set(container, "securityContext.allowPrivilegeEscalation", False)``: set a key below the
  mapping written at the container (mappings on the way are created when missing);
* ``Fix.set(container, "securityContext.seccompProfile.type", "RuntimeDefault", pod=True)``: the
  same below the pod spec, the mapping that holds the container's list;
* ``Fix.append(container, "cap_drop", "ALL")``: add an item to a list (created when missing);
* ``Fix.replace(value, False)``: write another value where ``value`` was read;
* ``Fix.instruction(stage, "USER 10001")``: add a Dockerfile instruction at the end of a stage.

Whether a rule has a fix, and how safe it is, is the rule's metadata (``Rule.fix``): a *safe* fix
keeps what the workload does and is applied by ``isolint fix``; an *unsafe* one may change what it
can do and needs ``--unsafe-fixes`` (ruff's two classes). ``lint/fixer.py`` turns fixes into text
edits, checks them for conflicts and writes them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from .model import Location


class Applicability(str, enum.Enum):
    """How safe a rule's fix is (ruff's terms)."""

    SAFE = "safe"  # keeps what the workload does: applied by ``isolint fix``
    UNSAFE = "unsafe"  # may change what the workload can do: only with ``--unsafe-fixes``


class Edit(str, enum.Enum):
    SET = "set"  # set ``path`` below the anchor's mapping to ``value``
    APPEND = "append"  # add ``value`` to the list at ``path`` below the anchor's mapping
    REPLACE = "replace"  # write ``value`` where the anchor's scalar is
    INSTRUCTION = "instruction"  # a Dockerfile instruction after the last line of the anchor's stage


class _Located(Protocol):
    @property
    def loc(self) -> Location: ...


@dataclass(frozen=True, slots=True)
class Fix:
    """One change, anchored at a position the parser gave a model node.

    ``pod`` True anchors at the mapping that holds the list the anchored container is an item of
    (a Kubernetes pod spec), for settings one pod-level key serves for every container.
    """

    edit: Edit
    anchor: Location
    path: tuple[str, ...] = ()
    value: bool | int | str | None = None
    pod: bool = False

    @classmethod
    def set(cls, node: _Located, path: str, value: bool | int | str, *, pod: bool = False) -> Fix:
        return cls(Edit.SET, node.loc, tuple(path.split(".")), value, pod)

    @classmethod
    def append(cls, node: _Located, path: str, value: str) -> Fix:
        return cls(Edit.APPEND, node.loc, tuple(path.split(".")), value)

    @classmethod
    def replace(cls, node: _Located, value: bool | int | str) -> Fix:
        return cls(Edit.REPLACE, node.loc, (), value)

    @classmethod
    def instruction(cls, stage: _Located, text: str) -> Fix:
        return cls(Edit.INSTRUCTION, stage.loc, (), text)

    def describe(self) -> str:
        """What the fix does, for ``isolint fix`` output: ``set securityContext.runAsNonRoot: true``."""
        if self.edit is Edit.INSTRUCTION:
            return f"add {self.value}"
        shown = _scalar(self.value)
        if self.edit is Edit.REPLACE:
            return f"write {shown}"
        where = ("pod " if self.pod else "") + ".".join(self.path)
        return f"add {shown} to {where}" if self.edit is Edit.APPEND else f"set {where}: {shown}"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
