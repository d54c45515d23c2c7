"""Baselines: remember today's findings so a gate fails only on new ones.

A finding's fingerprint hashes what identifies it *semantically*: the rule, the file, the
resource and container, the flagged line's text (whitespace-normalised) and its ordinal among
findings that share all of these. The line *number* is left out, so adding or removing lines
elsewhere in the file keeps every fingerprint; editing the flagged line itself makes it new.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .engine import Diagnostic

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".isolint-baseline.json"


class BaselineError(Exception):
    pass


def normalise_path(path: str) -> str:
    """A stable spelling of a reported path: relative to the working directory when under it, ``/``."""
    if path.startswith("<"):  # <stdin> and friends
        return path
    norm = os.path.normpath(path)
    if os.path.isabs(norm):
        try:
            relative = os.path.relpath(norm)
        except ValueError:  # another drive on Windows
            relative = norm
        if not relative.startswith(".."):
            norm = relative
    return norm.replace(os.sep, "/")


def _line_text(d: Diagnostic, sources: Mapping[str, Sequence[str]]) -> str:
    lines = sources.get(d.location.path, ())
    if 1 <= d.location.line <= len(lines):
        return " ".join(lines[d.location.line - 1].split())
    return d.message  # no source at hand (a linked file not linted itself): the message is stable enough


def fingerprints(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Sequence[str]]) -> list[str]:
    """One fingerprint per diagnostic, in the given order (which should be the report order)."""
    return [fingerprint for _, fingerprint in fingerprinted(diagnostics, sources)]


def iter_fingerprints(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Sequence[str]]) -> Iterator[str]:
    """:func:`fingerprints` one at a time."""
    return (fingerprint for _, fingerprint in fingerprinted(diagnostics, sources))


def fingerprinted(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Sequence[str]],
                  grouped: Iterable[str] | None = None) -> Iterator[tuple[Diagnostic, str]]:
    """Each diagnostic with its fingerprint, one at a time, as a report is written. ``grouped``:
    the paths of diagnostics that come path by path (a run's Findings say so themselves); the
    counts of a path are then dropped once it is done, unless another spelling of it may come."""
    if grouped is None:
        from .findings import Findings

        grouped = diagnostics.paths() if isinstance(diagnostics, Findings) else None
    kept: set[str] | None = None  # paths whose counts are kept to the end (all without ``grouped``)
    if grouped is not None:
        spellings = Counter(normalise_path(p) for p in set(grouped))
        kept = {path for path, n in spellings.items() if n > 1}
    counts: dict[str, Counter[str | tuple[str, ...]]] = {}
    raw = path = None
    for d in diagnostics:
        if d.path != raw:
            raw, previous, path = d.path, path, normalise_path(d.path)
            if kept is not None and previous is not None and previous != path and previous not in kept:
                del counts[previous]
        seen = counts.setdefault(path, Counter())
        r = d.resource
        parts = (d.rule, path, r.kind, r.namespace or "", r.name, d.container or "", _line_text(d, sources))
        key = "\x00".join(parts)
        # counted by the joined key (one string per finding is held, not seven and a tuple), unless a
        # part holds the separator: then two keys could join alike
        counted = key if key.count("\x00") == len(parts) - 1 else parts
        ordinal = seen[counted]
        seen[counted] += 1
        yield d, hashlib.sha256(f"{key}\x00{ordinal}".encode()).hexdigest()[:32]


def write_baseline(path: str, diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]]) -> int:
    """Write the baseline of ``diagnostics`` (entry by entry: never whole in memory); how many."""
    from .reporters import jsonstream

    written = 0

    def entries() -> Iterator[dict[str, Any]]:
        nonlocal written
        for d, fp in fingerprinted(diagnostics, sources):
            written += 1
            yield {"fingerprint": fp, "rule": d.rule, "path": normalise_path(d.path), "line": d.location.line,
                   "resource": f"{d.resource.kind}/{d.resource.name}",
                   **({"container": d.container} if d.container else {}), "message": d.message}

    with open(path, "w", encoding="utf-8") as handle:
        jsonstream.write(handle, {"version": BASELINE_VERSION, "tool": "isolint",
                                  "findings": jsonstream.Items(entries())})
        handle.write("\n")
    return written


class _Fingerprint(str):
    """A baseline entry as read: its fingerprint, the rest of it never held (a large baseline's
    entries as dictionaries took 40 MiB)."""


def _entry(found: dict[str, Any]) -> Any:
    return found if "findings" in found else _Fingerprint(found.get("fingerprint"))  # the document, or an entry


def read_baseline(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            document: Any = json.load(handle, object_hook=_entry)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION \
            or not isinstance(document.get("findings"), list):
        raise BaselineError(f"baseline {path} is not an isolint baseline (version {BASELINE_VERSION})")
    return frozenset(entry if isinstance(entry, _Fingerprint) else str(entry.get("fingerprint"))
                     for entry in document["findings"] if isinstance(entry, _Fingerprint | dict))


def drop_baselined(diagnostics: list[Diagnostic], known: frozenset[str],
                   sources: Mapping[str, Sequence[str]]) -> tuple[list[Diagnostic], int]:
    """The diagnostics whose fingerprint is not in the baseline, and how many were."""
    kept = [d for d, fp in zip(diagnostics, fingerprints(diagnostics, sources), strict=True) if fp not in known]
    return kept, len(diagnostics) - len(kept)
