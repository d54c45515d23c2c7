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

from . import jsonstream
from .engine import Diagnostic
from .model import ParseError
from .sources import Outside, git_top_level, open_for_writing, reported_relpath

BASELINE_VERSION = 1
DEFAULT_BASELINE = ".isolint-baseline.json"


class BaselineError(Exception):
    pass


def normalise_path(path: str, root: str | None = None) -> str:
    """A stable spelling of a reported path, ``/``-separated: relative to ``root`` (the repository
    root, :func:`baseline_root`) when under it, so that a baseline holds whatever folder the run
    starts in; else (or without ``root``) relative to the working directory when under it."""
    if path.startswith("<"):  # <stdin> and friends
        return path
    norm = os.path.normpath(path)
    if root is not None:
        try:
            relative = reported_relpath(norm, root)
        except ValueError:  # another drive on Windows
            relative = os.pardir
        if not relative.startswith(os.pardir):
            return relative
    # absolute, or spelled from above the working directory (`../repo/chart/templates/x.yaml`: a
    # changed-files run walks the repository from its top): relative to it when under it
    if os.path.isabs(norm) or norm.startswith(".."):
        try:
            relative = os.path.relpath(os.path.abspath(norm))
        except ValueError:  # another drive on Windows
            relative = norm
        if not relative.startswith(".."):
            norm = relative
    return norm.replace(os.sep, "/")


def baseline_root(target: str) -> str:
    """The repository root of a run: the git top-level of ``target`` (the first path linted), else
    the working directory. The default baseline lives there and its paths are relative to it; CI
    formats make paths relative to it too (GitHub annotations, SARIF and GitLab Code Quality
    resolve paths from the repository root, whatever folder the job ran in)."""
    return git_top_level(target if target != "-" else ".") or os.path.realpath(os.getcwd())


def default_baseline(target: str) -> str:
    """The default baseline file of a run whose first path is ``target``: :data:`DEFAULT_BASELINE`
    at its :func:`baseline_root`, spelled relative to the working directory when that is shorter."""
    path = os.path.join(baseline_root(target), DEFAULT_BASELINE)
    relative = os.path.relpath(path, os.path.realpath(os.getcwd()))
    return relative if len(relative) < len(path) else path


def _line_text(d: Diagnostic, sources: Mapping[str, Sequence[str]]) -> str:
    lines = sources.get(d.location.path, ())
    if 1 <= d.location.line <= len(lines):
        return " ".join(lines[d.location.line - 1].split())
    return d.message  # no source at hand (a linked file not linted itself): the message is stable enough


def fingerprints(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Sequence[str]],
                 root: str | None = None) -> list[str]:
    """One fingerprint per diagnostic, in the given order (which should be the report order)."""
    return [fingerprint for _, fingerprint in fingerprinted(diagnostics, sources, root)]


def fingerprinted(diagnostics: Iterable[Diagnostic], sources: Mapping[str, Sequence[str]],
                  root: str | None = None) -> Iterator[tuple[Diagnostic, str]]:
    """Each diagnostic with its fingerprint, one at a time, as a report is written; paths relative
    to ``root`` (:func:`normalise_path`)."""
    seen: Counter[tuple[str, ...]] = Counter()
    for d in diagnostics:
        r = d.resource
        path = normalise_path(d.path, root)
        parts = (d.rule, path, r.kind, r.namespace or "", r.name, d.container or "", _line_text(d, sources))
        ordinal = seen[parts]
        seen[parts] += 1
        key = "\x00".join((*parts, str(ordinal)))
        yield d, hashlib.sha256(key.encode()).hexdigest()[:32]


def error_fingerprints(errors: Iterable[ParseError], sources: Mapping[str, Sequence[str]],
                       root: str | None = None) -> Iterator[tuple[ParseError, str]]:
    """Each file error (a file that could not be read or parsed) with its fingerprint: its file, its
    message and the text of its line (not the line number), with its ordinal among identical ones."""
    seen: Counter[tuple[str, ...]] = Counter()
    for e in errors:
        lines = sources.get(e.path, ())
        text = " ".join(lines[e.line - 1].split()) if e.line is not None and 1 <= e.line <= len(lines) else ""
        parts = ("error", normalise_path(e.path, root), e.message, text)
        ordinal = seen[parts]
        seen[parts] += 1
        yield e, hashlib.sha256("\x00".join((*parts, str(ordinal))).encode()).hexdigest()[:32]


def write_baseline(path: str, diagnostics: Sequence[Diagnostic], sources: Mapping[str, Sequence[str]],
                   errors: Sequence[ParseError] = (), root: str | None = None) -> int:
    """Write the baseline of ``diagnostics`` and of the file ``errors``, entry by entry; how many
    diagnostics. An error recorded here does not fail a later run either: the baseline reaches
    green on the tree it was written from."""
    entries = ({"fingerprint": fp, "rule": d.rule, "path": normalise_path(d.path, root), "line": d.location.line,
                "resource": f"{d.resource.kind}/{d.resource.name}",
                **({"container": d.container} if d.container else {}), "message": d.message}
               for d, fp in fingerprinted(diagnostics, sources, root))
    failed = [{"fingerprint": fp, "path": normalise_path(e.path, root), **({"line": e.line} if e.line else {}),
               "message": e.message} for e, fp in error_fingerprints(errors, sources, root)]
    try:
        handle = open_for_writing(path)  # never through a link out of the repository
    except Outside as exc:
        raise BaselineError(f"{path}: {exc.message}") from None
    with handle:
        document = {"version": BASELINE_VERSION, "tool": "isolint", "findings": jsonstream.Items(entries),
                    "errors": failed}
        jsonstream.write(handle, document)
        handle.write("\n")
    return len(diagnostics)


def read_baseline(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            document: Any = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION \
            or not isinstance(document.get("findings"), list):
        raise BaselineError(f"baseline {path} is not an isolint baseline (version {BASELINE_VERSION})")
    errors = document.get("errors")
    entries = [*document["findings"], *(errors if isinstance(errors, list) else ())]
    return frozenset(str(entry.get("fingerprint")) for entry in entries if isinstance(entry, dict))


def drop_baselined(diagnostics: list[Diagnostic], known: frozenset[str], sources: Mapping[str, Sequence[str]],
                   root: str | None = None) -> tuple[list[Diagnostic], int]:
    """The diagnostics whose fingerprint is not in the baseline, and how many were."""
    kept = [d for d, fp in fingerprinted(diagnostics, sources, root) if fp not in known]
    return kept, len(diagnostics) - len(kept)


def drop_baselined_errors(errors: list[ParseError], known: frozenset[str], sources: Mapping[str, Sequence[str]],
                          root: str | None = None) -> tuple[list[ParseError], int]:
    """The file errors whose fingerprint is not in the baseline, and how many were."""
    kept = [e for e, fp in error_fingerprints(errors, sources, root) if fp not in known]
    return kept, len(errors) - len(kept)
