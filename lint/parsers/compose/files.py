"""Compose's implicit files: which file is a directory's project, and which override is merged into it.

Apart from the parser so that finding the overrides among a run's files (every run does) does not
import the parser.
"""

from __future__ import annotations

import os

# Compose's implicit files, in its order of preference: the first base found is the project, and the
# first override found beside it is merged into it (compose-go cli.DefaultFileNames).
DEFAULT_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
DEFAULT_OVERRIDE_NAMES = ("compose.override.yml", "compose.override.yaml", "docker-compose.override.yml",
                          "docker-compose.override.yaml")


def _first_existing(directory: str, names: tuple[str, ...]) -> str | None:
    return next((os.path.join(directory, n) for n in names if os.path.isfile(os.path.join(directory, n))), None)


def override_file_for(path: str) -> str | None:
    """The override file Compose merges into ``path`` when run in its directory without ``-f``, or None."""
    directory, name = os.path.split(path)
    if name not in DEFAULT_FILE_NAMES or _first_existing(directory, DEFAULT_FILE_NAMES) != path:
        return None
    return _first_existing(directory, DEFAULT_OVERRIDE_NAMES)


def base_file_for(path: str) -> str | None:
    """The base file Compose merges the override file ``path`` into, or None."""
    directory, name = os.path.split(path)
    if name not in DEFAULT_OVERRIDE_NAMES or _first_existing(directory, DEFAULT_OVERRIDE_NAMES) != path:
        return None
    return _first_existing(directory, DEFAULT_FILE_NAMES)
