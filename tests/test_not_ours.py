"""No false red (issue 14, item 4), end to end through the CLI: files that are not container
configuration -- an oversize ``package-lock.json``, a binary ``.json``, invalid YAML that is no
manifest (a Helm values file, a GitHub workflow with a syntax error) -- are not errors and do not
fail the gate; invalid or oversize YAML that is evidently a manifest or a Compose file stays an
error naming the file and the line. The outcome is the same whether the folder is walked or the
file is named (pre-commit names files)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from isolint.cli import main

from .cli_helpers import run_json, write

CLEAN_DOCKERFILE = "FROM alpine:3.20\nUSER app\n"

WORKFLOW_WITH_A_SYNTAX_ERROR = """\
name: deploy
on: [push]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: |
          kubectl apply -f - <<EOF
          apiVersion: v1
          kind: Namespace
          EOF
     - uses: actions/checkout@v4
"""
VALUES_WITH_A_SYNTAX_ERROR = """\
image:
  repository: nginx
  tag: "1.27
ingress:
  apiVersion: networking.k8s.io/v1
  kind: Ingress
"""
# the first document is fine and no manifest, the second is broken
TWO_DOCUMENTS = "a: 1\n---\nb: [1, 2\n"
BROKEN_MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
       - name: sidecar
"""
BROKEN_COMPOSE = "services:\n  web:\n    image: nginx\n   ports: [80]\n"


def _package_lock(size: int) -> str:
    entry = '    "node_modules/p%d": {"version": "1.0.0", "integrity": "sha512-%s"},\n'
    body = "".join(entry % (i, "a" * 88) for i in range(size // 130 + 1))
    return '{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {\n' + body + '    "": {}\n  }\n}\n'


def _both_ways(capsys, root: Path, name: str, *args: str) -> tuple[tuple[int, list], tuple[int, list]]:
    """(exit code, errors) of the folder walked and of the file named; ``root`` holds a clean
    Dockerfile so that the walk lints something."""
    write(root, "Dockerfile", CLEAN_DOCKERFILE)
    walked_code, walked = run_json(capsys, *args, str(root))
    named_code, named = run_json(capsys, *args, str(root / name), str(root / "Dockerfile"))
    errors = [[(Path(e["path"]).name, e.get("line"), e["message"]) for e in doc["errors"]] for doc in (walked, named)]
    return (walked_code, errors[0]), (named_code, errors[1])


@pytest.mark.parametrize("name, text", [
    (".github/workflows/deploy.yml", WORKFLOW_WITH_A_SYNTAX_ERROR),
    ("deploy/values-prod.yaml", VALUES_WITH_A_SYNTAX_ERROR),
    ("notes.yaml", TWO_DOCUMENTS),
    ("tsconfig.json", '{"compilerOptions": {"strict": true,}, // trailing\n}\n'),
])
def test_invalid_yaml_that_is_no_manifest_is_not_an_error(capsys, tmp_path, name, text):
    write(tmp_path, name, text)
    walked, named = _both_ways(capsys, tmp_path, name)
    assert walked == named == (0, [])


def test_an_oversize_package_lock_is_not_an_error(capsys, tmp_path):
    lock = tmp_path / "package-lock.json"
    lock.write_text(_package_lock(11 * 1024 * 1024))  # over the default 10 MiB limit
    assert lock.stat().st_size > 10 * 1024 * 1024
    walked, named = _both_ways(capsys, tmp_path, "package-lock.json")
    assert walked == named == (0, [])
    # and under a lower limit, with the text output a person reads
    small = tmp_path / "small" / "package-lock.json"
    small.parent.mkdir()
    small.write_text(_package_lock(5000))
    assert main(["check", "--max-file-size", "1000", str(small)]) == 0
    assert ": error:" not in capsys.readouterr().out


def test_a_binary_json_file_is_not_an_error(capsys, tmp_path):
    (tmp_path / "data.json").write_bytes(b"\x00\x01\x02binary\xff\xfe")
    walked, named = _both_ways(capsys, tmp_path, "data.json")
    assert walked == named == (0, [])


@pytest.mark.parametrize("name, text, line", [
    ("k8s/web.yaml", BROKEN_MANIFEST, 11),
    ("compose.yaml", BROKEN_COMPOSE, 4),
    ("k8s/web.json", '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},,}\n', 1),
])
def test_invalid_yaml_that_is_a_manifest_stays_an_error_naming_file_and_line(capsys, tmp_path, name, text, line):
    write(tmp_path, name, text)
    walked, named = _both_ways(capsys, tmp_path, name)
    assert walked == named
    code, errors = walked
    assert code == 1 and [(path, at) for path, at, _ in errors] == [(Path(name).name, line)]
    assert "invalid" in errors[0][2]


@pytest.mark.parametrize("name, head", [
    ("install.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"),
    ("bundle.json", '{"apiVersion": "v1", "kind": "List", "items": [\n'),
])
def test_an_oversize_manifest_stays_an_error(capsys, tmp_path, name, head):
    write(tmp_path, name, head + "  # padding\n" * 200)
    walked, named = _both_ways(capsys, tmp_path, name, "--max-file-size", "1000")
    assert walked == named
    code, errors = walked
    assert code == 1 and len(errors) == 1 and "larger than the 1,000 bytes limit" in errors[0][2]


def test_invalid_yaml_piped_in_stays_an_error(capsys, monkeypatch):
    # what the user pipes in is meant to be linted: `helm template | isolint check -` that broke
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(VALUES_WITH_A_SYNTAX_ERROR.encode())))
    assert main(["check", "--format", "json", "-"]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["path"] == "<stdin>" and error["line"] == 7  # where the open quote ends


ARGO_TEMPLATE = """\
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: whalesay}
spec:
  entrypoint: say
  templates:
    - name: say
      inputs:
        parameters: [{name: message}]
      container:
        image: docker/whalesay:latest
        command: [cowsay]
        args: ['{{inputs.parameters.message}}']
        securityContext:
          privileged: true
"""


def test_argo_templates_own_braces_are_no_unrendered_chart(capsys, tmp_path):
    # Argo substitutes '{{inputs.parameters.message}}' itself: the workflow is linted, not an error
    write(tmp_path, "argo/whalesay.yaml", ARGO_TEMPLATE)
    walked, named = _both_ways(capsys, tmp_path, "argo/whalesay.yaml", "--select", "PRV001")
    assert walked == named == (1, [])
    code, doc = run_json(capsys, "--select", "PRV001", str(tmp_path / "argo"))
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("PRV001", 15)]
    # the same braces in a Deployment are a chart nobody rendered
    write(tmp_path, "k8s/web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
          "    spec:\n      containers:\n        - name: app\n          image: '{{ .Values.image }}'\n")
    code, doc = run_json(capsys, str(tmp_path / "k8s"))
    assert code == 1 and [(e["line"], "helm template" in e["message"]) for e in doc["errors"]] == [(9, True)]
