"""The isolation advisor: verdicts per workload and the ``isolint report`` renderings."""

from __future__ import annotations

import textwrap

from isolint.advisor import Verdict, assess
from isolint.cli import main
from isolint.reporters import advisor_markdown, advisor_table
from isolint.runner import run
from isolint.settings import Settings

from .fixture_harness import FIXTURES

COMPOSE = """
services:
  runner:
    image: gitlab/gitlab-runner:v17.5.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
  notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
  sandboxed-notebook:
    image: quay.io/jupyter/base-notebook:2024-10-07
    runtime: runsc
    user: "10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    mem_limit: 2g
    pids_limit: 256
  web:
    image: nginx:1.27
    privileged: true
  "evil|name":
    image: nginx:1.27
    labels: {"isolint.io/trust": "untrusted<script>"}
"""


def _assess(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(COMPOSE), encoding="utf-8")
    result = run([str(path)], Settings())
    assert not result.errors, result.errors
    return {a.resource.name: a for a in assess(result.models, result.diagnostics, result.context)}


def test_verdicts(tmp_path):
    got = _assess(tmp_path)
    assert got["runner"].verdict is Verdict.VM
    assert {d.rule for d in got["runner"].drivers} == {"RI002"}
    assert got["notebook"].verdict is Verdict.SANDBOX
    assert got["notebook"].classification.evidence
    assert got["web"].verdict is Verdict.HARDEN
    assert "PRV001" in got["web"].finding_summary()
    assert got["sandboxed-notebook"].verdict in (Verdict.FINE, Verdict.HARDEN)
    assert not any(d.rule == "RI001" for d in got["sandboxed-notebook"].findings)


def test_worst_verdict_first(tmp_path):
    verdicts = [a.verdict for a in _assess(tmp_path).values()]
    assert verdicts == sorted(verdicts, reverse=True)


def test_fine_without_findings_at_threshold(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM scratch\nCOPY app /app\nUSER 10001\nHEALTHCHECK CMD [\"/app\", \"-health\"]\n"
                    "ENTRYPOINT [\"/app\"]\n", encoding="utf-8")
    result = run([str(path)], Settings())
    [a] = assess(result.models, result.diagnostics, result.context)
    assert a.verdict is Verdict.FINE, [d.rule for d in a.findings]


def test_markdown_is_a_safe_table(tmp_path):
    assessments = sorted(_assess(tmp_path).values(), key=lambda a: -a.verdict)
    text = advisor_markdown.render(assessments)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(assessments)  # header + one per workload
    assert all(row.count(" | ") == rows[0].count(" | ") for row in rows), "a cell broke the table"
    assert "<script>" not in text and "evil\\|name" in text
    short = advisor_markdown.render(assessments, max_rows=2)
    assert f"{len(assessments) - 2} more workloads not shown" in short


def test_table_lists_every_workload(tmp_path):
    assessments = list(_assess(tmp_path).values())
    text = advisor_table.render(assessments)
    for a in assessments:
        assert a.resource.name in text
    assert text.splitlines()[-1].startswith(f"{len(assessments)} workloads: 1 VM, 1 sandbox runtime")


def test_report_command(capsys):
    status = main(["report", "--format", "markdown", str(FIXTURES / "advisor" / "gitlab-runner")])
    out = capsys.readouterr().out
    assert status == 0
    assert "| 🔴 VM | ComposeService/runner" in out and "RI002 critical" in out


def test_report_rejects_check_formats(capsys):
    assert main(["report", "--format", "json", str(FIXTURES / "advisor")]) == 2
    assert "table or markdown" in capsys.readouterr().err
