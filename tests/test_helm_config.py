"""Per-chart rendering configuration (``[helm] charts``): values files, ``set``, release, namespace and
``kube-version``, each checked with both renderers of isolint.render.helm.

No ``helm`` binary is installable offline from PyPI or Debian, so the binary path runs a stand-in
(``FAKE_HELM``): it accepts only the ``helm template`` flags isolint passes (``--namespace``,
``--values``, ``--set``, ``--kube-version``, ``--api-versions``; any other argument fails it),
records its command line, and renders with Helm's own engine (helm-python-sdk) so its output is
what ``helm template`` prints.
What it checks is isolint's side of the contract: the command line and the parsing of the stream.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from isolint.cli import main
from isolint.render import helm as helm_adapter

from .cli_helpers import run_json, write

FAKE_HELM = """\
#!{python}
import argparse, json, sys
import helm_python
from helm_python import _native

with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
parser = argparse.ArgumentParser()
parser.add_argument("command", choices=["template"])
parser.add_argument("release")
parser.add_argument("chart")
parser.add_argument("--namespace", required=True)
parser.add_argument("--values", required=True)
parser.add_argument("--kube-version")
parser.add_argument("--set", action="append", default=[])
parser.add_argument("--api-versions", action="append", default=[])
args = parser.parse_args()
values = json.load(open(args.values))
for expression in args.set:
    try:
        given = helm_python.parse_set_string(expression)
    except helm_python.HelmError:
        continue  # said below, as helm does
    for key, value in given.items():  # enough for the tests' expressions: one level deep
        values[key] = {{**values.get(key, {{}}), **value}} if isinstance(value, dict) else value
options = {{"name": args.release, "namespace": args.namespace}}
if args.kube_version:
    options["kube_version"] = args.kube_version
if args.api_versions:
    options["api_versions"] = args.api_versions
for expression in args.set:
    try:
        helm_python.parse_set_string(expression)
    except helm_python.HelmError as exc:
        sys.exit(print(f"Error: failed parsing --set data: {{exc}}", file=sys.stderr) or 1)
try:
    with helm_python.Chart.load(args.chart) as chart:
        out = json.loads(_native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options)))
except helm_python.HelmError as exc:
    sys.exit(print(f"Error: {{exc}}", file=sys.stderr) or 1)
for name, text in sorted(out.items()):
    if text.strip():
        print(f"---\\n# Source: {{name}}\\n{{text}}", end="")
"""

TEMPLATE = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  {{- if semverCompare "<1.25-0" .Capabilities.KubeVersion.Version }}
  hostPID: true
  {{- end }}
  {{- if and (eq .Release.Name "shop") (eq .Release.Namespace "prod") }}
  hostNetwork: true
  {{- end }}
  hostIPC: {{ .Values.ipc }}
  {{- if .Capabilities.APIVersions.Has "argoproj.io/v1alpha1" }}
  shareProcessNamespace: true
  {{- end }}
  containers:
    - name: web
      image: busybox
      securityContext:
        privileged: {{ .Values.sc.privileged }}
"""
PRIVILEGED_LINE = 20


