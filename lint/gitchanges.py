"""``--changed-since REF``: the files changed since a git ref, to lint only those.

Committed changes since the merge base of REF and HEAD (what a pull request changes), plus staged,
unstaged and untracked files, so a local run sees work in progress too. git runs with a fixed
argument vector, never through a shell; deleted files are left out.
"""

from __future__ import annotations

import os
import subprocess


class GitError(Exception):
    pass


def _git(args: list[str], cwd: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def changed_files(ref: str, cwd: str = ".") -> frozenset[str]:
    """Real paths of the files changed since ``ref`` that still exist."""
    if ref.startswith("-"):
        raise GitError(f"invalid git ref {ref!r}")
    top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    names: set[str] = set()
    for args in (["diff", "--name-only", "-z", "--no-renames", f"{ref}...HEAD", "--"],
                 ["diff", "--name-only", "-z", "--no-renames", "HEAD", "--"],
                 ["ls-files", "--others", "--exclude-standard", "-z", "--full-name"]):
        names.update(n for n in _git(args, top).split("\0") if n)
    paths = (os.path.join(top, name) for name in names)
    return frozenset(os.path.realpath(p) for p in paths if os.path.isfile(p))
