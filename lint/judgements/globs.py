"""Matching image references and other texts against lists of globs (trust settings, allow-lists)."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable


def image_matches(image: str, patterns: Iterable[str]) -> bool:
    """Glob match of an image reference, case-insensitive, with or without a registry prefix."""
    return first_image_match(image, patterns) is not None


def first_image_match(image: str, patterns: Iterable[str]) -> str | None:
    """The first of ``patterns`` (globs) that :func:`image_matches` ``image``, or None."""
    ref = image.strip().lower()
    candidates = {ref}
    if "/" in ref:
        first, rest = ref.split("/", 1)
        if "." in first or ":" in first or first == "localhost":
            candidates.add(rest)
    if ref.startswith("docker.io/"):
        candidates.add(ref[len("docker.io/"):])
    if any(c.startswith("library/") for c in list(candidates)):
        candidates |= {c[len("library/"):] for c in candidates if c.startswith("library/")}
    return first_glob_match(candidates, patterns)


def first_glob_match(texts: Iterable[str], patterns: Iterable[str]) -> str | None:
    """The first of ``patterns`` (globs, matched case-insensitively) that matches one of ``texts``
    (lower case), or None."""
    patterns = tuple(patterns)
    if not patterns:
        return None
    union = _glob_union(patterns)
    found = [next(i for i in range(len(patterns)) if m.group(f"glob{i}") is not None)
             for m in map(union.match, texts) if m is not None]
    return patterns[min(found)] if found else None


@functools.lru_cache(maxsize=64)
def _glob_union(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a whole list of globs, group ``globN`` for the N-th: compiled once
    instead of once per glob (the default trust settings hold about 30 image globs, and compiling
    each costs start-up time). Alternatives are tried in order, so the first glob that matches
    wins."""
    return re.compile("|".join(f"(?P<glob{i}>{fnmatch.translate(p.lower())})" for i, p in enumerate(patterns)))
