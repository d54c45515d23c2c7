"""End-to-end behaviour of ``isolint check``: discovery, output shapes, exit codes, stdin."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from isolint import __version__
from isolint.cli import main

from .cli_helpers import run_json, write

PRIVILEGED_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
"""

COMPOSE_WITH_ANCHOR = """\
x-common: &common
  privileged: true
  restart: always
services:
  scanner:
    <<: *common
    image: example/scanner:2
"""

ROOT_DOCKERFILE = """\
FROM golang:1.23 AS build
USER 10001
RUN go build ./...

FROM debian:12
RUN <<EOT
USER nobody
FROM scratch
EOT
CMD ["app"]
"""


def by_rule(doc: dict, rule: str) -> list[dict]:
    return [f for f in doc["findings"] if f["rule"] == rule]


def test_acceptance_three_formats_at_the_offending_key(tmp_path, capsys):
    write(tmp_path, "k8s/deploy.yaml", PRIVILEGED_DEPLOYMENT)
    write(tmp_path, "docker-compose.yml", COMPOSE_WITH_ANCHOR)
    write(tmp_path, "app/Dockerfile", ROOT_DOCKERFILE)
    code, doc = run_json(capsys, str(tmp_path))
    assert code == 1
    assert doc["version"] == 1 and doc["errors"] == []
    privileged = {(Path(f["path"]).name, f["line"], f["column"]) for f in by_rule(doc, "PRV001")}
    assert privileged == {("deploy.yaml", 13, 13), ("docker-compose.yml", 2, 3)}
    k8s = next(f for f in by_rule(doc, "PRV001") if f["path"].endswith("deploy.yaml"))
    assert k8s["resource"] == {"kind": "Deployment", "name": "web", "namespace": "shop"}
    assert k8s["container"] == "app" and k8s["severity"] == "critical"
    compose = next(f for f in by_rule(doc, "PRV001") if f["path"].endswith("docker-compose.yml"))
    assert compose["resource"] == {"kind": "ComposeService", "name": "scanner"}
    root = [f for f in by_rule(doc, "USR003") if f["path"].endswith("Dockerfile")]
    assert [(f["line"], f["column"]) for f in root] == [(5, 1)]  # the final stage's FROM
    assert root[0]["resource"]["kind"] == "DockerfileStage"
    assert doc["summary"]["files"] == 3


def test_heredoc_body_is_never_an_instruction(tmp_path, capsys):
    write(tmp_path, "Dockerfile", ROOT_DOCKERFILE)
    _, doc = run_json(capsys, "--select", "USR", str(tmp_path))
    # "USER nobody" inside the heredoc must not count as a USER, "FROM scratch" not as a stage
    assert [f["rule"] for f in doc["findings"]] == ["USR003"]
    assert doc["findings"][0]["message"].startswith("no USER in stage 1")


def test_cronjob_init_list_ephemeral_and_json_manifest(tmp_path, capsys):
    write(tmp_path, "cron.yaml", """\
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers:
                    - name: init
                      securityContext: {privileged: true}
                  containers: [{name: job, image: busybox}]
        """)
    write(tmp_path, "list.yaml", """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Pod
            metadata: {name: debugged}
            spec:
              containers: [{name: app, image: nginx}]
              ephemeralContainers:
                - name: debugger
                  securityContext:
                    privileged: true
        """)
    manifest = json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
        "spec": {"containers": [{"name": "c", "image": "x", "securityContext": {"privileged": True}}]}},
        indent=2)
    (tmp_path / "pod.json").write_text(manifest)
    json_line = manifest.splitlines().index(next(x for x in manifest.splitlines() if '"privileged"' in x)) + 1
    _, doc = run_json(capsys, "--select", "PRV001", str(tmp_path))
    found = {(Path(f["path"]).name, f["resource"]["kind"], f["container"], f["line"]) for f in doc["findings"]}
    assert found == {("cron.yaml", "CronJob", "init", 11), ("list.yaml", "Pod", "debugger", 12),
                     ("pod.json", "Pod", "c", json_line)}


