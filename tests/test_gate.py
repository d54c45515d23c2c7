"""The gate (issue 14, item 1), end to end through the CLI: which findings fail a run, and saying so."""

from __future__ import annotations

import json

from isolint.cli import main
from isolint.gate import RECOMMENDED
from isolint.registry import load_rules

from .cli_helpers import run_json, write

# a Deployment nobody hardened: only hardening gaps (CAP004, FS001, MAC002, PRV004, USR001 ...)
UNHARDENED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
"""

HOST_PID = UNHARDENED.replace("    spec:\n      containers:", "    spec:\n      hostPID: true\n      containers:")

# a read-only bind mount whose host path comes from an unset variable: MNT001, low confidence
COMPOSE_UNSET = """\
services:
  app:
    image: nginx:1.27
    volumes: ["${DATA:-/srv/data}:/data:ro"]
"""


def test_hardening_gaps_are_shown_but_do_not_fail_the_default_gate(capsys, tmp_path):
    write(tmp_path, "web.yaml", UNHARDENED)
    code, doc = run_json(capsys, str(tmp_path))
    assert code == 0
    rules = {f["rule"] for f in doc["findings"]}
    assert {"CAP004", "FS001", "MAC002", "PRV004", "USR001"} <= rules
    assert all(f["gating"] is False for f in doc["findings"])
    assert doc["summary"]["passed"] is True and doc["summary"]["gating"] == 0
    assert doc["summary"]["gate"] == "recommended tier, fail-on low"


def test_what_weakens_isolation_fails_the_default_gate_and_is_marked_gating(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID)
    code, doc = run_json(capsys, str(tmp_path))
    assert code == 1
    gating = {f["rule"] for f in doc["findings"] if f["gating"]}
    assert gating == {"NS002"}
    assert doc["summary"]["passed"] is False and doc["summary"]["gating"] == 1


def test_the_strict_tier_by_flag_config_or_profile(capsys, tmp_path):
    write(tmp_path, "web.yaml", UNHARDENED)
    code, doc = run_json(capsys, "--gate", "strict", str(tmp_path))
    assert code == 1 and {f["rule"] for f in doc["findings"] if f["gating"]} >= {"CAP004", "USR001"}
    assert doc["summary"]["gate"] == "strict tier, fail-on low"
    code, doc = run_json(capsys, "--profile", "pss-restricted", str(tmp_path))
    assert code == 1 and all(f["gating"] for f in doc["findings"])
    write(tmp_path, ".isolint.toml", 'gate = "strict"\n')
    code, _ = run_json(capsys, str(tmp_path))
    assert code == 1
    code, _ = run_json(capsys, "--gate", "recommended", str(tmp_path))  # the flag wins over the file
    assert code == 0


def test_a_rule_moved_to_the_recommended_tier_by_configuration(capsys, tmp_path):
    write(tmp_path, "web.yaml", UNHARDENED)
    write(tmp_path, ".isolint.toml", '[rules.run-as-non-root-not-required]\ntier = "recommended"\n')
    code, doc = run_json(capsys, str(tmp_path))
    assert code == 1
    assert {f["rule"] for f in doc["findings"] if f["gating"]} == {"USR001"}


def test_fail_on_still_applies_within_the_tier(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID)
    assert run_json(capsys, "--fail-on", "critical", str(tmp_path))[0] == 0
    assert run_json(capsys, "--fail-on", "high", str(tmp_path))[0] == 1


def test_low_confidence_below_high_does_not_gate(capsys, tmp_path):
    write(tmp_path, "compose.yaml", COMPOSE_UNSET)
    code, doc = run_json(capsys, str(tmp_path))
    cap = [f for f in doc["findings"] if f["rule"] == "MNT001"]
    assert cap and cap[0].get("confidence") == "low" and cap[0]["gating"] is False
    assert code == 0
    assert run_json(capsys, "--gate", "strict", str(tmp_path))[0] == 1


def test_exit_zero_reports_but_never_fails(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID)
    assert main(["check", "--exit-zero", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NS002" in out and "failed (recommended tier, fail-on low): 1 finding fails the gate (NS002 1)" in out
    assert main(["check", "--exit-zero", "--fail-on", "urgent", str(tmp_path)]) == 2  # usage errors still count


def test_what_decided_the_exit_code_is_printed(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID)
    assert main(["check", "--format", "json", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert captured.err.strip() == "isolint: failed (recommended tier, fail-on low): 1 finding fails the gate " \
                                   "(NS002 1); 6 more do not gate"
    write(tmp_path, "web.yaml", UNHARDENED)
    assert main(["check", str(tmp_path)]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("passed (recommended tier, fail-on low): ") and last.endswith("below the gate")


def test_every_builtin_rule_has_a_tier_and_the_table_names_only_real_rules():
    registry = load_rules(False)
    codes = {r.code for r in registry.rules}
    assert codes >= RECOMMENDED
    out = {r.code: r for r in registry.rules}
    # what breaks isolation is recommended; what only fails to harden is strict
    assert {"PRV001", "NS001", "NS002", "NS003", "MNT002", "MNT003", "CAP001", "MAC001", "USR002"} <= RECOMMENDED
    assert not {"FS001", "CAP004", "PRV004", "MAC002", "USR001", "NS010", "MNT004"} & RECOMMENDED
    assert all(out[c].meta.tier is None for c in codes)  # built-ins leave it to the engine's table


def test_empty_stdin_is_an_error_not_a_green_run(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\n")))
    assert main(["check", "-"]) == 1
    out = capsys.readouterr().out
    assert "<stdin>: error: stdin is empty" in out and out.splitlines()[-1].startswith("failed")


def test_a_folder_with_nothing_lintable_fails_but_named_files_do_not(capsys, tmp_path):
    write(tmp_path, "README.md", "hello\n")
    notes = write(tmp_path, "notes.yaml", "a: 1\n")
    assert main(["check", str(tmp_path)]) == 1
    assert "nothing was linted: no Dockerfile, Compose file or Kubernetes manifest found" in capsys.readouterr().out
    assert main(["check", str(notes)]) == 0  # pre-commit passing a YAML file that is no manifest


def test_a_path_that_does_not_exist_is_a_usage_error(capsys, tmp_path):
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_output_creates_missing_folders(capsys, tmp_path):
    write(tmp_path, "web.yaml", HOST_PID)
    target = tmp_path / "reports" / "ci" / "isolint.sarif"
    assert main(["check", "--format", "sarif", "--output", str(target), str(tmp_path / "web.yaml")]) == 1
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_check_finds_the_baseline_that_baseline_wrote(capsys, tmp_path, monkeypatch):
    write(tmp_path, "web.yaml", HOST_PID)
    monkeypatch.chdir(tmp_path)
    assert main(["baseline", "."]) == 0
    assert (tmp_path / ".isolint-baseline.json").is_file()
    code, doc = run_json(capsys, ".")
    assert code == 0 and doc["findings"] == [] and doc["summary"]["baselined"] > 0
