"""Which files to lint: walk the given paths, honour ``.gitignore`` and excludes, guess each kind.

The kind is guessed from the name here (cheap); YAML and JSON files whose name says nothing are
classified by content when they are loaded (:mod:`isolint.loader`).
"""

from __future__ import annotations

import enum
import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .sources import OUTSIDE, inside, run_root

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", "third_party", "third-party",
                          ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".ruff_cache",
                          ".pytest_cache", "bower_components", ".terraform"})
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
# Dockerfile.md, Dockerfile.j2 ... are documentation or templates, not Dockerfiles
NOT_DOCKERFILE_SUFFIXES = (".md", ".txt", ".dockerignore", ".yaml", ".yml", ".json", ".sh", ".py", ".j2",
                           ".jinja", ".jinja2", ".tpl", ".tmpl", ".template", ".erb", ".bak", ".orig", ".swp")


# Dockerfile.dev, Dockerfile-alpine, Dockerfile_debug (docker build -f ...)
DOCKERFILE_PREFIXES = tuple(f"{name}{sep}" for name in ("dockerfile", "containerfile") for sep in ".-_")


class Kind(str, enum.Enum):
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    KUBERNETES = "kubernetes"
    YAML = "yaml"  # a YAML or JSON file to classify by content
    HELM = "helm"  # a chart's Chart.yaml or template: rendered (isolint.render)
    KUSTOMIZE = "kustomize"  # a root kustomization: built (isolint.render.kustomize)


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str
    kind: Kind
    explicit: bool = False  # named on the command line (not found by walking)
    root: str | None = None  # the resolved root of its target: what it may name must lie inside


def kind_from_name(path: str) -> Kind | None:
    lower = os.path.basename(path).lower()
    if lower in ("dockerfile", "containerfile") or lower.endswith((".dockerfile", ".containerfile")):
        return Kind.DOCKERFILE
    if lower.startswith(DOCKERFILE_PREFIXES) and not lower.endswith(NOT_DOCKERFILE_SUFFIXES):
        return Kind.DOCKERFILE
    if lower.endswith(YAML_SUFFIXES):
        return Kind.COMPOSE if lower.startswith(("docker-compose", "compose")) else Kind.YAML
    if lower.endswith(JSON_SUFFIXES):
        return Kind.YAML
    return None


def read_small_file(path: str, limit: int = 1 << 20) -> str | None:
    """A regular file's text, or None: never blocks on a FIFO, never reads past ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit).decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def not_a_file_reason(path: str) -> str:
    """Why ``path``, named like a lintable file, is not read: a broken or looping symlink, a FIFO ..."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop (too many levels of symbolic links); skipped"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return f"broken symlink: its target {os.readlink(path)!r} does not exist; skipped"
        return f"cannot read: {exc.strerror or exc}"
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"))
    what = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"not a regular file ({what}); never opened, skipped"


class _GitIgnore:
    """The ``.gitignore`` files met on the way down, each matching relative to its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[str, object]] = []

    def enter(self, directory: str, boundary: str, errors: list[tuple[str, str]]) -> int:
        path = os.path.join(directory, ".gitignore")
        if os.path.islink(path) and inside(path, boundary) is None:
            errors.append((path, OUTSIDE))
            return 0
        text = read_small_file(path)
        if text is None:
            return 0
        lines = text.splitlines()
        import pathspec

        self._specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))
        return 1

    def leave(self, count: int) -> None:
        for _ in range(count):
            self._specs.pop()

    def ignored(self, path: str, is_dir: bool) -> bool:
        for base, spec in self._specs:
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            if is_dir:
                rel += "/"
            if spec.match_file(rel):  # type: ignore[attr-defined]
                return True
        return False


def _excluded(path: str, root: str, excludes: Iterable[str]) -> bool:
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    name = os.path.basename(path)
    for pattern in excludes:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(name, pattern) \
                or rel.startswith(pattern + "/"):
            return True
    return False


def discover(paths: Iterable[str], excludes: Iterable[str] = (), gitignore: bool = True,
             errors: list[tuple[str, str]] | None = None) -> Iterator[Candidate]:
    """Yield lintable files under ``paths`` in a deterministic order.

    Every file stays inside the root of its target (its git top-level, else the target:
    :func:`isolint.sources.run_root`): a link that resolves outside is never opened and is
    reported once, by its own name (:data:`isolint.sources.OUTSIDE`). Symlinks to files inside are
    followed, symlinked directories are not (no loops); sockets, FIFOs and devices are never
    opened. Problems (links out, unreadable folders, missing paths) go to ``errors``.
    """
    errors = errors if errors is not None else []
    excludes = tuple(excludes)
    roots: dict[str, str] = {}  # folder -> root: pre-commit names thousands of files in a few folders
    for path in paths:
        folder = os.path.dirname(os.path.abspath(path))
        root = roots.get(folder) if not os.path.isdir(path) else None
        if root is None:
            root = run_root(path)
            if not os.path.isdir(path):
                roots[folder] = root
        if inside(path, root) is None:
            errors.append((path, OUTSIDE))
            continue
        try:
            st = os.stat(path)
        except OSError:
            errors.append((path, not_a_file_reason(path)))
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, path, root, excludes, _GitIgnore() if gitignore else None, errors)
        elif stat.S_ISREG(st.st_mode):
            kind = kind_from_name(path) or Kind.YAML
            yield Candidate(path, kind, explicit=True, root=root)
        else:
            errors.append((path, not_a_file_reason(path)))


def _walk(directory: str, root: str, boundary: str, excludes: tuple[str, ...], ignore: _GitIgnore | None,
          errors: list[tuple[str, str]]) -> Iterator[Candidate]:
    pushed = ignore.enter(directory, boundary, errors) if ignore is not None else 0
    try:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            errors.append((directory, f"cannot read directory: {exc.strerror or exc}"))
            return
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                link = entry.is_symlink()
                is_file = not link and entry.is_file(follow_symlinks=False)
            except OSError:
                is_dir = is_file = link = False
            if link:  # the only entries that may leave the boundary: resolved (plain ones are inside)
                if entry.name in SKIPPED_DIRS or (excludes and _excluded(path, root, excludes)) or \
                        (ignore is not None and ignore.ignored(path, False)):
                    continue
                if inside(path, boundary) is None:
                    if kind_from_name(entry.name) is not None or _is_dir_symlink(entry):
                        errors.append((path, OUTSIDE))
                    continue
                try:
                    is_file = entry.is_file(follow_symlinks=True)
                except OSError:
                    is_file = False
            if is_dir:
                if entry.name in SKIPPED_DIRS or (excludes and _excluded(path, root, excludes)):
                    continue
                if ignore is not None and ignore.ignored(path, True):
                    continue
                yield from _walk(path, root, boundary, excludes, ignore, errors)
            elif is_file:
                kind = kind_from_name(entry.name)
                if kind is None:
                    continue
                if excludes and _excluded(path, root, excludes):
                    continue
                if ignore is not None and ignore.ignored(path, False):
                    continue
                yield Candidate(path, kind, root=boundary)
            elif kind_from_name(entry.name) is not None and not _is_dir_symlink(entry):
                # named like a lintable file but not one (FIFO, socket, broken or looping symlink):
                # say so, the user expects it linted
                if (excludes and _excluded(path, root, excludes)) or \
                        (ignore is not None and ignore.ignored(path, False)):
                    continue
                errors.append((path, not_a_file_reason(path)))
    finally:
        if ignore is not None:
            ignore.leave(pushed)


def _is_dir_symlink(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False
