"""A run's findings held compactly until the report, and read back in report order.

In a large run each file's findings are frozen where the file was linted (:func:`freeze`: pickled
bytes, a fraction of their objects' memory). Once every file is done, :meth:`Findings.decide`
reads them path by path and records what the report shows -- not superseded, not ignored for the
path, not suppressed (which marks the suppressions used, for SUP002), then with the suppression
findings, not in the baseline -- and the report reads them path by path again: only one path's
findings are objects at any time.

The order is the whole run's: every finding sorted by :meth:`Diagnostic.sort_key`, stable in file
order (a file's findings in the order its rules made them, Namespace rules' last). The key starts
with the path, so a path's findings are consecutive; sorting them, gathered in file order, gives
the same sequence. Superseding compares findings at the same place, so at the same path.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from itertools import tee
from typing import Any, overload

from .engine import Diagnostic, drop_superseded_by, superseding
from .model import Location, Resource
from .rule import LoadedRule, Severity
from .settings import Settings
from .suppress import _Index, _meta_findings, drop_per_path_ignores

Found = bytes | int | Sequence[Diagnostic]  # a file's findings at one path: frozen (or spilled), or objects


def dictionary(rules: Iterable[LoadedRule]) -> bytes:
    """A zlib preset dictionary for frozen findings: what they all spell (the classes, the rules'
    codes and names). The few findings of a file compress to a third of their pickle with it, to
    a half without."""
    sample = Diagnostic("CODE", "name", Severity.HIGH, Location("path", 10, 5), "container 'name'",
                        Resource("Deployment", "name", "namespace", "apps/v1"), "name", (), True, None, "kubernetes")
    names = "\n".join(f"{rule.code} {rule.name}" for rule in rules)
    return names.encode() + pickled([sample, dataclasses.replace(sample, severity=Severity.MEDIUM)])


def freeze(diagnostics: Sequence[Diagnostic], zdict: bytes) -> bytes:
    """Findings as compressed bytes (:func:`pickled`)."""
    import zlib

    compressor = zlib.compressobj(1, zdict=zdict)
    return compressor.compress(pickled(list(diagnostics))) + compressor.flush()


def thaw(found: bytes | Sequence[Diagnostic], zdict: bytes | None) -> list[Diagnostic]:
    if isinstance(found, bytes):
        import pickle
        import zlib

        diagnostics: list[Diagnostic] = pickle.loads(zlib.decompressobj(zdict=zdict or b"").decompress(found))
        return diagnostics
    return list(found)


def pickled(value: Any) -> bytes:
    """``value`` pickled so that the model's classes and findings are rebuilt by calling them
    (twice as fast both ways as the dataclasses' own pickling; objects shared stay shared)."""
    import io
    import pickle

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(value)
    return buffer.getvalue()


_TABLE: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _dispatch_table() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    if not _TABLE:
        import copyreg

        from . import model

        _TABLE.update(copyreg.dispatch_table)
        for cls in (Diagnostic, *vars(model).values()):
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and all(f.init for f in fields(cls)):
                _TABLE[cls] = _constructor_call(cls, tuple(f.name for f in fields(cls)))
    return _TABLE


def _constructor_call(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda obj: (cls, tuple(getattr(obj, name) for name in names))


class _Path:
    """The findings located in one file and what the run decided about them (a plain class: one
    less dataclass to build at start-up)."""

    __slots__ = ("candidates", "count", "found", "kept", "meta", "shown", "thawed")

    def __init__(self) -> None:
        self.found: list[Found] = []  # per file that reported here, in file order
        self.kept: Sequence[int] | None = None  # positions (sorted) that no filter dropped; None: all
        self.candidates = False  # any finding left after superseding (the baseline reads only these paths' lines)
        self.meta: list[Diagnostic] = []  # suppression findings located here
        self.shown: Sequence[int] | None = None  # positions (with meta) not in the baseline; None: all
        self.count = 0  # findings shown
        self.thawed: list[Diagnostic] | None = None  # ``found`` read and sorted, in a run with few findings


class Findings(Sequence[Diagnostic]):
    """The findings a run reports, in report order, read back path by path each time they are
    iterated. Indexing (or comparing) builds the whole list once."""

    def __init__(self, paths: dict[str, _Path], zdict: bytes | None = None,
                 read: Callable[[int], bytes] | None = None) -> None:
        self._paths = paths
        self._zdict = zdict  # of the frozen findings
        self._read = read  # frozen findings spilled (isolint.pipeline.Spill), by where they are
        self._order = sorted(paths)
        self.suppressed = 0  # dropped by per-path ignores and suppressions
        self.baselined = 0  # dropped as known from the baseline
        self.severities: Counter[Severity] = Counter()  # of the findings shown
        self._list: list[Diagnostic] | None = None

    @classmethod
    def decide(cls, files: Iterable[tuple[str, Found]], rules: list[LoadedRule], known: Sequence[LoadedRule],
               index: _Index, settings: Settings, lines: Callable[[Iterable[str]], Mapping[str, Sequence[str]]],
               zdict: bytes | None = None, read: Callable[[int], bytes] | None = None, thawed: bool = False,
               baseline: frozenset[str] | None = None) -> Findings:
        """The findings of ``files`` (``(path, findings)`` pairs in file order, frozen with
        ``zdict``, spilled ones got back by ``read``) that the run shows. ``lines(paths)`` gives
        the source lines of ``paths`` (read only with a baseline). ``thawed``: few enough to hold
        as objects once read (not read again for the report). ``baseline``: the fingerprints of
        ``settings.baseline`` if read already."""
        paths: dict[str, _Path] = {}
        for path, found in files:
            if found:
                paths.setdefault(path, _Path()).found.append(found)
        findings = cls(paths, zdict, read)
        findings._filter(rules, index, settings, thawed)
        if settings.suppressions:
            for d in _meta_findings(index.all, rules, known, settings.severity):
                group = paths.setdefault(d.location.path, _Path())
                group.meta.append(d)
                group.count += 1
                findings.severities[d.severity] += 1
            findings._order = sorted(paths)
        if settings.baseline:
            if baseline is None:
                from .baseline import read_baseline

                baseline = read_baseline(settings.baseline)
            findings._drop_baselined(baseline, lines([p for p in findings._order if paths[p].candidates]))
        return findings

    def _filter(self, rules: list[LoadedRule], index: _Index, settings: Settings, thawed: bool) -> None:
        """What the whole-run algorithm drops: superseded findings, then per-path ignores and
        suppressions (counted as suppressed)."""
        supersede = superseding(rules)
        for path in self._order:
            group = self._paths[path]
            found = self._sorted(group)
            if thawed:
                group.found, group.thawed = [], found
            left = drop_superseded_by(found, supersede)
            group.candidates = bool(left)
            kept = drop_per_path_ignores(left, settings.per_path_ignores, settings.root)
            if settings.suppressions:
                # every candidate is asked, so each records what it silenced (for SUP002)
                kept = [d for d in kept if not any([sup.silences(d) for sup in index.candidates(d)])]
            self.suppressed += len(left) - len(kept)
            group.kept = None if len(kept) == len(found) else _positions(found, kept)
            group.count = len(kept)
            self.severities.update(d.severity for d in kept)

    def _drop_baselined(self, known: frozenset[str], lines: Mapping[str, Sequence[str]]) -> None:
        from .baseline import fingerprinted

        found = ((group, position, d) for group in map(self._paths.__getitem__, self._order)
                 for position, d in enumerate(self._with_meta(group)))
        each, ahead = tee(found)
        shown: dict[int, list[int]] = {}
        for (group, position, d), (_, fingerprint) in zip(each, fingerprinted((d for _, _, d in ahead), lines,
                                                                              grouped=self._order), strict=True):
            kept = shown.setdefault(id(group), [])
            if fingerprint in known:
                group.shown = kept  # some dropped: the positions kept are needed
                group.count -= 1
                self.severities[d.severity] -= 1
                self.baselined += 1
            else:
                kept.append(position)

    def _with_meta(self, group: _Path) -> list[Diagnostic]:
        found = self._sorted(group)
        kept = found if group.kept is None else [found[i] for i in group.kept]
        if group.meta:
            kept.extend(group.meta)
            kept.sort(key=Diagnostic.sort_key)  # stable: findings before suppression findings at a tie
        return kept

    def _shown(self, group: _Path) -> list[Diagnostic]:
        merged = self._with_meta(group)
        return merged if group.shown is None else [merged[i] for i in group.shown]

    def _sorted(self, group: _Path) -> list[Diagnostic]:
        """A path's findings gathered in file order, stably sorted: their order in the whole run's
        (a file's frozen findings are sorted already)."""
        if group.thawed is not None:
            return list(group.thawed)
        out: list[Diagnostic] = []
        for part in group.found:
            if isinstance(part, int):
                assert self._read is not None
                part = self._read(part)
            out.extend(thaw(part, self._zdict))
        if len(group.found) > 1 or (group.found and not isinstance(group.found[0], bytes | int)):
            out.sort(key=Diagnostic.sort_key)
        return out

    def paths(self) -> list[str]:
        """The paths findings are shown at, in report order."""
        return [p for p in self._order if self._paths[p].count]

    def __iter__(self) -> Iterator[Diagnostic]:
        if self._list is not None:
            yield from self._list
            return
        for path in self._order:
            group = self._paths[path]
            if group.count:
                yield from self._shown(group)

    def __len__(self) -> int:
        return sum(group.count for group in self._paths.values())

    @overload
    def __getitem__(self, index: int) -> Diagnostic: ...

    @overload
    def __getitem__(self, index: slice) -> list[Diagnostic]: ...

    def __getitem__(self, index: int | slice) -> Diagnostic | list[Diagnostic]:
        if self._list is None:
            self._list = list(self)
        return self._list[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Findings({list(self)!r})"




def _positions(found: list[Diagnostic], kept: list[Diagnostic]) -> list[int]:
    """Where the findings of ``kept`` (a subsequence of ``found``, the same objects) are in ``found``."""
    positions: list[int] = []
    it = iter(kept)
    wanted = next(it, None)
    for i, d in enumerate(found):
        if d is wanted:
            positions.append(i)
            wanted = next(it, None)
    return positions
