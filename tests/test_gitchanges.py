"""``--changed-since REF``: only files changed since the ref (committed, staged, unstaged, untracked)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from isolint.cli import main
from isolint.gitchanges import GitError, changed_files

from .cli_helpers import run_json, write

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: app
      image: busybox:1.36
      securityContext:
        privileged: true
"""


def git(repo, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo, check=True,
                   capture_output=True)


def test_only_changed_files_are_linted(capsys, tmp_path, monkeypatch):
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, "k8s/old.yaml", POD.format(name="old"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    write(tmp_path, "k8s/committed.yaml", POD.format(name="committed"))
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "feature")
    write(tmp_path, "k8s/untracked.yaml", POD.format(name="untracked"))
    monkeypatch.chdir(tmp_path)

    code, doc = run_json(capsys, "--select", "PRV001", "--changed-since", "main", ".")
    assert code == 1
    assert sorted(f["resource"]["name"] for f in doc["findings"]) == ["committed", "untracked"]
    assert len(changed_files("main")) == 2


def test_a_bad_ref_is_a_usage_error(capsys, tmp_path, monkeypatch):
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--changed-since", "no-such-ref", "."]) == 2
    assert "no-such-ref" in capsys.readouterr().err


def test_option_like_ref_is_refused():
    with pytest.raises(GitError, match="invalid git ref"):
        changed_files("--output=/tmp/x")