@pytest.fixture(params=["sdk", "binary"])
def renderer(request, tmp_path, monkeypatch):
    """The renderer under test; for ``binary``, the log of the stand-in's command lines."""
    if request.param == "sdk":
        monkeypatch.setattr(helm_adapter, "binary", lambda configured=None: configured)  # no helm from PATH
        return None
    log = tmp_path / "helm.log"
    fake = tmp_path / "bin" / "helm"
    fake.parent.mkdir()
    fake.write_text(FAKE_HELM.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    return fake, log


def _repo(tmp_path: Path, chart_config: str, renderer) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "deploy/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    write(repo, "deploy/shop/values.yaml", "ipc: false\nsc:\n  privileged: false\n")
    (repo / "deploy/shop/templates").mkdir()
    (repo / "deploy/shop/templates/pod.yaml").write_text(TEMPLATE)
    write(repo, "deploy/values-prod.yaml", "# production\nipc: true\n")
    binary = f'binary = "{renderer[0]}"\n' if renderer else ""
    write(repo, ".isolint.toml", f'[helm]\n{binary}[helm.charts."deploy/shop"]\n{textwrap.dedent(chart_config)}')
    return repo, repo / "deploy/shop/templates/pod.yaml"


def _findings(capsys, repo: Path) -> dict[str, tuple[str, int]]:
    _, doc = run_json(capsys, "--select", "PRV001,NS001,NS002,NS003", "--jobs", "1", str(repo))
    assert doc["errors"] == [], doc["errors"]
    return {f["rule"]: (Path(f["path"]).relative_to(repo).as_posix(), f["line"]) for f in doc["findings"]}


def _rules_by_line(found: dict[str, tuple[str, int]]) -> dict[int, str]:
    return {line: rule for rule, (_, line) in found.items()}


def _logged(renderer) -> list[list[str]]:
    return [json.loads(line) for line in renderer[1].read_text().splitlines()] if renderer else []


def test_defaults_render_nothing_risky(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, "", renderer)
    assert _findings(capsys, repo) == {}
    if renderer:
        (args,) = _logged(renderer)
        assert args[-3:-1] == ["--", "release-name"] and args[args.index("--namespace") + 1] == "default"
        assert "--kube-version" not in args


def test_values_files_and_set_are_applied(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'values = ["deploy/values-prod.yaml"]\nset = ["sc.privileged=true"]\n', renderer)
    _, doc = run_json(capsys, "--select", "PRV001,NS003", "--jobs", "1", str(repo))
    at = {f["rule"]: (f["line"], [(Path(r["path"]).relative_to(repo).as_posix(), r["line"])
                                  for r in f.get("related", ())]) for f in doc["findings"]}
    assert at == {"NS003": (12, [("deploy/values-prod.yaml", 2)]),  # hostIPC from the configured values file
                  "PRV001": (PRIVILEGED_LINE, [])}  # set: no file wrote it (never the chart's `privileged: false` line)
    if renderer:
        (args,) = _logged(renderer)
        assert args[args.index("--set") + 1] == "sc.privileged=true"  # Helm parses it, as helm template --set


def test_release_and_namespace(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'release = "shop"\nnamespace = "prod"\n', renderer)
    assert _rules_by_line(_findings(capsys, repo)) == {10: "NS001"}  # hostNetwork: only for shop in prod
    if renderer:
        (args,) = _logged(renderer)
        assert args[-3:-1] == ["--", "shop"] and args[args.index("--namespace") + 1] == "prod"


@pytest.mark.parametrize(("version", "host_pid"), [("1.24", True), ("v1.24.3", True), ("1.30", False)])
def test_kube_version_sets_the_capabilities(tmp_path, capsys, renderer, version, host_pid):
    repo, _ = _repo(tmp_path, f'kube-version = "{version}"\n', renderer)
    assert _rules_by_line(_findings(capsys, repo)) == ({7: "NS002"} if host_pid else {})
    if renderer:
        (args,) = _logged(renderer)
        assert args[args.index("--kube-version") + 1] == version


def test_api_versions_set_the_capabilities(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'api-versions = ["argoproj.io/v1alpha1", "monitoring.coreos.com/v1"]\n', renderer)
    _, doc = run_json(capsys, "--select", "NS008", "--jobs", "1", str(repo))
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("NS008", 14)]  # shareProcessNamespace
    if renderer:
        (args,) = _logged(renderer)
        assert [args[i + 1] for i, a in enumerate(args) if a == "--api-versions"] == [
            "argoproj.io/v1alpha1", "monitoring.coreos.com/v1"]


@pytest.mark.parametrize("key", ["release", "namespace"])
def test_a_release_or_namespace_helm_would_refuse_is_a_configuration_error(tmp_path, capsys, renderer, key):
    """A name spelled like a flag never reaches the binary (it also comes after `--` there)."""
    repo, _ = _repo(tmp_path, f'{key} = "--post-renderer=/bin/false"\n', renderer)
    capsys.readouterr()
    assert main(["check", "--jobs", "1", str(repo)]) == 2
    err = capsys.readouterr().err
    assert ".isolint.toml" in err and key in err
    assert renderer is None or not renderer[1].exists()  # the stand-in never ran


def test_a_kube_version_helm_cannot_read_is_one_error_on_the_chart(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'kube-version = "latest"\n', renderer)
    _, doc = run_json(capsys, "--jobs", "1", str(repo))
    [error] = doc["errors"]
    assert error["path"].endswith("deploy/shop/Chart.yaml")
    assert "chart shop cannot be rendered" in error["message"] and '"latest"' in error["message"]


