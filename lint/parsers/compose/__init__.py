"""Docker Compose files into the shared model: one :class:`~isolint.model.Workload` per service.

The loading pipeline follows the rule catalogue (§2.2), in this order:

1. YAML with anchors and ``<<`` merges resolved by :mod:`isolint.yamlsource` (merged keys keep the
   location they were written at, inside the anchor); duplicate keys are reported.
2. Interpolation of values (never keys) from the variables the user gave (``--env-file`` files and,
   only with the ``--interpolate-process-env`` opt-in, the process environment) over the ``.env``
   file next to the Compose file (:mod:`.interpolation`). The process environment is never read by
   default: on CI it holds secrets, and a pull request could make a finding print them
   (docs/security.md). A value that used an unset variable is kept with ``certain=False``.
3. ``extends`` (same file or a local ``file:``), merged as Compose merges it.
4. The implicit override file: a base file Compose would load without ``-f`` (``compose.yaml``,
   ``docker-compose.yml`` ..., the first found in its folder) is merged with the override file
   Compose would merge into it (``compose.override.yml`` ..., the first found beside it; see
   :mod:`.files`), read here as data with the same environment. Merge rules, ``!reset`` and
   ``!override``: :mod:`.merge`. Every value keeps the file it was written in, so a finding caused
   by the override points into the override. The loader does not lint such an override again on its
   own when its base is in the same run (:func:`isolint.loader.overrides_with_base`); alone, it is
   linted as itself. Explicit ``-f`` stacks and ``COMPOSE_FILE`` are not modelled.
5. ``include`` is not followed: each included file is its own Compose project and is linted on
   its own where it lies (when it is under a linted path). Nothing is ever fetched (``oci://``,
   ``git`` includes, remote ``build`` contexts).
6. Normalisation of each service onto the model (:mod:`.service`, :mod:`.security`, :mod:`.build`);
   ``service:`` namespace joins resolved transitively; lifecycle hooks (``post_start``,
   ``pre_stop``, ``pre_start``) kept with their own ``privileged``/``user``; ``build`` linked to its
   Dockerfile when that file is on disk or inline (an inline Dockerfile's positions are moved into
   the Compose file).

Stages 1 to 5 are :mod:`.project`; typed reads that keep interpolation certainty are :mod:`.reader`;
short-syntax grammars are :mod:`.syntax`.

Nothing here raises on bad input: every problem becomes a :class:`~isolint.model.ParseError` and
whatever can still be read is read. Files are only ever read as data.

This module imports none of the parser: every run asks :mod:`.files` which overrides have their
base in the run, and a run without a Compose file should not pay for importing the parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...model import FileModel, Format, ParseError

TOP_LEVEL_KEYS = frozenset({"version", "name", "include", "services", "networks", "volumes", "secrets", "configs",
                            "models"})


def parse_compose(path: str, text: str, environ: Mapping[str, str] | None = None,
                  root: str | None = None) -> FileModel:
    """Parse a Compose file into the model; never raises (problems land in ``errors``)."""
    from .project import Project  # the parser proper: only runs that meet a Compose file import it

    try:
        return Project(path, text, environ, root).parse()
    except Exception as exc:  # a parser bug must not stop the run
        return FileModel(path, Format.COMPOSE, errors=[ParseError(
            path, f"Compose file could not be read ({type(exc).__name__}: {exc})")],
            lines=tuple(text.splitlines()))


def looks_like_compose(doc: Any) -> bool:
    """Whether a loaded YAML document is a Compose file (by content, for discovery)."""
    if not isinstance(doc, dict) or "apiVersion" in doc or "kind" in doc:
        return False
    if "services" in doc:
        return doc["services"] is None or isinstance(doc["services"], dict)
    if isinstance(doc.get("include"), list):
        keys = {k for k in doc if not (isinstance(k, str) and k.startswith("x-"))}
        return keys <= TOP_LEVEL_KEYS
    return False
