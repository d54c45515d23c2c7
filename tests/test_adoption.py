"""Adopting isolint on an existing repository (issue 14, item 2), end to end through the CLI: a
first failing run with many findings says how to adopt; ``baseline`` records the files that could
not be linted too, so that ``check`` after it passes on the same tree; ``check`` finds the file
``baseline`` wrote; each subcommand takes only its own options."""

from __future__ import annotations

import json
import os

import pytest

from isolint.cli import ADOPTION_HINT_AT, main

from .cli_helpers import write

HOST_PID = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web%d}
spec:
  template:
    spec:
      hostPID: true
      containers:
        - name: app
          image: nginx:1.27
"""
BROKEN_MANIFEST = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: [\n"
BROKEN_COMPOSE = "services:\n  web:\n    image: nginx\n   ports: [80]\n"


def _exit(argv):
    """``main``'s exit code, also when argparse exits (a usage error)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


def _many(root, count):
    for i in range(count):
        write(root, f"k8s/web{i}.yaml", HOST_PID % i)


def test_a_failing_run_with_many_findings_says_how_to_adopt(capsys, tmp_path, monkeypatch):
    # each Deployment: NS002 (gates) and a handful of hardening gaps: far more than a screenful
    _many(tmp_path, 8)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) > ADOPTION_HINT_AT
    [hint] = [line for line in captured.err.splitlines() if "hint" in line]
    assert hint.startswith("isolint: hint: adopting on an existing repository? `isolint baseline` records")
    assert "--gate strict" in hint and "--exit-zero" in hint
    # the same in a machine format: the hint goes to stderr, stdout stays the document
    assert main(["check", "--format", "json", "."]) == 1
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert "isolint: hint: adopting" in captured.err
    # under the strict tier the hint names the default tier instead
    assert main(["check", "--gate", "strict", "."]) == 1
    assert "--gate recommended fails only on what breaks or weakens isolation" in capsys.readouterr().err
    # --quiet: findings only
    assert main(["check", "-q", "."]) == 1
    assert "hint" not in capsys.readouterr().err
    # adopted: the baseline is in use, the run passes, no hint
    assert main(["baseline", "."]) == 0
    capsys.readouterr()
    assert main(["check", "."]) == 0
    captured = capsys.readouterr()
    assert "hint" not in captured.err and captured.out.splitlines()[-1].startswith("passed")


