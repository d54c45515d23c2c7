"""Helpers shared by the Compose parser's tests (``tests/test_compose_*.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

from isolint.model import Container, FileModel, Location, Workload
from isolint.parsers.compose import parse_compose

PATH = "/nonexistent/project/compose.yaml"  # no .env or Dockerfile next to it


def parse(text: str, env: Mapping[str, str] | None = None, path: str = PATH) -> FileModel:
    return parse_compose(path, dedent(text).lstrip("\n"), {} if env is None else env)


def write(directory: Path, name: str, text: str) -> Path:
    target = directory / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dedent(text).lstrip("\n"))
    return target


def parse_file(path: Path, env: Mapping[str, str] | None = None) -> FileModel:
    return parse_compose(str(path), path.read_text(), {} if env is None else env)


def service(model: FileModel, name: str) -> Workload:
    matches = [w for w in model.workloads if w.resource.name == name]
    assert len(matches) == 1, [w.resource.name for w in model.workloads]
    return matches[0]


def container(model: FileModel, name: str) -> Container:
    return service(model, name).containers[0]


def at(value: object) -> tuple[int, int | None]:
    loc: Location = value.loc  # type: ignore[attr-defined]
    return loc.line, loc.column


def messages(model: FileModel) -> list[tuple[int | None, int | None, str]]:
    return [(e.line, e.column, e.message) for e in model.errors]