def test_stdin_helm_output_and_unrendered_template_error(tmp_path, capsys, monkeypatch):
    rendered = "---\n# Source: chart/templates/deploy.yaml\n" + PRIVILEGED_DEPLOYMENT
    write(tmp_path, "chart/templates/deploy.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "chart.fullname" . }}
        spec:
          template:
            spec:
              containers:
                - name: app
                  {{- toYaml .Values.securityContext | nindent 10 }}
        """)
    write(tmp_path, "ok/pod.yaml", PRIVILEGED_DEPLOYMENT)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rendered.encode())))
    code, doc = run_json(capsys, "-", str(tmp_path))
    assert code == 1
    paths = {f["path"] for f in by_rule(doc, "PRV001")}
    assert "<stdin>" in paths and str(tmp_path / "ok" / "pod.yaml") in paths
    [error] = doc["errors"]
    assert error["path"].endswith("chart/templates/deploy.yaml")
    assert "helm template" in error["message"] and error["line"] == 4


def test_exit_codes(tmp_path, capsys):
    clean = write(tmp_path, "clean/pod.yaml", """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a, image: b}]
        """)
    assert main(["check", "--select", "PRV001", str(clean)]) == 0
    write(tmp_path, "bad/pod.yaml", PRIVILEGED_DEPLOYMENT)
    assert main(["check", "--select", "PRV001", str(tmp_path / "bad")]) == 1
    assert main(["check", "--select", "PRV001", "--fail-on", "critical", str(tmp_path / "bad")]) == 1
    assert main(["check", "--select", "USR001", "--fail-on", "high", str(tmp_path / "bad")]) == 0
    assert main(["check", "--fail-on", "catastrophic", str(clean)]) == 2
    assert main(["check", "--select", "NOPE999", str(clean)]) == 2
    broken = write(tmp_path, "broken/pod.yaml", "apiVersion: v1\nkind: Pod\nspec: [\n")
    assert main(["check", "--select", "PRV001", str(broken)]) == 1
    capsys.readouterr()


def test_text_output_is_one_line_per_finding_the_frame_on_request_and_a_verdict(tmp_path, capsys):
    write(tmp_path, "pod.yaml", PRIVILEGED_DEPLOYMENT)
    main(["check", "--select", "PRV001", "--color", "never", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{tmp_path / 'pod.yaml'}:13:13: PRV001 [critical] container 'app' runs privileged"
    assert lines[1] == "1 finding (1 critical), 0 errors in 1 file"
    assert lines[2] == "failed (recommended tier, fail-on low): 1 finding fails the gate (PRV001 1)"
    assert len(lines) == 3
    main(["check", "--select", "PRV001", "--color", "never", "--show-source", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'pod.yaml'}:13:13: PRV001 [critical]")
    assert lines[1] == "  13 |             privileged: true"
    assert lines[2].index("^") == lines[1].index("privileged")


def test_discovery_by_name_and_content(tmp_path, capsys):
    for name in ("Dockerfile.dev", "api.Dockerfile", "Containerfile", "sub/Dockerfile"):
        write(tmp_path, name, "FROM alpine:3\nUSER root\n")
    write(tmp_path, "compose.prod.yaml", "services:\n  a:\n    image: x\n    user: root\n")
    write(tmp_path, "stack.yml", "services:\n  b:\n    image: x\n    user: '0'\n")
    write(tmp_path, "values.yaml", "replicaCount: 1\nuser: root\n")
    write(tmp_path, ".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n")
    write(tmp_path, "node_modules/pkg/Dockerfile", "FROM alpine\nUSER root\n")
    write(tmp_path, "generated/Dockerfile", "FROM alpine\nUSER root\n")
    write(tmp_path, "skipme/Dockerfile", "FROM alpine\nUSER root\n")
    write(tmp_path, ".gitignore", "generated/\n")
    _, doc = run_json(capsys, "--select", "USR002", "--exclude", "skipme", str(tmp_path))
    flagged = sorted(str(Path(f["path"]).relative_to(tmp_path)) for f in doc["findings"])
    assert flagged == ["Containerfile", "Dockerfile.dev", "api.Dockerfile", "compose.prod.yaml", "stack.yml",
                       "sub/Dockerfile"]
    assert doc["errors"] == []


def test_output_order_is_deterministic(tmp_path, capsys):
    for i in range(5):
        write(tmp_path, f"d{i}/pod.yaml", PRIVILEGED_DEPLOYMENT)
    first = run_json(capsys, str(tmp_path))[1]
    second = run_json(capsys, str(tmp_path))[1]
    assert first == second
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in first["findings"]]
    assert keys == sorted(keys)


def test_version_rules_and_explain(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"isolint {__version__}"
    assert main(["rules"]) == 0
    table = capsys.readouterr().out
    assert "PRV001" in table and "privileged-container" in table and "pss-baseline" in table
    assert main(["explain", "privileged-container"]) == 0
    assert "## Why is this bad?" in capsys.readouterr().out
    assert main(["explain", "XYZ999"]) == 2


@pytest.mark.parametrize("profile, expected", [("pss-baseline", {"PRV001"}), ("pss-restricted", {"PRV001", "USR001"})])
def test_profiles_select_exactly_their_rules(tmp_path, capsys, profile, expected):
    write(tmp_path, "pod.yaml", PRIVILEGED_DEPLOYMENT)
    _, doc = run_json(capsys, "--profile", profile, str(tmp_path))
    assert {f["rule"] for f in doc["findings"]} >= expected
    from isolint.registry import PROFILES, load_rules, select_rules

    chosen = select_rules(load_rules(), profile=profile)
    assert all(set(r.meta.profiles) & set(PROFILES[profile]) for r in chosen)