def test_no_hint_on_a_short_failure_or_a_pass(capsys, tmp_path):
    _many(tmp_path, 1)
    assert main(["check", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) < ADOPTION_HINT_AT and "hint" not in captured.err
    _many(tmp_path, 8)
    assert main(["check", "--exit-zero", "--select", "FS001", str(tmp_path)]) == 0  # 8 findings, none gating
    assert "hint" not in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_baseline_records_errors_and_check_after_it_passes(capsys, tmp_path, monkeypatch):
    write(tmp_path, "k8s/web.yaml", HOST_PID % 0)
    write(tmp_path, "k8s/broken.yaml", BROKEN_MANIFEST)  # unparsable: an error with a line
    write(tmp_path, "compose.yaml", BROKEN_COMPOSE)
    os.mkfifo(tmp_path / "k8s" / "pipe.yaml")  # named like a manifest, never read: an error without a line
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["check", "."]) == 1
    before = capsys.readouterr().out
    assert before.count(": error: ") == 3

    assert main(["baseline", "."]) == 0
    err = capsys.readouterr().err
    # said, not only recorded: the run could not see into these files
    assert "k8s/broken.yaml:6:1: error: invalid YAML" in err and "k8s/pipe.yaml: error: not a regular file" in err
    assert err.splitlines()[-1] == ("isolint: wrote 7 findings and 3 errors (files that could not be linted) "
                                    "to .isolint-baseline.json")
    recorded = json.loads((tmp_path / ".isolint-baseline.json").read_text())
    assert sorted(e["path"] for e in recorded["errors"]) == ["compose.yaml", "k8s/broken.yaml", "k8s/pipe.yaml"]

    # check finds the default baseline by itself and reaches green on the same tree
    assert main(["check", "."]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["0 findings, 0 errors in 3 files, 10 in baseline", "passed (recommended tier, fail-on low)"]
    assert main(["check", "--format", "json", "."]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["baselined"] == 10

    # edits elsewhere in a broken file keep its error known; a new broken file fails the run
    (tmp_path / "k8s" / "broken.yaml").write_text("# a comment on top\n" + BROKEN_MANIFEST)
    write(tmp_path, "k8s/new.yaml", BROKEN_MANIFEST.replace("name: p", "name: q"))
    assert main(["check", "."]) == 1
    out = capsys.readouterr().out
    assert out.count(": error: ") == 1 and "k8s/new.yaml:6:1: error: invalid YAML" in out


def test_baseline_takes_only_the_options_it_uses(capsys, tmp_path, monkeypatch):
    write(tmp_path, "web.yaml", HOST_PID % 0)
    monkeypatch.chdir(tmp_path)
    for option in (["--format", "json"], ["--fail-on", "high"], ["--gate", "strict"], ["--exit-zero"],
                   ["--show-source"], ["--changed-since", "HEAD"], ["--fix"]):
        assert _exit(["baseline", *option, "."]) == 2, option
        err = capsys.readouterr().err
        assert f"isolint baseline: error: unrecognized arguments: {option[0]}" in err, err
    assert not (tmp_path / ".isolint-baseline.json").exists()
    # --output names the file to write, as --baseline does (its folder made, as check's --output)
    assert main(["baseline", "--output", "ci/known.json", "."]) == 0
    assert json.loads((tmp_path / "ci" / "known.json").read_text())["findings"]
    assert main(["check", "--baseline", "ci/known.json", "."]) == 0


def test_fix_and_check_take_only_their_own_options(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID % 0)
    for argv in (["fix", "--format", "json"], ["fix", "--statistics"], ["fix", "--max-rows", "3"],
                 ["check", "--max-rows", "3"]):
        assert _exit([*argv, str(tmp_path)]) == 2, argv
        assert "unrecognized arguments" in capsys.readouterr().err
    # what each does take still works
    assert main(["fix", "--diff", "--select", "PRV004", "--fail-on", "high", str(tmp_path)]) == 1
    assert main(["check", "--diff", "--select", "PRV004", str(tmp_path)]) == 1


def test_the_default_baseline_lives_at_the_repository_root_whatever_folder_runs(capsys, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()  # a repository root
    write(tmp_path, "deploy/k8s/web.yaml", HOST_PID % 0)
    write(tmp_path, "deploy/k8s/broken.yaml", BROKEN_MANIFEST)
    monkeypatch.chdir(tmp_path / "deploy")
    assert main(["baseline", "k8s"]) == 0
    assert "to ../.isolint-baseline.json" in capsys.readouterr().err
    assert (tmp_path / ".isolint-baseline.json").is_file()
    assert not (tmp_path / "deploy" / ".isolint-baseline.json").exists()
    recorded = json.loads((tmp_path / ".isolint-baseline.json").read_text())
    assert {f["path"] for f in recorded["findings"]} == {"deploy/k8s/web.yaml"}  # from the root, not the folder
    # found and matched from the root, from a subfolder, for a folder or a file named (pre-commit)
    for folder, target in ((tmp_path, "."), (tmp_path / "deploy" / "k8s", "."), (tmp_path / "deploy", "k8s/web.yaml")):
        monkeypatch.chdir(folder)
        assert main(["check", target]) == 0, folder
        assert "in baseline" in capsys.readouterr().out
    # the CI formats' fingerprints (the baseline's) do not depend on the folder the run starts in either
    recorded_ns002 = [f["fingerprint"] for f in recorded["findings"] if f["rule"] == "NS002"]
    (tmp_path / ".isolint-baseline.json").unlink()  # no baseline: every finding shown
    gitlab = []
    for folder, target in ((tmp_path, "deploy/k8s/web.yaml"), (tmp_path / "deploy" / "k8s", "web.yaml")):
        monkeypatch.chdir(folder)
        assert main(["check", "--format", "gitlab", "--select", "NS002", target]) == 1
        gitlab.append([i["fingerprint"] for i in json.loads(capsys.readouterr().out)])
    assert gitlab[0] == gitlab[1] == recorded_ns002 and len(recorded_ns002) == 1
