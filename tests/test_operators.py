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
        command: [sh, -c, "git clone https://example.com/app.git /src && make -C /src"]
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
    # an Argo step that builds and can reach the node is build tooling whatever its image: RI002
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


WORKFLOW_DEFAULTS = """
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf}
spec:
  hostNetwork: true
  serviceAccountName: builder
  automountServiceAccountToken: true
  securityContext: {runAsNonRoot: true}
  podPriorityClassName: ci
  podMetadata: {annotations: {team: a}}
  templateDefaults:
    container:
      securityContext: {privileged: true}
  templates:
    - name: steps
      steps: [[{name: a, template: one}]]
    - name: one
      container: {image: alpine}
    - name: two
      metadata: {labels: {x: y}}
      securityContext: {runAsUser: 1000}
      script: {image: python, source: "1"}
"""


def test_workflow_level_settings_reach_every_template_pod_at_the_lines_they_are_written(tmp_path):
    _, workloads = _run(tmp_path, WORKFLOW_DEFAULTS, select="NS001")
    assert set(workloads) == {"wf:template one", "wf:template two"}
    for w in workloads.values():
        assert (w.host_network.value, w.host_network.loc.line) == (True, 6)
        assert (w.service_account.value, w.service_account.loc.line) == ("builder", 7)
        assert (w.automount_service_account_token.value, w.automount_service_account_token.loc.line) == (True, 8)
        assert [(a.key.value, a.value.loc.line) for a in w.annotations] == [("team", 11)]
    one, two = workloads["wf:template one"], workloads["wf:template two"]
    # the workflow's securityContext, unless the template has its own, which replaces it whole
    assert (one.security.run_as_non_root.value, one.security.run_as_non_root.loc.line) == (True, 9)
    assert two.security.run_as_non_root is None and two.security.run_as_user.loc.line == 22
    # templateDefaults' container reaches the container template, not the script one
    assert one.containers[0].security.privileged.loc.line == 14
    assert two.containers[0].security.privileged is None
    assert [lab.key.value for lab in two.labels] == ["x"]


def test_every_template_pod_reports_the_workflow_setting(tmp_path):
    result, _ = _run(tmp_path, WORKFLOW_DEFAULTS, select="NS001")
    assert sorted({(d.resource.name, d.location.line) for d in result.diagnostics}) == [
        ("wf:template one", 6), ("wf:template two", 6)]


def test_pod_spec_patch_positions_in_a_literal_block_else_at_its_key(tmp_path):
    text = """
    apiVersion: argoproj.io/v1alpha1
    kind: Workflow
    metadata: {name: wf}
    spec:
      podSpecPatch: "{\\"hostIPC\\": true}"
      templates:
        - name: t
          container: {image: alpine}
          podSpecPatch: |
            containers:
              - name: main
                securityContext: {privileged: true}
    """
    _, workloads = _run(tmp_path, text, select="PRV001,NS003")
    w = workloads["wf:template t"]
    assert (w.host_ipc.value, w.host_ipc.loc.line, w.host_ipc.loc.column) == (True, 6, 3)  # escaped: the key
    privileged = w.containers[0].security.privileged
    assert (privileged.loc.line, privileged.loc.column) == (13, 31)
    assert w.containers[0].image.value == "alpine"  # merged into the template's container, by name


def test_tekton_step_template_merges_capabilities_field_by_field(tmp_path):
    text = """
    apiVersion: tekton.dev/v1
    kind: Task
    metadata: {name: t}
    spec:
      stepTemplate:
        securityContext: {capabilities: {drop: [ALL]}, runAsNonRoot: true}
      steps:
        - name: s
          image: alpine
          securityContext: {capabilities: {add: [NET_ADMIN]}}
    """
    _, workloads = _run(tmp_path, text, select="CAP004")
    caps = workloads["t"].containers[0].security
    assert [(c.value, c.loc.line) for c in caps.capabilities_drop] == [("ALL", 7)]
    assert [(c.value, c.loc.line) for c in caps.capabilities_add] == [("NET_ADMIN", 11)]
    assert caps.run_as_non_root.loc.line == 7


