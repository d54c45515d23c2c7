"""Typed, positioned reads out of a YAML document, shared by the Kubernetes and Compose parsers.

A :class:`Reader` turns ``YMap`` entries into :class:`~isolint.model.Value` objects located at
their key, and records a clear error (path inside the document, line, column) when a value has
the wrong type instead of raising: what can still be judged is judged.
"""

from __future__ import annotations

from typing import Any

from ..model import KeyValue, Location, ParseError, Value
from ..yamlsource import BoolWord, YMap, YSeq

BOOL_WORDS = {"true": True, "y": True, "yes": True, "on": True, "false": False, "n": False, "no": False, "off": False}


class Reader:
    """``what`` is "manifest" (Kubernetes) or "Compose file". A manifest is read as the API server
    reads it (sigs.k8s.io/yaml: go-yaml v2 into JSON): a plain ``y``/``n`` is a boolean and an
    integral float (``runAsUser: 0.0``) an integer."""

    def __init__(self, path: str, what: str = "manifest") -> None:
        self.path = path
        self.what = what  # "manifest" or "Compose file", for messages
        self.errors: list[ParseError] = []
        self.api_server = what == "manifest"

    # -- locations -------------------------------------------------------------------------
    def loc(self, pos: tuple[int, int]) -> Location:
        return Location(self.path, pos[0], pos[1])

    def key_loc(self, mapping: YMap, key: str) -> Location:
        return self.loc(mapping.pos_of(key))

    def item_loc(self, seq: YSeq, index: int) -> Location:
        return self.loc(seq.pos_of(index))

    def node_loc(self, node: Any, fallback: Location) -> Location:
        pos = getattr(node, "pos", None)
        return self.loc(pos) if pos is not None else fallback

    def error(self, where: str, message: str, loc: Location | None) -> None:
        self.errors.append(ParseError(
            self.path, f"invalid {self.what}: {where}: {message}",
            loc.line if loc else None, loc.column if loc else None))

    # -- typed reads -------------------------------------------------------------------------
    def mapping(self, parent: Any, key: str, where: str) -> YMap | None:
        if not isinstance(parent, YMap) or key not in parent:
            return None
        value = parent[key]
        if value is None:
            return None
        if not isinstance(value, YMap):
            self.error(f"{where}.{key}", f"expected a mapping, got {_describe(value)}", self.key_loc(parent, key))
            return None
        return value

    def sequence(self, parent: Any, key: str, where: str) -> YSeq | None:
        if not isinstance(parent, YMap) or key not in parent:
            return None
        value = parent[key]
        if value is None:
            return None
        if not isinstance(value, YSeq):
            self.error(f"{where}.{key}", f"expected a list, got {_describe(value)}", self.key_loc(parent, key))
            return None
        return value

    def boolean(self, parent: Any, key: str, where: str, words: bool = False) -> Value[bool] | None:
        """A boolean; ``words`` also accepts the Compose spellings (``"yes"``, ``"off"`` ...)."""
        if not isinstance(parent, YMap) or key not in parent or parent[key] is None:
            return None
        value = parent[key]
        loc = self.key_loc(parent, key)
        if isinstance(value, bool):
            return Value(value, loc)
        if self.api_server and isinstance(value, BoolWord):
            return Value(value.boolean, loc, text=str(value))
        if words and isinstance(value, str) and value.strip().lower() in BOOL_WORDS:
            return Value(BOOL_WORDS[value.strip().lower()], loc, text=value)
        self.error(f"{where}.{key}", f"expected true or false, got {_describe(value)}", loc)
        return None

    def integer(self, parent: Any, key: str, where: str, strings: bool = False) -> Value[int] | None:
        if not isinstance(parent, YMap) or key not in parent or parent[key] is None:
            return None
        value = parent[key]
        loc = self.key_loc(parent, key)
        if isinstance(value, int) and not isinstance(value, bool):
            return Value(value, loc)
        if self.api_server and isinstance(value, float) and value.is_integer():
            return Value(int(value), loc, text=repr(value))  # JSON has one number type: 0.0 is 0
        if strings and isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return Value(int(value.strip()), loc, text=value)
        self.error(f"{where}.{key}", f"expected an integer, got {_describe(value)}", loc)
        return None

    def string(self, parent: Any, key: str, where: str, scalars: bool = False) -> Value[str] | None:
        """A string; ``scalars`` also accepts numbers and booleans, kept as their text."""
        if not isinstance(parent, YMap) or key not in parent or parent[key] is None:
            return None
        value = parent[key]
        loc = self.key_loc(parent, key)
        if isinstance(value, str):
            return Value(value, loc)
        if scalars and isinstance(value, (int, float, bool)):
            return Value(_scalar_text(value), loc)
        self.error(f"{where}.{key}", f"expected a string, got {_describe(value)}", loc)
        return None

    def strings(self, parent: Any, key: str, where: str, scalars: bool = False) -> tuple[Value[str], ...]:
        seq = self.sequence(parent, key, where)
        if seq is None:
            return ()
        out = []
        for i, item in enumerate(seq):
            loc = self.item_loc(seq, i)
            if isinstance(item, str):
                out.append(Value(item, loc))
            elif scalars and isinstance(item, (int, float, bool)):
                out.append(Value(_scalar_text(item), loc))
            elif item is not None:
                self.error(f"{where}.{key}[{i}]", f"expected a string, got {_describe(item)}", loc)
        return tuple(out)

    def pairs(self, parent: Any, key: str, where: str) -> tuple[KeyValue, ...]:
        """A string-to-string mapping (labels, annotations, nodeSelector); values kept as text."""
        mapping = self.mapping(parent, key, where)
        if mapping is None:
            return ()
        out = []
        for k, v in mapping.items():
            loc = self.key_loc(mapping, k)
            text = "" if v is None else _scalar_text(v) if isinstance(v, (str, int, float, bool)) else None
            if text is None:
                self.error(f"{where}.{key}.{k}", f"expected a string, got {_describe(v)}", loc)
                continue
            out.append(KeyValue(Value(str(k), loc), Value(text, loc)))
        return tuple(out)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _describe(value: Any) -> str:
    if isinstance(value, (YMap, dict)):
        return "a mapping"
    if isinstance(value, (YSeq, list)):
        return "a list"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
