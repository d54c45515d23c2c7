"""Read bytes safely: the one boundary between isolint and the files of a repository under review.

The repository is hostile (docs/security.md): a pull request can hold a link named ``Dockerfile``
pointing at ``~/.aws/credentials``, a Compose ``extends: {file: ../../etc/passwd}``, a FIFO named
``compose.yaml``. Every file isolint opens passes through this module, which is below every parser.

The API (discovery, the loader, the parsers and the renderers call it; nothing else opens a file
of the repository):

``run_root(target) -> str``
    The resolved root of a run for one target named on the command line (or one linted file):
    the git top-level holding it (the nearest folder upward with a ``.git`` entry, looked up by
    name from the target's absolute path; nothing is run), else the target itself when it is a
    folder, else the folder of the file. Always a ``realpath``.
``inside(path, root) -> str | None``
    ``path`` resolved (``realpath``: every link followed) when the result lies inside ``root``
    (a resolved root, as :func:`run_root` gives), else None. Costs a ``realpath``: a walk calls it
    only for the entries that are links (a plain entry of a folder inside the root is inside).
``contained(path, root) -> str``
    The same, raising :class:`Outside` (a :class:`ReadError` whose message is :data:`OUTSIDE`)
    instead of returning None. A renderer resolving a chart file or a Kustomize resource calls it
    before handing the path on.
``read_inside(path, root, max_bytes) -> str``
    :func:`contained`, then :func:`read_text` of the resolved path. Raises :class:`ReadError`
    (:class:`Outside` for a file outside the root: report ``(path, exc.message)`` naming the link
    only, never the target).
``read_linked(path, root, max_bytes) -> str | None``
    For a file a linted file names (a Compose ``.env``, ``extends`` file, Dockerfile): its text,
    or None when it cannot be read; raises :class:`Outside` when it lies outside the root, so that
    the caller can report the link once.
``read_text(path, max_bytes) -> str``
    A regular file's text: opened non-blocking (a FIFO never blocks), special files refused
    unopened for reading, size-limited, decoded by BOM else as UTF-8, binary refused. No
    containment: pass a path that went through :func:`contained` (or one the user named outside
    any repository, such as ``--config``).
``excerpt(text, limit) -> str``
    A short, escaped quotation of repository text for an error message (never a whole line of a
    file: a parse error must not become a way to print a file).

``open_for_writing(path) -> TextIO``
    A file isolint writes (``--output``, the baseline), opened for writing in UTF-8, unless a link
    leads it out of the repository (the git top-level, else the folder) it is written in: a pull
    request holding ``isolint.sarif -> ~/.bashrc`` must not make the CI job overwrite a host file.
    Raises :class:`Outside`, or ``OSError``.
``capped(error) -> ParseError``
    The error with its message cut to :data:`MAX_MESSAGE` characters: whatever a parser quotes,
    no error carries more than a short excerpt of a file into any output format (the runner caps
    every error of a run).

A file outside the root is never opened; its error names the link (the path inside the
repository) and says :data:`OUTSIDE`, never where it points nor whether that exists.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Callable
from typing import Any, TextIO

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
OUTSIDE = "points outside the repository: not read"
NOT_WRITTEN = "points outside the repository: not written"
EXCERPT_CHARS = 40
MAX_MESSAGE = 600  # characters of an error message (longest on the corpus: 355, a chart path and a Helm error)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class ReadError(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class Outside(ReadError):
    """A path that resolves outside the root of the run: never opened."""

    def __init__(self, message: str = OUTSIDE) -> None:
        super().__init__(message)


def realpaths() -> Callable[[str], str]:
    """``os.path.realpath`` for many paths of few folders: each folder is resolved once, and a path
    costs one ``lstat`` (is it a link?) instead of one per component: classifying the 2,900 files of
    ../shared/corpus/real for a rendering run took 61,615 ``lstat`` calls and 0.21-0.24 s of the main
    process's CPU before the workers fork, 0.10-0.12 s with it (five interleaved runs)."""
    memo: dict[str, str] = {}

    def real(path: str) -> str:
        found = memo.get(path)
        if found is None:
            parent, name = os.path.split(path)
            if name in ("", ".", "..") or not parent or os.path.islink(path):
                found = os.path.realpath(path)
            else:
                found = os.path.join(real(parent), name)
            memo[path] = found
        return found

    return real


