"""Operator workloads (isolint.parsers.operators): what the advisor makes of them, and the model's shape.

Which lines each kind flags is in fixtures/operators/ (one file per family, positive and negative)."""

from __future__ import annotations

import textwrap

from isolint.context import Trust
from isolint.runner import run
from isolint.settings import Settings
from isolint.trust import RuntimeKind, classify, runtime_isolation

WORKFLOW = """
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: ci
spec:
  templates:
    - name: main
      steps: [[{name: a, template: build}]]
    - name: build
      container:
        image: alpine:3.20
        securityContext: {privileged: true}
---
apiVersion: kubeflow.org/v1
kind: Notebook
metadata:
  name: nb
spec:
  template:
    spec:
      containers: [{name: nb, image: example.com/lab:1}]
---
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: vm
spec:
  template:
    spec:
      domain: {devices: {}}
"""


def _run(tmp_path, text: str, select: str = "RI"):
    path = tmp_path / "ops.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = run([str(path)], Settings(select=[select]))
    assert not result.errors, result.errors
    return result, {w.resource.name: w for m in result.models for w in m.workloads}


def test_one_workload_per_pod_running_template_named_after_it(tmp_path):
    _, workloads = _run(tmp_path, WORKFLOW)
    assert set(workloads) == {"ci:template build", "nb", "vm"}
    build = workloads["ci:template build"]
    assert [c.name.value for c in build.containers] == ["main"]  # Argo's name for the main container
    assert build.loc.line == 10  # the template's line (the text starts with a blank line)


def test_ci_kinds_are_build_tooling_notebooks_user_code_vms_a_vm(tmp_path):
    result, workloads = _run(tmp_path, WORKFLOW)
    ctx = result.context
    ci = classify(workloads["ci:template build"], ctx)
    assert ci.trust is Trust.UNTRUSTED and "CI build tooling" in ci.evidence[0]
    notebook = classify(workloads["nb"], ctx)
    assert notebook.trust is Trust.UNTRUSTED and "user code" in notebook.evidence[0]
    assert runtime_isolation(workloads["vm"], ctx).kind is RuntimeKind.VM
    assert not workloads["vm"].containers
    # an Argo step that can reach the node is build tooling whatever its image: RI002
    ri002 = [d for d in result.diagnostics if d.rule == "RI002"]
    assert [(d.resource.name, d.location.line) for d in ri002] == [("ci:template build", 13)]


def test_argo_workflow_volume_reaches_only_the_pods_that_mount_it(tmp_path):
    text = """
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata: {name: wf}
    spec:
      volumes:
        - {name: sock, hostPath: {path: /var/run/docker.sock}}
      templates:
        - name: uses
          container:
            image: alpine
            volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
        - name: other
          container: {image: alpine}
    """
    result, workloads = _run(tmp_path, text, select="MNT002")
    assert [v.name.value for v in workloads["wf:template uses"].volumes] == ["sock"]
    assert workloads["wf:template other"].volumes == ()
    assert [d.resource.name for d in result.diagnostics] == ["wf:template uses"]


def test_every_kind_of_the_table_is_documented():
    from pathlib import Path

    from isolint.parsers.operators import EMBEDDING, KINDS

    page = (Path(__file__).resolve().parent.parent / "docs" / "deployments.md").read_text(encoding="utf-8")
    assert [kind for kind in [*KINDS, *EMBEDDING] if f"`{kind}`" not in page] == []
