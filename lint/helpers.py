"""Judgements several rules share, part of the public API (``from isolint.helpers import ...``).

Keep each helper a pure function of model values so rules stay one-screen modules.
"""

from __future__ import annotations

import fnmatch
import posixpath

from .model import Value


def user_is_root(user: Value[int | str] | None) -> bool:
    """``0``, ``root``, ``0:0``, ``root:wheel`` (Compose ``user``, Dockerfile ``USER``, runAsUser)."""
    if user is None:
        return False
    value = user.value
    if isinstance(value, int):
        return value == 0
    name = str(value).strip().split(":", 1)[0].strip()
    return name in ("0", "root") or name.lower() in ("containeradministrator",)


def image_matches(image: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Glob match of an image reference, case-insensitive, with or without a registry prefix."""
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
    return any(fnmatch.fnmatchcase(c, p.lower()) for c in candidates for p in patterns)


def canonical_host_path(path: str) -> str:
    """Normalise a host path for matching: collapse ``//``, ``.``, ``..``; ``/var/run`` -> ``/run``."""
    if not path.startswith("/"):
        return path
    norm = posixpath.normpath("/" + path.lstrip("/"))
    if norm == "/var/run" or norm.startswith("/var/run/"):
        norm = "/run" + norm[len("/var/run"):]
    return norm


def path_overlaps(mounted: str, sensitive: str) -> bool:
    """True when ``mounted`` equals, lies under, or is an ancestor of ``sensitive``.

    Both are canonical absolute paths; ``sensitive`` may hold ``*`` globs per component
    (``/run/user/*/docker.sock``). Comparing component by component up to the shorter path
    covers all three relations at once.
    """
    ours = [part for part in mounted.split("/") if part]
    theirs = [part for part in sensitive.split("/") if part]
    return all(fnmatch.fnmatchcase(a, b) for a, b in zip(ours, theirs, strict=False))