def test_a_fix_never_writes_a_pod_level_field_into_an_operators_own_fields(tmp_path, capsys):
    """A Tekton Task's steps are no pod spec: automountServiceAccountToken or a pod securityContext
    written next to them would mean nothing (Tekton rejects the Task); the step's own fields are fixed."""
    from isolint.cli import main

    path = tmp_path / "task.yaml"
    path.write_text(textwrap.dedent("""\
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: t}
        spec:
          steps:
            - name: s
              image: alpine:3.20
              securityContext:
                privileged: true
        """), encoding="utf-8")
    assert main(["fix", "--diff", "--unsafe-fixes", str(path)]) == 1
    captured = capsys.readouterr()
    added = [line for line in captured.out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert "+        privileged: false" in added
    assert not any("automountServiceAccountToken" in line or "seccompProfile" in line for line in added), added
    assert "the operator builds this pod" in captured.err
    main(["check", "--format", "sarif", "--select", "MNT009,MAC002", str(path)])
    assert '"fixes"' not in capsys.readouterr().out


# issue 13 item 3's list of operator kinds, and two kinds nobody listed (spec.template, spec.jobTemplate)
ISSUE_KINDS = ("Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow", "Task", "ClusterTask",
               "TaskRun", "PipelineRun", "Notebook", "PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "RayCluster",
               "RayJob", "RayService", "SparkApplication", "ScaledJob", "RunnerDeployment", "RunnerSet",
               "AutoscalingRunnerSet", "CloneSet", "AdvancedCronJob", "BroadcastJob", "Object",
               "DeploymentRuntimeConfig", "VirtualMachine", "VirtualMachineInstance", "WebApp", "NightlyTask")


def test_every_kind_of_issue_13_has_a_positive_and_a_negative_fixture():
    """In fixtures/operators/ (whose expectations test_fixtures checks), each kind's documents hold
    an `# expect:` and an `# ok:` annotation."""
    import re
    from pathlib import Path

    from isolint.parsers.kubernetes import TEMPLATE_PATHS
    from isolint.parsers.operators import EMBEDDING, KINDS

    marks: dict[str, set[str]] = {}
    for path in sorted((Path(__file__).resolve().parent.parent / "fixtures" / "operators").glob("*.yaml")):
        for doc in re.split(r"(?m)^---\s*$", path.read_text(encoding="utf-8")):
            kind = re.search(r"(?m)^kind:\s*(\S+)", doc)
            if kind:
                marks.setdefault(kind.group(1), set()).update(re.findall(r"#\s*(expect|ok):", doc))
    assert {k: sorted(marks.get(k, ())) for k in ISSUE_KINDS if marks.get(k) != {"expect", "ok"}} == {}
    generic = [k for k in ISSUE_KINDS if k not in KINDS and k not in EMBEDDING and k not in TEMPLATE_PATHS]
    assert generic == ["WebApp", "NightlyTask"]  # read as workloads by shape alone


def test_spark_application_node_selector_reaches_both_pods_unless_one_has_its_own(tmp_path):
    text = """
    apiVersion: sparkoperator.k8s.io/v1beta2
    kind: SparkApplication
    metadata: {name: app}
    spec:
      image: spark:3.5.0
      nodeSelector: {pool: batch}
      driver: {cores: 1}
      executor:
        nodeSelector: {pool: spot}
    """
    _, workloads = _run(tmp_path, text, select="NS001")
    assert [(kv.value.value, kv.value.loc.line) for kv in workloads["app:driver"].node_selector] == [("batch", 7)]
    assert [(kv.value.value, kv.value.loc.line) for kv in workloads["app:executor"].node_selector] == [("spot", 10)]
