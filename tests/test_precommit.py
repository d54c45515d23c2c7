"""The pre-commit hook for real: ``pre-commit try-repo`` on this checkout against a scratch repository.

try-repo builds the hook's virtual environment by pip-installing this checkout (package registry
access only). The environment is cached for the test session, so the second run is fast.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_helpers import write

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not os.path.exists(PRE_COMMIT)
                                or not (ROOT / ".git").exists(),
                                reason="needs git, pre-commit (the test extra installs it) and a git checkout")

PRIVILEGED = """
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
"""

HARDENED = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: web
      image: registry.example/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      resources:
        limits: {cpu: 500m, memory: 256Mi}
        requests: {cpu: 100m, memory: 128Mi}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=repo,
                   check=True, capture_output=True)


def _hook_repo(tmp_path: Path) -> Path:
    """A clone of this checkout's HEAD: what a user's pre-commit would fetch (and, locally, free of
    other people's uncommitted work)."""
    clone = tmp_path / "isolint"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True)
    return clone


def _try_repo(hook_repo: Path, repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """The hook on ``files`` (as a commit of them passes them), else on every file."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    which = ["--files", *files] if files else ["--all-files"]
    return subprocess.run([PRE_COMMIT, "try-repo", str(hook_repo), "isolint", *which, "--color", "never"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_pre_commit_hook_fails_a_privileged_manifest_and_passes_a_clean_one(tmp_path):
    repo, home, hook_repo = tmp_path / "repo", tmp_path / "pre-commit-home", _hook_repo(tmp_path)
    repo.mkdir()
    _git(repo, "init", "-q")
    write(repo, "README.md", "not linted\n")
    write(repo, "k8s/debug.yaml", PRIVILEGED)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "privileged")

    failing = _try_repo(hook_repo, repo, home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "PRV001 [critical]" in failing.stdout and "k8s/debug.yaml:10:9" in failing.stdout

    (repo / "k8s" / "debug.yaml").unlink()
    write(repo, "k8s/web.yaml", HARDENED)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "hardened")

    passing = _try_repo(hook_repo, repo, home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout

    # a commit of the pod alone, into a namespace another file labels multi-tenant: the hook is
    # given that one file, and still judges it with the repository's Namespace (RI001)
    write(repo, "ns/tenants.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tenants\n  labels:\n"
                                   "    isolint.io/trust: multi-tenant\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "tenants")
    write(repo, "k8s/web.yaml", HARDENED.replace("  name: web\n", "  name: web\n  namespace: tenants\n"))
    tenant = _try_repo(hook_repo, repo, home, "k8s/web.yaml")
    assert tenant.returncode == 1, tenant.stdout + tenant.stderr
    assert "k8s/web.yaml" in tenant.stdout and "RI001 [high]" in tenant.stdout
    # the Namespace's own findings (RI005) are not this commit's (its file is named as evidence only)
    assert [line for line in tenant.stdout.splitlines() if line.startswith("ns/tenants.yaml:")] == []
