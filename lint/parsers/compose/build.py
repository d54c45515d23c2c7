"""A service's ``build:`` and the Dockerfile it builds, when that file is inline or on disk.

A linked Dockerfile gives the service its image (base, stages, final user). A file's own problems
are reported when that Dockerfile is linted itself; an inline Dockerfile's are reported here, its
positions moved into the Compose file. Remote contexts (URLs, git) are never fetched.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...model import Build, Image, Instruction, Location, ParseError, Value
from ...yamlsource import YMap
from ..dockerfile import parse_dockerfile
from .reader import ServiceReader

if TYPE_CHECKING:
    from .project import Project

URL_CONTEXT = r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@|github\.com/)"


def read_build(r: ServiceReader, svc: YMap, project: Project) -> Build | None:
    """The service's ``build`` (a context path, or a mapping), or None."""
    if svc.get("build") is None:
        return None
    raw = svc["build"]
    loc = r.key_loc(svc, "build")
    if isinstance(raw, (int, float, bool)):  # YAML reads `build: 7` as a number, Compose rejects it
        r.under(".build").error(f"expected a build context path or a mapping, got {raw!r}", loc)
        return None
    if not isinstance(raw, YMap):
        context = r.text(svc, "build")
        return Build(loc, context=context) if context is not None else None
    b = r.under(".build")
    return Build(
        loc=loc,
        context=b.text(raw, "context"),
        dockerfile=b.text(raw, "dockerfile"),
        dockerfile_inline=b.text(raw, "dockerfile_inline"),
        target=b.text(raw, "target"),
        args=b.key_values(raw, "args", bare=project.env.get),
        privileged=b.flag(raw, "privileged"),
        network=b.text(raw, "network"),
        entitlements=b.texts(raw, "entitlements"),
    )


def linked_image(build: Build, project: Project) -> Image | None:
    """The Dockerfile the service builds, parsed, when it is inline or a local file.

    Positions inside an inline Dockerfile are moved into the Compose file (see
    :func:`_inline_position`), its errors too.
    """
    args = {kv.key.value: kv.value.value for kv in build.args if kv.value.certain or kv.value.value}
    inline = build.dockerfile_inline
    if inline is not None:
        parsed = parse_dockerfile(project.path, inline.value, args)
        move = _inline_position(inline, project.reader.lines.get(inline.loc.path, ()))
        for error in parsed.errors:
            at = move(Location(inline.loc.path, error.line or 1, error.column))
            project.reader.errors.append(ParseError(
                inline.loc.path, f"invalid Compose file: dockerfile_inline: {error.message}", at.line, at.column))
        return _relocated(parsed.images[0], move) if parsed.images else None
    dockerfile_path = _dockerfile_path(build, project.directory)
    if dockerfile_path is None:
        return None
    text = project.read_linked(dockerfile_path)
    if text is None:
        return None
    parsed = parse_dockerfile(dockerfile_path, text, args)
    return parsed.images[0] if parsed.images else None


def _inline_position(inline: Value[str], lines: tuple[str, ...]) -> Callable[[Location], Location]:
    """Maps a position in an inline Dockerfile to the Compose file.

    A literal block scalar (``dockerfile_inline: |``) holds the Dockerfile line for line from the
    line after the key, indented; any other spelling (quoted, folded) cannot be mapped line by
    line, so every position becomes the key's.
    """
    key_line = inline.loc.line
    after_key = lines[key_line - 1][(inline.loc.column or 1) - 1:].partition(":")[2].strip() \
        if 0 < key_line <= len(lines) else ""
    if not after_key.startswith("|"):
        return lambda _: inline.loc
    body = [line for line in lines[key_line:] if line.strip()]
    indent = len(body[0]) - len(body[0].lstrip(" ")) if body else 0

    def move(loc: Location) -> Location:
        column = indent + loc.column if loc.column is not None else None
        return Location(inline.loc.path, key_line + loc.line, column)

    return move


def _dockerfile_path(build: Build, directory: str) -> str | None:
    context = build.context.value if build.context is not None else "."
    if not context or re.match(URL_CONTEXT, context) or (build.context is not None and not build.context.certain):
        return None
    name = build.dockerfile.value if build.dockerfile is not None else "Dockerfile"
    context_dir = os.path.join(directory, os.path.expanduser(context))
    return os.path.normpath(os.path.join(context_dir, name))


def _relocated(node: Any, move: Callable[[Location], Location]) -> Any:
    """A copy of a model node (an inline Dockerfile's :class:`Image`) with every location moved."""
    if isinstance(node, Location):
        return move(node)
    if isinstance(node, tuple):
        return tuple(_relocated(item, move) for item in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes = {f.name: _relocated(getattr(node, f.name), move) for f in dataclasses.fields(node)}
    if isinstance(node, Instruction) and node.end_line is not None:
        changes["end_line"] = move(Location(node.loc.path, node.end_line)).line
    return dataclasses.replace(node, **changes)
