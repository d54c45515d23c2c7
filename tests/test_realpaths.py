"""``isolint.sources.realpaths``: os.path.realpath for many paths, each folder resolved once."""

from __future__ import annotations

import os

import pytest

from isolint.sources import realpaths


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links need POSIX here")
def test_every_path_resolves_as_os_path_realpath_does(tmp_path, monkeypatch):
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "real" / "sub" / "a.yaml").write_text("a: 1\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "b.yaml").write_text("b: 1\n")
    os.symlink(tmp_path / "real", tmp_path / "linked")  # a linked folder
    os.symlink(tmp_path / "other" / "b.yaml", tmp_path / "real" / "sub" / "b.yaml")  # a linked file
    os.symlink(tmp_path / "real" / "sub", tmp_path / "other" / "up")  # `..` after a link
    monkeypatch.chdir(tmp_path / "other")
    paths = ["b.yaml", "./b.yaml", "../real/sub/a.yaml", "../linked/sub/a.yaml", "../linked/sub/b.yaml",
             "up/../b.yaml", "up/..", str(tmp_path / "linked" / "sub" / "a.yaml"), "../linked/sub/", ".",
             "../missing/c.yaml", str(tmp_path / "linked")]
    real = realpaths()
    assert [real(p) for p in paths] == [os.path.realpath(p) for p in paths]
    assert [real(p) for p in paths] == [os.path.realpath(p) for p in paths]  # from the memo
