"""Walking the given paths: order, kinds, .gitignore, and files that are not files."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from isolint.discovery import Kind, discover, kind_from_name


def _walk(*paths: Path, **kwargs) -> tuple[list[str], dict[str, str]]:
    errors: list[tuple[str, str]] = []
    found = [os.path.basename(c.path) for c in discover([str(p) for p in paths], errors=errors, **kwargs)]
    return found, {os.path.basename(path): message for path, message in errors}


def test_kinds_from_names():
    assert kind_from_name("Dockerfile") is Kind.DOCKERFILE
    assert kind_from_name("api.Dockerfile") is Kind.DOCKERFILE
    assert kind_from_name("Dockerfile.prod") is Kind.DOCKERFILE
    assert kind_from_name("Dockerfile.md") is None
    assert kind_from_name("Dockerfile-chroot") is Kind.DOCKERFILE
    assert kind_from_name("Dockerfile_debug") is Kind.DOCKERFILE
    assert kind_from_name("Containerfile-alpine") is Kind.DOCKERFILE
    assert kind_from_name("Dockerfile-debian.template") is None and kind_from_name("Dockerfiles") is None
    assert kind_from_name("docker-compose.override.yml") is Kind.COMPOSE
    assert kind_from_name("deploy.yaml") is Kind.YAML and kind_from_name("pod.json") is Kind.YAML
    assert kind_from_name("README.md") is None


def test_walk_is_sorted_and_skips_vendored_and_ignored(tmp_path: Path):
    for name in ("b.yaml", "a.yaml", "node_modules/x.yaml", "gen/out.yaml", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a: 1\n")
    (tmp_path / ".gitignore").write_text("gen/\n")
    assert _walk(tmp_path) == (["a.yaml", "b.yaml"], {})
    assert _walk(tmp_path, gitignore=False)[0] == ["a.yaml", "b.yaml", "out.yaml"]


def test_symlinked_directories_are_not_followed(tmp_path: Path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "pod.yaml").write_text("a: 1\n")
    os.symlink("real", tmp_path / "alias")
    os.symlink("..", tmp_path / "real" / "up")  # a loop, were it followed
    assert _walk(tmp_path) == (["pod.yaml"], {})


def test_files_named_like_manifests_that_are_not_files_are_errors(tmp_path: Path):
    os.symlink("missing.yaml", tmp_path / "dangling.yaml")
    os.symlink("loop-b.yaml", tmp_path / "loop-a.yaml")
    os.symlink("loop-a.yaml", tmp_path / "loop-b.yaml")
    os.mkfifo(tmp_path / "fifo.yaml")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.yaml"))
    server.close()
    os.mkfifo(tmp_path / "ignored-fifo")  # not named like anything we read: silent
    found, errors = _walk(tmp_path)
    assert found == []
    assert errors == {
        "dangling.yaml": "broken symlink: its target 'missing.yaml' does not exist; skipped",
        "fifo.yaml": "not a regular file (a FIFO); never opened, skipped",
        "loop-a.yaml": "symlink loop (too many levels of symbolic links); skipped",
        "loop-b.yaml": "symlink loop (too many levels of symbolic links); skipped",
        "sock.yaml": "not a regular file (a socket); never opened, skipped",
    }


def test_a_fifo_named_gitignore_does_not_block_the_walk(tmp_path: Path):
    os.mkfifo(tmp_path / ".gitignore")
    (tmp_path / "pod.yaml").write_text("a: 1\n")
    assert _walk(tmp_path) == (["pod.yaml"], {})


def test_explicit_paths_that_are_missing_or_special_are_errors(tmp_path: Path):
    os.mkfifo(tmp_path / "fifo.yaml")
    found, errors = _walk(tmp_path / "nope.yaml", tmp_path / "fifo.yaml")
    assert found == []
    assert errors == {"nope.yaml": "cannot read: No such file or directory",
                      "fifo.yaml": "not a regular file (a FIFO); never opened, skipped"}


def test_unreadable_directory_is_an_error(tmp_path: Path, monkeypatch):
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _walk(tmp_path)[1] == {"locked": "cannot read directory: Permission denied"}
