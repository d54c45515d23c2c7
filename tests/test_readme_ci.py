"""The README's GitHub Actions and GitLab CI snippets, run as CI runs them: their ``isolint``
commands, read from the README, on a clone of a test repository (GitHub: ``fetch-depth: 0`` after
a shallow checkout; GitLab: a shallow clone). The ``pip install`` lines need the network: the
isolint under test is on ``PATH`` instead."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")

HARDENED = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
    - name: app
      image: nginx:1.27
"""


def _snippets() -> list[dict]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S)]


def _isolint_commands(steps: list[str]) -> list[str]:
    return [s for s in steps if s.startswith("isolint ")]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run([GIT, "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd, check=True,
                   capture_output=True)


def _origin(tmp_path: Path) -> Path:
    origin = tmp_path / "origin"
    (origin / "k8s").mkdir(parents=True)
    (origin / "k8s" / "web.yaml").write_text(HARDENED)
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "base")
    _git(origin, "checkout", "-qb", "feature")
    (origin / "k8s" / "agent.yaml").write_text(HARDENED.replace("name: web", "name: agent").replace(
        "spec:\n", "spec:\n  hostPID: true\n", 1))
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "a pod that shares the host's PIDs")
    return origin


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def test_github_actions_snippet_on_a_pull_request_checkout(tmp_path):
    workflow = next(s for s in _snippets() if isinstance(s, dict) and "jobs" in s)
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["isolint"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    commands = _isolint_commands([s["run"] for s in steps if "run" in s])
    assert commands
    origin = _origin(tmp_path)
    work = tmp_path / "work"
    # what actions/checkout does with fetch-depth: 0 on a pull request: every branch, all history
    subprocess.run([GIT, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(work)], check=True)
    _git(work, "fetch", "-q", "--unshallow", "origin", "+refs/heads/*:refs/remotes/origin/*")
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=work, env=_env(GITHUB_BASE_REF="main"),
                              capture_output=True, text=True)
        assert done.returncode == 1, done.stderr  # the pull request adds hostPID: the gate fails
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::error file=")]
    assert annotations and all("file=k8s/agent.yaml" in a for a in annotations), done.stdout
    sarif = json.loads((work / "isolint.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"k8s/agent.yaml"}  # only the changed file, relative to the repository root
    assert str(tmp_path) not in (work / "isolint.sarif").read_text()  # no runner path


def test_gitlab_snippet_on_a_shallow_clone(tmp_path):
    job = next(s for s in _snippets() if isinstance(s, dict) and "isolint" in s and "script" in s["isolint"])
    commands = _isolint_commands(job["isolint"]["script"])
    assert commands
    origin = _origin(tmp_path)
    work = tmp_path / "work"
    subprocess.run([GIT, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(work)], check=True)
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=work, env=_env(), capture_output=True, text=True)
        assert done.returncode == 1, done.stderr
    reports = job["isolint"]["artifacts"]["reports"]
    quality = json.loads((work / reports["codequality"]).read_text())
    assert quality and {i["location"]["path"] for i in quality} == {"k8s/agent.yaml", "k8s/web.yaml"}
    suite = ET.fromstring((work / reports["junit"]).read_bytes()).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"  # hostPID; the hardening gaps do not fail


def _repo_git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GIT, "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


@pytest.mark.skipif(not (ROOT / ".git").exists() or _repo_git("rev-parse", "--is-shallow-repository").stdout.strip()
                    != "false", reason="needs this repository's history (a full clone) to find the pinned commit")
def test_pre_commit_snippet_pins_a_commit_of_this_repository_with_the_hook(tmp_path):
    config = next(s for s in _snippets() if isinstance(s, dict) and "repos" in s)
    [entry] = config["repos"]
    rev = entry["rev"]
    # no tag is published yet: a full commit id (pre-commit warns about a short one and a branch moves)
    assert re.fullmatch(r"[0-9a-f]{40}", rev), rev
    assert _repo_git("cat-file", "-e", f"{rev}^{{commit}}").returncode == 0, f"{rev} is no commit here"
    assert _repo_git("merge-base", "--is-ancestor", rev, "HEAD").returncode == 0, f"{rev} is not in HEAD's history"
    # the hook it names exists at that commit, as pre-commit reads it
    hooks = yaml.safe_load(_repo_git("show", f"{rev}:.pre-commit-hooks.yaml").stdout)
    hook = next(h for h in hooks if h["id"] == entry["hooks"][0]["id"])
    assert hook["entry"] == "isolint check" and hook["require_serial"] is True
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))  # test extra
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    done = subprocess.run([pre_commit, "validate-config", str(tmp_path / ".pre-commit-config.yaml")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _shell_lines() -> list[str]:
    """The README's shell commands that run isolint, one per line, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("  #")[0].strip() for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S)
             for line in block.splitlines()]
    # `pip install . && isolint check ...`: the isolint under test is on PATH (pip needs the network)
    lines = [line.split(" && ", 1)[1] if line.startswith("pip ") and " && " in line else line for line in lines]
    return [line for line in lines if "isolint " in line and not line.startswith("pip ")]


def test_every_isolint_command_of_the_readme_runs_when_pasted(tmp_path):
    """In a repository holding this checkout's fixtures (the README's commands name them): no usage
    error, no crash; a pipeline from helm only where helm is installed."""
    work = tmp_path / "checkout"
    shutil.copytree(ROOT / "fixtures", work / "fixtures")
    _git(work, "init", "-q")
    commands = _shell_lines()
    assert {"isolint check fixtures/sample", "isolint fix --diff fixtures/sample", "isolint report fixtures/sample",
            "isolint baseline && git add .isolint-baseline.json"} <= set(commands), commands
    for command in commands:
        if command.startswith("helm ") and shutil.which("helm") is None:
            continue
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=work, env=_env(), capture_output=True,
                              text=True, timeout=300)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, (command, done.stderr[-2000:])
        assert done.stdout or done.stderr, command
    assert (work / ".isolint-baseline.json").is_file()
