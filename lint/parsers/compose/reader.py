"""Typed reads out of a Compose tree that keep where each value came from.

:class:`ComposeReader` is the :class:`~isolint.parsers.fields.Reader` of a Compose project: its values
carry interpolation certainty (a value that used an unset variable is ``certain=False``) and the file
each was written in (``extends: {file: ...}`` and the override file put values from other files into
the tree). :class:`ServiceReader` is that reader at one place of the file (``services.web``), so that
error messages name the place without every function passing it on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ...model import KeyValue, Location, ParseError, Value
from ...sources import excerpt
from ...yamlsource import YMap, YSeq
from ..fields import BOOL_WORDS, Reader, _describe
from .interpolation import Interpolated

# YAML 1.1 reads unquoted 22:22 as the base-60 integer 1342; Compose (YAML 1.2) keeps the text.
SEXAGESIMAL = r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+"


# -- typed reads that keep interpolation certainty --------------------------------------------------

def origin(raw: Any) -> tuple[bool, str | None]:
    if isinstance(raw, Interpolated):
        return raw.certain, raw.raw
    return True, None


def is_uncertain(raw: Any) -> bool:
    return isinstance(raw, Interpolated) and not raw.certain


def scalar_text(raw: Any) -> str | None:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    if isinstance(raw, str):
        return str(raw)
    return None


def number_or_name(text: str) -> int | str:
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


class ComposeReader(Reader):
    """A :class:`Reader` whose values carry interpolation certainty and per-file locations."""

    def __init__(self, path: str, lines: tuple[str, ...]) -> None:
        super().__init__(path, "Compose file")
        self.lines: dict[str, tuple[str, ...]] = {path: lines}
        self.seen: set[ParseError] = set()

    def loc(self, pos: tuple) -> Location:
        return Location(pos[2] if len(pos) > 2 else self.path, pos[0], pos[1])

    def error(self, where: str, message: str, loc: Location | None) -> None:
        """Record an error once (a key read by two normalisation steps is reported once)."""
        error = ParseError(loc.path if loc else self.path, f"invalid Compose file: {where}: {message}",
                           loc.line if loc else None, loc.column if loc else None)
        if error not in self.seen:
            self.seen.add(error)
            self.errors.append(error)

    def _absent(self, parent: Any, key: str, where: str) -> bool:
        """Whether ``key`` is not set; written with no value (``user:``) it is not set either, and an
        error: Compose refuses the file ("must be a string")."""
        if not isinstance(parent, YMap) or key not in parent:
            return True
        if parent[key] is None:
            self.error(f"{where}.{key}", "no value (Compose refuses the file; remove the key or give it one)",
                       self.key_loc(parent, key))
            return True
        return False

    def value(self, raw: Any, loc: Location, after_key: bool = False) -> Value[str] | None:
        """Any scalar as text, with certainty and source spelling when interpolated.

        ``after_key``: ``loc`` is the key of a mapping entry, not the scalar itself.
        """
        if isinstance(raw, int) and not isinstance(raw, bool):
            written = self._base60_text(raw, loc, after_key)
            if written is not None:
                return Value(written, loc)
        text = scalar_text(raw)
        if text is None:
            return None
        certain, source = origin(raw)
        return Value(text, loc, certain, source)

    def _base60_text(self, number: int, loc: Location, after_key: bool) -> str | None:
        """The source text of an integer YAML 1.1 read as base 60 (``22:22``), else None."""
        lines = self.lines.get(loc.path)
        if lines is None or not 0 < loc.line <= len(lines) or loc.column is None:
            return None
        rest = lines[loc.line - 1][loc.column - 1:]
        if after_key:
            rest = rest.partition(":")[2].lstrip()
        match = re.match(SEXAGESIMAL, rest)
        if match is None:
            return None
        sign = -1 if match.group().startswith("-") else 1
        total = 0
        for part in match.group().lstrip("+-").split(":"):
            total = total * 60 + int(part.replace("_", ""))
        return match.group() if sign * total == number else None

    def text(self, parent: Any, key: str, where: str) -> Value[str] | None:
        if self._absent(parent, key, where):
            return None
        raw = parent[key]
        loc = self.key_loc(parent, key)
        result = self.value(raw, loc, after_key=True)
        if result is None:
            self.error(f"{where}.{key}", f"expected a string, got {_describe(raw)}", loc)
        return result

    def flag(self, parent: Any, key: str, where: str) -> Value[bool] | None:
        """A Compose boolean: true/false or the strings true|y|yes|on|false|n|no|off in any case."""
        if self._absent(parent, key, where):
            return None
        return self.to_bool(parent[key], self.key_loc(parent, key), f"{where}.{key}")

    def to_bool(self, raw: Any, loc: Location, where: str) -> Value[bool] | None:
        if isinstance(raw, bool):
            return Value(raw, loc)
        certain, source = origin(raw)
        if isinstance(raw, str) and raw.strip().lower() in BOOL_WORDS:
            return Value(BOOL_WORDS[raw.strip().lower()], loc, certain, source or str(raw))
        if not is_uncertain(raw):  # an unset variable is unknown here, not wrong
            shown = f" (from {excerpt(str(source))})" if source else ""
            self.error(where, f"expected true or false, got {_describe(raw)}{shown}", loc)
        return None

    def items(self, parent: Any, key: str, where: str, single: bool = False) -> list[tuple[Any, Location, bool]]:
        """Items of a list as ``(item, location, location is a key)``.

        ``single``: Compose also takes one string for this list. Otherwise a lone scalar is
        reported, and still read so that what it says is judged.
        """
        if self._absent(parent, key, where):
            return []
        raw = parent[key]
        loc = self.key_loc(parent, key)
        if isinstance(raw, YSeq):
            return [(item, self.item_loc(raw, i), False) for i, item in enumerate(raw) if item is not None]
        if isinstance(raw, YMap):
            self.error(f"{where}.{key}", f"expected a list, got {_describe(raw)}", loc)
            return []
        if not single:
            self.error(f"{where}.{key}", f"expected a list, got {_describe(raw)}", loc)
        return [(raw, loc, True)]

    def texts(self, parent: Any, key: str, where: str, single: bool = False) -> tuple[Value[str], ...]:
        out = []
        for i, (item, loc, after_key) in enumerate(self.items(parent, key, where, single)):
            value = self.value(item, loc, after_key)
            if value is None:
                self.error(f"{where}.{key}[{i}]", f"expected a string, got {_describe(item)}", loc)
            else:
                out.append(value)
        return tuple(out)

    def key_values(self, parent: Any, key: str, where: str,
                   bare: Callable[[str], str | None] | None = None) -> tuple[KeyValue, ...]:
        """A Compose ``list_or_dict``: a mapping, or a list of ``"key=value"`` strings.

        ``bare`` gives the value of a key written without one (``- HOME`` in ``environment``);
        such an entry is kept with an uncertain empty value when ``bare`` has nothing.
        """
        if self._absent(parent, key, where):
            return ()
        raw = parent[key]
        if isinstance(raw, YMap):
            return tuple(self._mapping_pairs(raw, f"{where}.{key}", bare))
        if isinstance(raw, YSeq):
            return tuple(self._list_pairs(raw, f"{where}.{key}", bare))
        self.error(f"{where}.{key}", f"expected a mapping or a list of 'key=value', got {_describe(raw)}",
                   self.key_loc(parent, key))
        return ()

    def _mapping_pairs(self, mapping: YMap, where: str, bare: Callable[[str], str | None] | None) -> Iterable[KeyValue]:
        for k, v in mapping.items():
            loc = self.key_loc(mapping, k)
            name = Value(str(k), loc)
            if v is None:
                yield KeyValue(name, self._bare_value(str(k), loc, bare))
                continue
            value = self.value(v, loc, after_key=True)
            if value is None:
                self.error(f"{where}.{k}", f"expected a string, got {_describe(v)}", loc)
                continue
            yield KeyValue(name, value)

    def _list_pairs(self, seq: YSeq, where: str, bare: Callable[[str], str | None] | None) -> Iterable[KeyValue]:
        for i, item in enumerate(seq):
            loc = self.item_loc(seq, i)
            if item is None:
                continue
            text = self.value(item, loc)
            if text is None:
                self.error(f"{where}[{i}]", f"expected 'key=value', got {_describe(item)}", loc)
                continue
            name, sep, rest = text.value.partition("=")
            if not sep:
                yield KeyValue(Value(name, loc, text.certain), self._bare_value(name, loc, bare))
            else:
                yield KeyValue(Value(name, loc, text.certain), Value(rest, loc, text.certain, text.text))

    @staticmethod
    def _bare_value(name: str, loc: Location, bare: Callable[[str], str | None] | None) -> Value[str]:
        found = bare(name) if bare else None
        return Value(found, loc) if found is not None else Value("", loc, certain=False)


class ServiceReader:
    """The project's reader at one place of the file (``services.web``, ``services.web.build``):
    every read and error names that place, as Compose's own messages do."""

    __slots__ = ("reader", "where")

    def __init__(self, reader: ComposeReader, where: str) -> None:
        self.reader = reader
        self.where = where

    def under(self, suffix: str) -> ServiceReader:
        """The reader at a place inside this one (``".ports[0]"``, ``".build"``)."""
        return ServiceReader(self.reader, f"{self.where}{suffix}")

    def error(self, message: str, loc: Location | None) -> None:
        self.reader.error(self.where, message, loc)

    def key_loc(self, mapping: YMap, key: str) -> Location:
        return self.reader.key_loc(mapping, key)

    def value(self, raw: Any, loc: Location, after_key: bool = False) -> Value[str] | None:
        return self.reader.value(raw, loc, after_key)

    def text(self, parent: Any, key: str) -> Value[str] | None:
        return self.reader.text(parent, key, self.where)

    def flag(self, parent: Any, key: str) -> Value[bool] | None:
        return self.reader.flag(parent, key, self.where)

    def mapping(self, parent: Any, key: str) -> YMap | None:
        return self.reader.mapping(parent, key, self.where)

    def items(self, parent: Any, key: str, single: bool = False) -> list[tuple[Any, Location, bool]]:
        return self.reader.items(parent, key, self.where, single)

    def texts(self, parent: Any, key: str, single: bool = False) -> tuple[Value[str], ...]:
        return self.reader.texts(parent, key, self.where, single)

    def key_values(self, parent: Any, key: str,
                   bare: Callable[[str], str | None] | None = None) -> tuple[KeyValue, ...]:
        return self.reader.key_values(parent, key, self.where, bare)