def test_a_glob_that_matches_no_chart_changes_nothing(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, "", renderer)
    write(repo, ".isolint.toml", (f'[helm]\nbinary = "{renderer[0]}"\n' if renderer else "")
          + '[helm.charts."other/*"]\nset = ["sc.privileged=true"]\n[helm.charts."deploy/sho?"]\nset = ["ipc=true"]\n')
    assert set(_findings(capsys, repo)) == {"NS003"}


def test_a_binary_inside_the_repository_is_never_run(tmp_path, capsys):
    """The configuration may come from the pull request under review: a 'helm' it ships is not run."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    marker = tmp_path / "ran"
    write(repo, "shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    write(repo, "shop/templates/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                           "spec: {containers: [{name: c, image: busybox}]}\n")
    evil = write(repo, "tools/helm", f"#!/bin/sh\ntouch {marker}\n")
    evil.chmod(0o755)
    for spelled in ("tools/helm", str(evil)):
        write(repo, ".isolint.toml", f'[helm]\nbinary = "{spelled}"\n')
        _, doc = run_json(capsys, "--jobs", "1", str(repo))
        [error] = doc["errors"]
        assert "lies inside the repository under review" in error["message"], error
        assert not marker.exists()
    assert os.access(evil, os.X_OK)


def test_a_program_not_named_helm_is_never_run(tmp_path, capsys):
    """Outside the repository too: a shell, env or xargs given Helm's arguments (some written by the
    configuration) could run what the pull request chose."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, "shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    write(repo, "shop/templates/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                           "spec: {containers: [{name: c, image: busybox}]}\n")
    marker = tmp_path / "ran"
    other = tmp_path / "bin" / "sh-like"
    other.parent.mkdir()
    other.write_text(f"#!/bin/sh\ntouch {marker}\n")
    other.chmod(0o755)
    write(repo, ".isolint.toml", f'[helm]\nbinary = "{other}"\n')
    _, doc = run_json(capsys, "--jobs", "1", str(repo))
    [error] = doc["errors"]
    assert "is not named helm" in error["message"], error
    assert not marker.exists()


def test_a_required_value_left_unset_is_one_error_naming_the_chart_and_helms_message(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'set = ["sc.privileged=true"]\n', renderer)
    write(repo, "deploy/api/Chart.yaml", "apiVersion: v2\nname: api\nversion: 0.1.0\n")
    write(repo, "deploy/api/templates/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: api}
        spec:
          containers:
            - name: api
              image: "api:{{ required "image.tag is required" .Values.tag }}"
        """)
    _, doc = run_json(capsys, "--select", "PRV001", "--jobs", "1", str(repo))
    [error] = doc["errors"]
    assert Path(error["path"]).relative_to(repo).as_posix() == "deploy/api/Chart.yaml" and error["line"] == 1
    assert error["message"].startswith("chart api cannot be rendered: ") and "image.tag is required" in error["message"]
    assert "\n" not in error["message"]  # one line, as Helm's causes are joined
    assert [(Path(f["path"]).relative_to(repo).as_posix(), f["line"]) for f in doc["findings"]] == [
        ("deploy/shop/templates/pod.yaml", PRIVILEGED_LINE)]  # the other chart is linted


def test_a_malformed_set_expression_is_one_error_on_the_chart(tmp_path, capsys, renderer):
    repo, _ = _repo(tmp_path, 'set = ["sc.privileged"]\n', renderer)
    _, doc = run_json(capsys, "--jobs", "1", str(repo))
    [error] = doc["errors"]
    assert error["path"].endswith("deploy/shop/Chart.yaml")
    assert error["message"].startswith("chart shop cannot be rendered: ") and "privileged" in error["message"]
    assert "has no value" in error["message"]  # Helm's own words


def test_helms_message_on_several_lines_is_one_line(tmp_path, capsys, renderer):
    """Helm v4 puts each cause of a template error on a line of its own, indented."""
    repo, template = _repo(tmp_path, "", renderer)
    template.write_text(TEMPLATE.replace("name: web", 'name: {{ template "shop.missing" . }}'))
    _, doc = run_json(capsys, "--jobs", "1", str(repo))
    [error] = doc["errors"]
    assert error["message"].startswith("chart shop cannot be rendered: shop/templates/pod.yaml:4:")
    assert error["message"].endswith('template "shop.missing" not defined') and "\n" not in error["message"]
