"""The promises of docs/security.md, each tested here: the repository under review is hostile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from isolint.cli import main
from isolint.parsers.compose import parse_compose

from .cli_helpers import run_json, write


def test_compose_interpolation_never_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLINT_TEST_SECRET", "s3cr3t-marker")
    model = parse_compose("compose.yaml", 'services:\n  a:\n    image: "x:${ISOLINT_TEST_SECRET:-safe}"\n')
    [workload] = model.workloads
    image = workload.containers[0].image
    assert image.value == "x:safe" and image.certain is False  # the default branch, low confidence
    # given explicitly (the opt-in), it is used
    model = parse_compose("compose.yaml", 'services:\n  a:\n    image: "x:${ISOLINT_TEST_SECRET:-safe}"\n',
                          environ={"ISOLINT_TEST_SECRET": "given"})
    assert model.workloads[0].containers[0].image.value == "x:given"


COMPOSE = 'services:\n  a:\n    image: alpine\n    volumes: ["/${HOSTDIR:-srv}:/data"]\n'


def _host_paths(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code, doc = run_json(capsys, "--select", "ALL", *args)
    return code, " ".join(f["message"] for f in doc.get("findings", []))


def test_env_file_flag_and_the_process_environment_opt_in(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "compose.yaml", COMPOSE)
    write(tmp_path, "vars.env", "HOSTDIR=from-env-file\n")
    monkeypatch.setenv("HOSTDIR", "from-process")
    _, messages = _host_paths(capsys, str(tmp_path))
    assert "/srv" in messages and "from-process" not in messages
    _, messages = _host_paths(capsys, "--env-file", str(tmp_path / "vars.env"), str(tmp_path))
    assert "from-env-file" in messages
    _, messages = _host_paths(capsys, "--interpolate-process-env", str(tmp_path))
    assert "from-process" in messages
    # the configuration key, and the flag's negation over it
    write(tmp_path, ".isolint.toml", 'interpolate-process-env = true\nenv-file = ["vars.env"]\n')
    _, messages = _host_paths(capsys, str(tmp_path))
    assert "from-process" in messages
    _, messages = _host_paths(capsys, "--no-interpolate-process-env", str(tmp_path))
    assert "from-env-file" in messages and "from-process" not in messages
    assert main(["check", "--env-file", str(tmp_path / "missing.env"), str(tmp_path)]) == 2


def test_configuration_paths_stay_inside_the_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "compose.yaml", COMPOSE)
    write(tmp_path, "outside.env", "HOSTDIR=marker-outside\n")
    write(repo, ".isolint.toml", 'env-file = ["../outside.env"]\n')
    capsys.readouterr()
    assert main(["check", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "points outside the repository: not read" in err and "marker-outside" not in err
    # a configuration file that is itself a link out
    (repo / ".isolint.toml").unlink()
    write(tmp_path, "evil.toml", 'select = ["marker-outside"]\n')
    (repo / ".isolint.toml").symlink_to(tmp_path / "evil.toml")
    assert main(["check", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "points outside the repository: not read" in err and "marker-outside" not in err


def test_a_plug_in_declared_in_the_repository_is_never_run(tmp_path: Path) -> None:
    """Started as ``python -c``/``-m`` in the repository, its folder is on sys.path: a ``*.dist-info``
    there must not make isolint import the repository's code."""
    write(tmp_path, "evil-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n")
    write(tmp_path, "evil-1.0.dist-info/entry_points.txt", "[isolint.rules]\nevil = evilrule\n")
    write(tmp_path, "evilrule.py", "open('ran', 'w').write('x')\n")
    write(tmp_path, "Dockerfile", "FROM busybox\n")
    code = "import sys; from isolint.cli import main; sys.exit(main(['check', '--format', 'json', '.']))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert not (tmp_path / "ran").exists()
    assert "plug-in 'evil' is declared in the current folder: not loaded" in done.stdout, done.stdout + done.stderr


def test_no_error_message_carries_more_than_a_short_excerpt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_value = "S" * 5000
    write(tmp_path, "compose.yaml", f"services:\n  a:\n    image: x\n    security_opt: ['{long_value}']\n")
    write(tmp_path, "Dockerfile", "FROM x\n" + "".join(f"{long_value}{i} y\n" for i in range(50)))
    _, doc = run_json(capsys, str(tmp_path))
    messages = [e["message"] for e in doc["errors"]]
    assert messages and all(len(m) <= 600 for m in messages)
    assert sum(m.count("S") for m in messages) < 1000  # not 50 lines of 5,000


def test_every_test_docs_security_names_exists() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    named = set(re.findall(r"`(test_\w+)`", (root / "docs" / "security.md").read_text(encoding="utf-8")))
    defined = {m for path in (root / "tests").glob("test_*.py")
               for m in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)}
    assert len(named) >= 15 and named <= defined, sorted(named - defined)


def test_a_pyproject_leading_out_of_the_repository_is_never_read(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "compose.yaml", COMPOSE)
    write(tmp_path, "pyproject.toml", '[tool.isolint]\nselect = ["marker-outside"]\n')
    (repo / "pyproject.toml").symlink_to(tmp_path / "pyproject.toml")
    capsys.readouterr()
    assert main(["check", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "points outside the repository: not read" in err and "marker-outside" not in err


def test_repository_text_cannot_inject_a_github_workflow_command(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "compose.yaml", 'services:\n  "a\\n::add-mask::x\\r\\n::stop-commands::t":\n'
                                    '    image: x\n    privileged: true\n')
    capsys.readouterr()
    main(["check", "--format", "github", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(line.startswith(("::error ", "::warning ", "::notice ", "isolint: "))
                                  for line in lines), lines


def test_outside_git_the_root_is_the_target_and_links_inside_keep_working(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "unpacked"  # no .git anywhere up: the target is the root
    write(target, "common.yml", "services:\n  base: {image: x, privileged: true}\n")
    write(target, "app/compose.yaml", "services:\n  a:\n    extends: {file: ../common.yml, service: base}\n")
    (target / "app" / "Dockerfile").symlink_to(target / "Dockerfile.real")
    write(target, "Dockerfile.real", "FROM busybox\nUSER 0\n")
    code, doc = run_json(capsys, "--select", "PRV001,USR002", str(target))
    assert doc["errors"] == []
    rules = {(f["rule"], os.path.basename(f["path"])) for f in doc["findings"]}
    assert ("PRV001", "common.yml") in rules and ("USR002", "Dockerfile") in rules and code == 1


def test_an_output_file_is_never_written_through_a_link_out_of_the_repository(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    repo, victim = tmp_path / "repo", tmp_path / "home" / ".bashrc"
    (repo / ".git").mkdir(parents=True)
    write(repo, "compose.yaml", COMPOSE)
    write(victim.parent, victim.name, "kept\n")
    (repo / "isolint.sarif").symlink_to(victim)
    (repo / ".isolint-baseline.json").symlink_to(victim)
    (repo / "out").symlink_to(victim.parent)
    monkeypatch.chdir(repo)
    assert main(["check", "--format", "sarif", "--output", "isolint.sarif", "."]) == 2
    assert main(["check", "--format", "json", "--output", "out/.bashrc", "."]) == 2
    assert main(["baseline", "."]) == 2
    assert victim.read_text() == "kept\n"
    assert "points outside the repository" in capsys.readouterr().err
    assert main(["check", "--format", "sarif", "--output", "report.sarif", "."]) == 1  # a plain file is written
    assert (repo / "report.sarif").stat().st_size > 0
