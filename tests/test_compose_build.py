"""Tests for the Compose parser: ``build:`` and its linked or inline Dockerfile (``isolint.parsers.compose.build``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from isolint.model import FileModel, Image, Location, Value
from isolint.parsers.compose import build, parse_compose

from .compose_helpers import PATH, at, parse, parse_file, service, write


# -- build and Dockerfile linking ----------------------------------------------------------------
def test_build_string_and_mapping() -> None:
    model = parse("""
        services:
          a:
            build: ./app
          b:
            build:
              context: https://github.com/example/repo.git#main
              dockerfile: Dockerfile.prod
              target: runtime
              args: {VERSION: "1.0"}
              privileged: true
              network: host
              entitlements: [network.host, security.insecure]
        """)
    assert model.errors == []
    a = service(model, "a")
    assert a.build is not None and a.build.context == Value("./app", Location(PATH, 3, 5))
    assert a.image is None  # nothing on disk
    b = service(model, "b").build
    assert b is not None and at(b) == (5, 5)
    assert b.dockerfile is not None and b.dockerfile.value == "Dockerfile.prod"
    assert b.target is not None and b.target.value == "runtime"
    assert [(kv.key.value, kv.value.value) for kv in b.args] == [("VERSION", "1.0")]
    assert b.privileged == Value(True, Location(PATH, 10, 7))
    assert b.network is not None and b.network.value == "host"
    assert [v.value for v in b.entitlements] == ["network.host", "security.insecure"]
    assert service(model, "b").image is None  # a URL context is never fetched


def test_build_links_local_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, "app/docker/Dockerfile.prod", """
        ARG BASE=alpine
        FROM ${BASE} AS build
        USER builder
        FROM debian AS runtime
        USER 1000
        FROM scratch
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          a:
            build:
              context: app
              dockerfile: docker/Dockerfile.prod
              target: build
              args:
                BASE: busybox
          b:
            build: app/docker
        """)
    model = parse_file(path)
    a = service(model, "a")
    assert isinstance(a.image, Image)
    assert a.image.path == str(tmp_path / "app/docker/Dockerfile.prod")
    assert a.target_stage is not None and a.target_stage.name is not None and a.target_stage.name.value == "build"
    assert a.target_stage.base.value == "busybox"
    assert service(model, "b").image is None  # app/docker has no file named Dockerfile
    assert model.images == []  # the Dockerfile is linted as its own file


def test_build_links_default_dockerfile_and_final_stage(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM alpine\nUSER 1000\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    build: .\n")
    a = service(parse_file(path), "a")
    assert a.image is not None and a.target_stage is a.image.final_stage
    assert a.target_stage is not None and a.target_stage.base.value == "alpine"


def test_build_uses_the_dockerfile_parser_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "Dockerfile", "FROM alpine\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    build: {context: ., args: [X=1, UNSET]}\n")
    calls: list[tuple[str, str, dict[str, str]]] = []
    real = build.parse_dockerfile

    def spy(p: str, text: str, build_args: Mapping[str, str] | None = None) -> FileModel:
        calls.append((p, text, dict(build_args or {})))
        return real(p, text, build_args)
    monkeypatch.setattr(build, "parse_dockerfile", spy)
    parse_file(path)
    assert calls == [(str(tmp_path / "Dockerfile"), "FROM alpine\n", {"X": "1"})]


def test_build_inline_dockerfile() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                FROM alpine
                USER root
        """)
    a = service(model, "a")
    assert a.build is not None and a.build.dockerfile_inline is not None
    assert a.image is not None and a.image.path == PATH
    assert a.target_stage is not None and a.target_stage.base.value == "alpine"


def test_build_inline_dockerfile_errors_are_shifted_to_compose_lines() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                USER root
        """)
    assert [(e.line, e.message.startswith("invalid Compose file: dockerfile_inline: ")) for e in model.errors] == [
        (5, True)]


def test_build_inline_dockerfile_positions_point_into_the_compose_file() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                FROM alpine:3.20

                USER root
        """)
    stage = service(model, "a").target_stage
    assert stage is not None and stage.loc == Location(PATH, 5, 9)
    assert stage.user is not None and at(stage.user) == (7, 9)
    user = stage.instructions[-1]
    assert (user.keyword, user.loc.line, user.end_line) == ("USER", 7, 7)


def test_build_inline_dockerfile_not_in_a_literal_block_points_at_its_key() -> None:
    model = parse("""
        services:
          a:
            build: {dockerfile_inline: "FROM alpine\\nUSER root\\n"}
        """)
    stage = service(model, "a").target_stage
    assert stage is not None and stage.loc == Location(PATH, 3, 13)
    assert stage.user is not None and stage.user.value == "root" and at(stage.user) == (3, 13)


def test_build_of_the_wrong_type_is_reported() -> None:
    model = parse_compose("c.yaml", "services:\n  a:\n    image: x\n    build: 7\n", environ={})
    [error] = model.errors
    assert error.line == 4 and "services.a.build" in error.message and "7" in error.message
    assert model.workloads[0].build is None