def run_root(target: str) -> str:
    """The resolved root for ``target``: its git top-level, else the folder itself (or a file's folder)."""
    return git_top_level(target) or os.path.realpath(_folder_of(target))


def git_top_level(target: str) -> str | None:
    """The resolved git top-level holding ``target`` (the nearest folder with a ``.git``, found
    without running git), or None."""
    probe = _folder_of(target)
    while not os.path.lexists(os.path.join(probe, ".git")):
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
    return os.path.realpath(probe)


def reported_relpath(path: str, root: str) -> str:
    """``path`` relative to ``root``, its folders resolved (the file's own name kept as spelled:
    a finding is reported at the name it was met by); ``/``-separated. ValueError across drives."""
    absolute = os.path.abspath(path)
    real = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    return os.path.relpath(real, root).replace(os.sep, "/")


def _folder_of(target: str) -> str:
    absolute = os.path.abspath(target)
    return absolute if os.path.isdir(absolute) else os.path.dirname(absolute)


def project_root(path: str) -> str:
    """The root that files a linted file names are confined to: :func:`run_root` of that file."""
    return run_root(path)


def is_inside(real: str, root: str) -> bool:
    """Whether the resolved path ``real`` is ``root`` or lies under it (both resolved)."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def inside(path: str, root: str) -> str | None:
    real = os.path.realpath(path)
    return real if is_inside(real, root) else None


def contained(path: str, root: str) -> str:
    real = inside(path, root)
    if real is None:
        raise Outside()
    return real


def read_inside(path: str, root: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return read_text(contained(path, root), max_bytes)


def read_linked(path: str, root: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """A file that a linted file names (``.env``, an ``extends`` file, a Dockerfile), or None.

    Such paths come from the repository under review, so they are confined to ``root``:
    ``env_file: /etc/shadow`` or ``dockerfile: ../../../root/.ssh/id_rsa`` must never put a host
    file's content into a CI log. Raises :class:`Outside` for those (report the link once);
    anything else unreadable is None. Read like any linted file (:func:`read_text`).
    """
    real = contained(path, root)
    try:
        return read_text(real, max_bytes)
    except ReadError:
        return None


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    return decode(read_bytes(path, max_bytes))


def read_bytes(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """:func:`read_text` without the decoding (a chart's ``.tgz`` subcharts)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReadError("not a regular file; never read, skipped")
        if st.st_size > max_bytes:
            raise ReadError(_too_large(max_bytes))
        data = os.read(fd, max_bytes + 1)
        chunks = [data]
        while data and sum(map(len, chunks)) <= max_bytes:
            data = os.read(fd, max_bytes + 1)
            chunks.append(data)
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise ReadError(_too_large(max_bytes))  # it grew while being read
    return raw


def _too_large(max_bytes: int) -> str:
    limit = f"{max_bytes / (1024 * 1024):g} MiB" if max_bytes >= 1024 * 1024 else f"{max_bytes:,} bytes"
    return f"file is larger than the {limit} limit; skipped (raise it with --max-file-size BYTES)"


def decode(raw: bytes) -> str:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(f"cannot decode as {encoding}: {exc.reason}") from None
    if b"\x00" in raw[:8192]:
        raise ReadError("binary file (contains NUL bytes); skipped")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ReadError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", line) from None


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` quoted for a message: at most ``limit`` characters, control characters escaped,
    an ellipsis when cut. ``excerpt("FROM x\\n")`` is ``'FROM x\\\\n'``."""
    cut = len(text) > limit
    shown = text[:limit].encode("unicode_escape").decode("ascii").replace("'", "\\'")
    return f"'{shown}…'" if cut else f"'{shown}'"


def open_for_writing(path: str) -> TextIO:
    absolute = os.path.abspath(path)
    if not is_inside(os.path.realpath(absolute), run_root(os.path.dirname(absolute))):
        raise Outside(NOT_WRITTEN)
    return open(absolute, "w", encoding="utf-8")


def capped(error: Any) -> Any:
    """``error`` (a :class:`~isolint.model.ParseError`) with a message of at most :data:`MAX_MESSAGE`
    characters."""
    if len(error.message) <= MAX_MESSAGE:
        return error
    import dataclasses

    return dataclasses.replace(error, message=error.message[:MAX_MESSAGE - 1] + "…")
