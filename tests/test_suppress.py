"""Every suppression form: inline comments, file-level, Kubernetes annotations (object, pod template,
one container), Compose x-isolint; reasons required (SUP001), unused ones reported (SUP002)."""

from __future__ import annotations

import pytest

from isolint.suppress import parse_entries

from .cli_helpers import found, run_json, write

SELECT = ("--select", "PRV001,NS002,FS002,USR002,SUP")

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: registry.example/agent:1.2
      securityContext:
        {comment}
        privileged: true{trailing}
"""


def lint(capsys, tmp_path, *extra):
    code, doc = run_json(capsys, *SELECT, *extra, str(tmp_path))
    assert doc["errors"] == [], doc["errors"]
    return code, doc


def test_unsuppressed_pod_is_flagged(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# nothing here", trailing=""))
    assert found(lint(capsys, tmp_path)[1]) == [("PRV001", 11)]


def test_comment_on_the_line_before_silences(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001] CNI agent, reviewed in SEC-1",
                                           trailing=""))
    code, doc = lint(capsys, tmp_path)
    assert found(doc) == [] and code == 0


def test_comment_at_the_end_of_the_line_silences(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# nothing here",
                                           trailing="  # isolint: ignore[privileged-container] CNI agent"))
    assert found(lint(capsys, tmp_path)[1]) == []


def test_stacked_comment_lines_reach_the_next_code_line(capsys, tmp_path):
    comment = "# isolint: ignore[PRV001] CNI agent\n        # another comment"
    write(tmp_path, "pod.yaml", POD.format(comment=comment, trailing=""))
    assert found(lint(capsys, tmp_path)[1]) == []


def test_comment_for_another_line_does_not_silence(capsys, tmp_path):
    text = POD.format(comment="# nothing", trailing="\n        # isolint: ignore[PRV001] misplaced\n"
                                                     "        runAsNonRoot: true")
    write(tmp_path, "pod.yaml", text)
    assert found(lint(capsys, tmp_path)[1]) == [("PRV001", 11), ("SUP002", 12)]


def test_reasonless_comment_silences_but_is_reported(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001]", trailing=""))
    code, doc = lint(capsys, tmp_path)
    assert found(doc) == [("SUP001", 10)]
    assert doc["findings"][0]["column"] == 9 and "no reason" in doc["findings"][0]["message"]
    assert code == 1  # SUP001 is low: the default gate still fails


def test_file_level_comment(capsys, tmp_path):
    write(tmp_path, "pod.yaml", "# isolint: ignore-file[PRV] lab cluster, torn down nightly\n"
          + POD.format(comment="# nothing", trailing="").lstrip("\n"))
    assert found(lint(capsys, tmp_path)[1]) == []


def test_no_suppressions_shows_everything(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001]", trailing=""))
    assert found(lint(capsys, tmp_path, "--no-suppressions")[1]) == [("PRV001", 11)]


def test_meta_rules_can_be_ignored(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001]", trailing=""))
    assert found(lint(capsys, tmp_path, "--ignore", "SUP001")[1]) == []


def test_unused_suppression_and_unknown_rule(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001, NS002, PRV999] agent",
                                           trailing=""))
    doc = lint(capsys, tmp_path)[1]
    messages = sorted(f["message"] for f in doc["findings"])
    assert found(doc) == [("SUP002", 10), ("SUP002", 10)]
    assert "no NS002 finding" in messages[1] and "unknown rule 'PRV999'" in messages[0]


def test_rules_that_did_not_run_are_not_called_unused(capsys, tmp_path):
    write(tmp_path, "pod.yaml", POD.format(comment="# isolint: ignore[PRV001, NS002] agent", trailing=""))
    code, doc = run_json(capsys, "--select", "PRV001,SUP", str(tmp_path))
    assert found(doc) == [] and code == 0


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: agents
  annotations: {object}
spec:
  template:
    metadata:
      annotations: {template}
    spec:
      hostPID: true
      containers:
        - name: agent
          image: registry.example/agent:1.2
          securityContext:
            privileged: true
        - name: sidecar
          image: registry.example/sidecar:1.2
          securityContext:
            privileged: true
"""


@pytest.mark.parametrize("where", ["object", "template"])
def test_workload_annotation_on_object_or_pod_template(capsys, tmp_path, where):
    value = '{"isolint.io/ignore": "PRV001: node agents, SEC-2, reviewed, NS002: reads /proc of the node"}'
    write(tmp_path, "deploy.yaml", DEPLOYMENT.format(**{"object": "{}", "template": "{}", where: value}))
    assert found(lint(capsys, tmp_path)[1]) == []


def test_container_annotation_silences_one_container_not_its_sibling(capsys, tmp_path):
    value = '{"isolint.io/ignore.agent": "PRV001: programs host routes"}'
    write(tmp_path, "deploy.yaml", DEPLOYMENT.format(object="{}", template=value))
    doc = lint(capsys, tmp_path)[1]
    assert [(f["rule"], f.get("container")) for f in doc["findings"]] == [("NS002", None), ("PRV001", "sidecar")]


def test_container_annotation_for_a_missing_container_is_unused(capsys, tmp_path):
    value = '{"isolint.io/ignore.web": "PRV001: wrong container"}'
    write(tmp_path, "deploy.yaml", DEPLOYMENT.format(object="{}", template=value))
    doc = lint(capsys, tmp_path)[1]
    assert ("SUP002", 9) in found(doc) and sum(1 for r, _ in found(doc) if r == "PRV001") == 2


def test_reasonless_annotation_is_reported(capsys, tmp_path):
    write(tmp_path, "deploy.yaml", DEPLOYMENT.format(object='{"isolint.io/ignore": "PRV001, NS002"}', template="{}"))
    doc = lint(capsys, tmp_path)[1]
    assert found(doc) == [("SUP001", 5), ("SUP001", 5)]


@pytest.mark.parametrize("ignore", [
    '"PRV001: needs /dev/kvm, NS002: process supervisor"',
    '["PRV001: needs /dev/kvm", "NS002: process supervisor"]',
    '{PRV001: needs /dev/kvm, NS002: process supervisor}',
])
def test_compose_x_isolint_on_a_service(capsys, tmp_path, ignore):
    write(tmp_path, "compose.yaml", f"""
        services:
          vm:
            image: registry.example/vm:1
            privileged: true
            pid: host
            x-isolint:
              ignore: {ignore}
          web:
            image: nginx:1.27
            privileged: true
        """)
    assert found(lint(capsys, tmp_path)[1]) == [("PRV001", 10)]


def test_compose_top_level_x_isolint_covers_every_service(capsys, tmp_path):
    write(tmp_path, "compose.yaml", """
        x-isolint:
          ignore: "PRV001: throwaway CI sandbox"
        services:
          a:
            image: registry.example/a:1
            privileged: true
          b:
            image: registry.example/b:1
            privileged: true
        """)
    assert found(lint(capsys, tmp_path)[1]) == []


def test_dockerfile_comment_before_the_instruction(capsys, tmp_path):
    write(tmp_path, "app.Dockerfile", """
        FROM alpine:3.20
        # isolint: ignore[USR002] the entrypoint drops to uid 10001 itself
        USER root
        """)
    assert found(lint(capsys, tmp_path)[1]) == []


def test_dockerfile_comment_covers_a_continued_instruction(capsys, tmp_path):
    write(tmp_path, "app.Dockerfile", """
        FROM alpine:3.20
        # isolint: ignore[FS002] scratch space shared by the test harness
        RUN mkdir /scratch && \\
            chmod 777 /scratch
        USER 10001
        """)
    doc = lint(capsys, tmp_path, "--no-suppressions")[1]
    assert [r for r, _ in found(doc)] == ["FS002"], "the fixture must trigger FS002"
    assert found(lint(capsys, tmp_path)[1]) == []


def test_dockerfile_trailing_text_is_not_a_comment(capsys, tmp_path):
    write(tmp_path, "app.Dockerfile", """
        FROM alpine:3.20
        RUN chmod 777 /scratch # isolint: ignore[FS002] not a Dockerfile comment: shell text
        USER 10001
        """)
    assert [r for r, _ in found(lint(capsys, tmp_path)[1])] == ["FS002"]


@pytest.mark.parametrize("text, entries", [
    ("PRV001: node agent", [("PRV001", "node agent")]),
    ("PRV001: a, b and c, NS002: d", [("PRV001", "a, b and c"), ("NS002", "d")]),
    ("PRV001, host-pid", [("PRV001", ""), ("host-pid", "")]),
    ("PRV001: x; NS002: y", [("PRV001", "x"), ("NS002", "y")]),
    ("", []),
])
def test_parse_entries(text, entries):
    assert parse_entries(text) == entries


def test_namespace_annotation_covers_the_namespace_findings(capsys, tmp_path):
    write(tmp_path, "ns.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: tenant-a
          labels:
            capsule.clastix.io/tenant: a
          annotations:
            isolint.io/ignore: "RI005: PSA enforced by the cluster admission configuration (SEC-9)"
        """)
    _, shown = run_json(capsys, "--select", "RI005,SUP", "--no-suppressions", str(tmp_path))
    _, silenced = run_json(capsys, "--select", "RI005,SUP", str(tmp_path))
    assert found(shown) == [("RI005", 4)] and found(silenced) == []
