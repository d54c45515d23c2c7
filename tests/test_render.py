"""Helm charts rendered and linted at the template's lines (isolint.render); the acceptance repository
of issue 13 is fixtures/deployments (its inline expectations are checked by test_fixtures too)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import textwrap
from pathlib import Path

import pytest

from isolint.render import helm as helm_adapter
from isolint.render.mapping import NOT_FOUND, locator
from isolint.yamlsource import load_all

from .cli_helpers import run_json, write

ROOT = Path(__file__).resolve().parent.parent
REPO = ROOT / "fixtures" / "deployments"


def _at(doc):
    return {(f["rule"], f["path"], f["line"], f.get("column")) for f in doc["findings"]}


def test_acceptance_repository_each_finding_at_the_file_a_person_edits(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, doc = run_json(capsys, "--select", "PRV001,MNT001,NS002", "fixtures/deployments")
    assert code == 1 and doc["errors"] == []
    chart = "fixtures/deployments/chart"
    assert _at(doc) >= {
        ("PRV001", f"{chart}/templates/deployment.yaml", 18, 13),
        ("MNT001", f"{chart}/templates/deployment.yaml", 25, 11),
        ("NS002", f"{chart}/charts/agent/templates/daemonset.yaml", 9, 7),
        ("PRV001", "fixtures/deployments/argo-workflow.yaml", 13, 11),
        ("PRV001", "fixtures/deployments/tekton-task.yaml", 11, 9),
    }
    related = {(f["rule"], r["path"], r["line"]) for f in doc["findings"] for r in f.get("related", ())}
    assert ("PRV001", f"{chart}/values.yaml", 3) in related  # privileged: {{ .Values.securityContext.privileged }}
    assert ("MNT001", f"{chart}/values.yaml", 7) in related  # toYaml .Values.cacheVolume
    assert ("NS002", f"{chart}/charts/agent/values.yaml", 1) in related  # the subchart's own values


def test_every_finding_of_the_chart_is_on_a_template_or_values_line(capsys, monkeypatch):
    """No finding of any rule points outside the templates, and none at a line past the template's end."""
    monkeypatch.chdir(REPO)
    _, doc = run_json(capsys, "chart")
    assert doc["errors"] == [] and doc["findings"]
    for f in doc["findings"]:
        assert "/templates/" in f["path"], f
        assert 1 <= f["line"] <= len(Path(f["path"]).read_text().splitlines())


def test_helm_template_output_on_stdin_is_mapped_by_its_source_comments(capsys, monkeypatch):
    import helm_python

    with helm_python.Chart.load(str(REPO / "chart")) as chart:
        outputs = chart.render(None, name="shop", namespace="default")
    stream = "".join(f"---\n# Source: {name}\n{text}" for name, text in sorted(outputs.items()))
    monkeypatch.chdir(REPO)  # helm template chart | isolint check -: the chart `shop` is the folder chart/
    monkeypatch.setattr("sys.stdin", _Stdin(stream.encode()))
    _, doc = run_json(capsys, "--select", "PRV001,NS002", "-")
    assert _at(doc) == {("PRV001", "chart/templates/deployment.yaml", 18, 13),
                        ("NS002", "chart/charts/agent/templates/daemonset.yaml", 9, 7)}


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def _chart(root: Path, name: str, template: str, values: str = "", chart_extra: str = "") -> Path:
    write(root, f"{name}/Chart.yaml", f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_extra}")
    write(root, f"{name}/values.yaml", values)
    write(root, f"{name}/templates/pod.yaml", template)
    return root / name


POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {{ required "name is required" .Values.name }}
spec:
  containers:
    - name: c
      image: busybox
      securityContext:
        privileged: true
"""


def test_a_chart_that_fails_to_render_is_one_error_the_rest_is_linted(tmp_path, capsys):
    _chart(tmp_path, "broken", POD)
    _chart(tmp_path, "fine", POD, values="name: ok\n")
    _, doc = run_json(capsys, "--select", "PRV001", str(tmp_path))
    assert [(Path(e["path"]).relative_to(tmp_path).as_posix(), e["line"]) for e in doc["errors"]] == [
        ("broken/Chart.yaml", 1)]
    message = doc["errors"][0]["message"]
    assert "chart" in message and "broken" in message and "name is required" in message
    assert [(Path(f["path"]).relative_to(tmp_path).as_posix(), f["line"]) for f in doc["findings"]] == [
        ("fine/templates/pod.yaml", 10)]


def test_without_a_renderer_one_error_per_chart_says_what_to_install(tmp_path, capsys, monkeypatch):
    _chart(tmp_path, "one", POD, values="name: a\n")
    _chart(tmp_path, "two", POD, values="name: b\n")
    write(tmp_path, "plain.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n"
                                  "  containers: [{name: c, image: busybox}]\n")
    monkeypatch.setattr(helm_adapter, "binary", lambda configured=None: None)
    monkeypatch.setattr(helm_adapter, "sdk_available", lambda: False)
    _, doc = run_json(capsys, "--select", "PRV001,NS002", "--jobs", "1", str(tmp_path))
    errors = sorted((Path(e["path"]).relative_to(tmp_path).as_posix(), e["message"]) for e in doc["errors"])
    assert [path for path, _ in errors] == ["one/Chart.yaml", "two/Chart.yaml"]
    assert all("pip install 'isolint[helm]'" in m and "--exclude" in m for _, m in errors)
    assert str(tmp_path) not in str(errors)  # no runner path: the chart's path in the repository
    assert [f["rule"] for f in doc["findings"]] == ["NS002"]  # the plain manifest is still linted
    exclude = re.search(r"`--exclude (\S+)`", errors[0][1]).group(1)
    _, doc = run_json(capsys, "--select", "PRV001,NS002", "--jobs", "1", "--exclude", exclude, str(tmp_path))
    assert [Path(e["path"]).relative_to(tmp_path).as_posix() for e in doc["errors"]] == ["two/Chart.yaml"]


def test_a_link_out_of_the_repository_refuses_the_chart_and_is_never_read(tmp_path, capsys):
    secret = tmp_path / "outside" / "secret.yaml"
    write(tmp_path, "outside/secret.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: TOPSECRET}\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    chart = _chart(repo, "shop", POD, values="name: a\n")
    os.symlink(secret, chart / "templates" / "stolen.yaml")
    _, doc = run_json(capsys, str(repo))
    text = str(doc)
    assert "TOPSECRET" not in text and str(secret) not in text
    chart_errors = [e for e in doc["errors"] if e["path"].endswith("shop/Chart.yaml")]
    assert len(chart_errors) == 1
    assert "templates/stolen.yaml points outside the repository" in chart_errors[0]["message"]


def test_a_dependency_with_a_repository_url_is_never_fetched(tmp_path, capsys, monkeypatch):
    """Python's sockets refuse to connect, and Go's HTTP client (the SDK) would go through a proxy
    this test listens on: neither is ever tried."""
    attempts = []
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(1)
    trap.setblocking(False)
    proxy = f"http://127.0.0.1:{trap.getsockname()[1]}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    def refuse(self, address):
        attempts.append(address)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    _chart(tmp_path, "app", POD, values="name: a\n", chart_extra=textwrap.dedent("""\
        dependencies:
          - name: redis
            version: 19.0.0
            repository: https://charts.example.com/stable
        """))
    _, doc = run_json(capsys, "--jobs", "1", "--select", "PRV001", str(tmp_path))
    assert attempts == []
    with pytest.raises(BlockingIOError):
        trap.accept()  # nobody connected to the proxy
    trap.close()
    assert len(doc["errors"]) == 1
    message = doc["errors"][0]["message"]
    assert "redis (https://charts.example.com/stable) is not in charts/ and is never fetched" in message
    assert str(tmp_path) not in message  # no runner path in a report (the error is at the chart's Chart.yaml)
    assert [f["line"] for f in doc["findings"]] == [10]  # the chart's own templates are still linted


def _locate(template: str, rendered: str, values_text: str | None = None):
    from isolint.render.mapping import ValuesIndex

    values = ValuesIndex("values.yaml", textwrap.dedent(values_text)) if values_text else None
    rendered = textwrap.dedent(rendered).lstrip("\n")
    locate = locator(rendered, "t.yaml", textwrap.dedent(template).lstrip("\n"), values)
    doc = next(d for d, _ in load_all(rendered))
    return locate, doc


def test_with_block_and_to_yaml_dot_point_at_the_action_and_the_values_line():
    locate, doc = _locate("""
        spec:
          {{- with .Values.podSecurity }}
          securityContext:
            {{- toYaml . | nindent 4 }}
          {{- end }}
        """, """
        spec:
          securityContext:
            runAsUser: 0
        """, "podSecurity:\n  runAsUser: 0\n")
    sc = doc["spec"]["securityContext"]
    loc = locate(sc.pos_of("runAsUser"))
    assert (loc.line, loc.column) == (4, 5)
    assert [(n.path, n.line) for n, _ in loc.notes] == [("values.yaml", 2)]
    assert locate(doc["spec"].pos_of("securityContext")).line == 3


def test_a_key_written_several_times_but_rendered_another_number_of_times_gets_no_line():
    locate, doc = _locate("""
        spec:
          containers:
          {{- range .Values.names }}
            - name: {{ . }}
              securityContext:
                privileged: true
          {{- end }}
            - name: last
              securityContext:
                privileged: false
        """, """
        spec:
          containers:
            - name: a
              securityContext:
                privileged: true
            - name: b
              securityContext:
                privileged: true
            - name: last
              securityContext:
                privileged: false
        """)
    first = doc["spec"]["containers"][0]["securityContext"]
    loc = locate(first.pos_of("privileged"))
    assert loc.line == 1 and loc.notes[0][1] == NOT_FOUND  # the document's first line, said so
    last = doc["spec"]["containers"][2]["securityContext"]
    assert locate(last.pos_of("privileged")).line == 1  # three rendered, two written: none is sure


@pytest.mark.parametrize("template_path", ["chart/templates/deployment.yaml", "chart/Chart.yaml"])
def test_a_template_named_alone_renders_its_chart(capsys, monkeypatch, template_path):
    """pre-commit passes changed files one by one: a template is still rendered, never linted raw."""
    monkeypatch.chdir(REPO)
    _, doc = run_json(capsys, "--select", "PRV001", template_path)
    assert doc["errors"] == []
    expected = [("templates/deployment.yaml", 18)] if template_path.endswith("deployment.yaml") else []
    assert [(f["path"].removeprefix("chart/"), f["line"]) for f in doc["findings"]] == expected


@pytest.mark.parametrize("target", ["kustomize", "kustomize/overlays/prod/privileged.yaml"])
def test_a_kustomize_patch_is_not_linted_as_a_workload(capsys, monkeypatch, target):
    """argo-cd's patches that only add affinity got 6 findings each: a patch is a fragment. What it
    adds is judged in the built overlay, and only that is reported at the patch."""
    monkeypatch.chdir(REPO)
    _, doc = run_json(capsys, target)
    assert doc["errors"] == []
    assert [(f["rule"], f["path"], f["line"]) for f in doc["findings"] if "overlays/" in f["path"]] == [
        ("PRV001", "kustomize/overlays/prod/privileged.yaml", 14)]
    # the base, through the overlay; a named file's run reports on that file only
    assert bool([f for f in doc["findings"] if "base/" in f["path"]]) is (target == "kustomize")


PACKAGED = REPO / "packaged"


def test_a_packaged_subchart_points_at_the_parent_values_line_or_the_archive(capsys, monkeypatch):
    """charts/agent-0.1.0.tgz holds no file a person edits: a finding whose value a values file of the
    parent set points at that line; else at the archive; either way a related location names the
    template inside the archive and its line there. Never the rendered output's line."""
    monkeypatch.chdir(REPO)
    _, doc = run_json(capsys, "--select", "PRV001,NS001", "packaged")
    assert doc["errors"] == []
    archive = "packaged/charts/agent-0.1.0.tgz"
    got = {(f["rule"], f["path"], f["line"], f["column"], tuple((r["path"], r["line"], r["message"].split(" inside")[0])
                                                                  for r in f.get("related", ())))
           for f in doc["findings"] if f["resource"]["kind"] == "DaemonSet"}
    assert got == {
        # hostNetwork: {{ .Values.hostNetwork }}, set by the parent's `agent: hostNetwork: true`
        ("NS001", "packaged/values.yaml", 5, 3,
         ((archive, 1, "rendered from agent/templates/daemonset.yaml line 8"),)),
        # privileged: {{ .Values.privileged }}, the archive's own default: nothing in the repository set it
        ("PRV001", archive, 1, None, ((archive, 1, "rendered from agent/templates/daemonset.yaml line 13"),)),
    }


def test_a_library_chart_renders_as_helm_renders_it(capsys, monkeypatch):
    """charts/common is `type: library`: its defines are included by the parent's template (the
    finding at the include's line, the value at the parent's values line); its own templates are never
    rendered (Helm skips them), so its example pod is neither linted nor an error."""
    monkeypatch.chdir(REPO)
    _, doc = run_json(capsys, "--select", "PRV001,NS002", "packaged")
    assert doc["errors"] == []
    web = [(f["rule"], f["path"], f["line"], f["column"], [(r["path"], r["line"]) for r in f["related"]])
           for f in doc["findings"] if f["resource"]["kind"] == "Deployment"]
    assert web == [("PRV001", "packaged/templates/deployment.yaml", 12, 13, [("packaged/values.yaml", 3)])]
    assert not [f for f in doc["findings"] if "common" in f["path"] or f["rule"] == "NS002"]


def test_a_folder_subchart_value_set_by_the_parent_points_at_the_parents_values(tmp_path, capsys, monkeypatch):
    """Helm's precedence: the parent's `agent:` block overrides the subchart's values.yaml, and an
    alias is the subchart's key there."""
    write(tmp_path, "app/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n"
                                      "dependencies:\n  - name: agent\n    version: 0.1.0\n    alias: node\n")
    write(tmp_path, "app/values.yaml", "node:\n  hostPID: true\nglobal:\n  uts: true\n")
    write(tmp_path, "app/charts/agent/Chart.yaml", "apiVersion: v2\nname: agent\nversion: 0.1.0\n")
    write(tmp_path, "app/charts/agent/values.yaml", "hostPID: false\nhostIPC: true\nglobal:\n  uts: false\n")
    write(tmp_path, "app/charts/agent/templates/pod.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: agent}
        spec:
          hostPID: {{ .Values.hostPID }}
          hostIPC: {{ .Values.hostIPC }}
          hostNetwork: {{ .Values.global.uts }}
          containers: [{name: c, image: busybox}]
        """)
    _, doc = run_json(capsys, "--select", "NS001,NS002,NS003", str(tmp_path))
    assert doc["errors"] == []
    got = {(f["rule"], f["line"], tuple((Path(r["path"]).relative_to(tmp_path).as_posix(), r["line"])
                                         for r in f["related"])) for f in doc["findings"]}
    assert got == {("NS002", 5, (("app/values.yaml", 2),)), ("NS003", 6, (("app/charts/agent/values.yaml", 2),)),
                   ("NS001", 7, (("app/values.yaml", 4),))}  # the parent's global, not the subchart's default
    import helm_python

    with helm_python.Chart.load(str(tmp_path / "app")) as chart:  # helm template app | isolint check -
        stream = "".join(f"---\n# Source: {n}\n{t}" for n, t in sorted(chart.render(None).items()) if t.strip())
    assert "# Source: app/charts/node/templates/pod.yaml" in stream  # Helm names it by its alias
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", _Stdin(stream.encode()))
    _, doc = run_json(capsys, "--select", "NS001,NS002,NS003", "-")
    assert {(f["rule"], f["path"], f["line"]) for f in doc["findings"] if f["rule"] != "NS001"} == {
        ("NS002", "app/charts/agent/templates/pod.yaml", 5), ("NS003", "app/charts/agent/templates/pod.yaml", 6)}


def test_a_suppression_comment_in_the_values_file_silences_a_packaged_subcharts_finding(tmp_path, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(PACKAGED, repo)
    values = repo / "values.yaml"
    values.write_text(values.read_text().replace("  hostNetwork: true", "  # isolint: ignore[NS001] the node agent\n"
                                                                        "  hostNetwork: true"))
    _, doc = run_json(capsys, "--select", "NS001,SUP", str(repo))
    assert doc["findings"] == [] and doc["errors"] == []
    _, doc = run_json(capsys, "--select", "NS001,SUP", "--no-suppressions", str(repo))
    assert [(f["rule"], Path(f["path"]).name, f["line"]) for f in doc["findings"]] == [("NS001", "values.yaml", 6)]


def test_a_packaged_subchart_on_stdin_is_mapped_as_in_the_chart(capsys, monkeypatch):
    import helm_python

    with helm_python.Chart.load(str(PACKAGED)) as chart:
        outputs = chart.render(None, name="gw", namespace="default")
    stream = "".join(f"---\n# Source: {name}\n{text}" for name, text in sorted(outputs.items()) if text.strip())
    monkeypatch.chdir(REPO)  # helm template packaged | isolint check -
    monkeypatch.setattr("sys.stdin", _Stdin(stream.encode()))
    _, doc = run_json(capsys, "--select", "PRV001,NS001", "-")
    assert doc["errors"] == []
    assert _at(doc) == {("NS001", "packaged/values.yaml", 5, 3),
                        ("PRV001", "packaged/charts/agent-0.1.0.tgz", 1, None),
                        ("PRV001", "packaged/templates/deployment.yaml", 12, 13)}


RANGE_TEMPLATE = """
    spec:
      containers:
      {{- range .Values.containers }}
        - name: {{ .name }}
          securityContext:
            {{- toYaml .securityContext | nindent 8 }}
      {{- end }}
    """
RANGE_RENDERED = """
    spec:
      containers:
        - name: a
          securityContext:
            privileged: true
    """


@pytest.mark.parametrize(("values", "related"), [
    ("containers:\n  - name: a\n    securityContext:\n      privileged: true\n", [("values.yaml", 4)]),
    ("containers:\n  - name: b\n    securityContext:\n      privileged: false\n"
     "  - name: a\n    securityContext:\n      privileged: true\n", []),  # which item? no line, never b's
])
def test_a_values_key_in_several_list_items_gets_no_values_line(values, related):
    locate, doc = _locate(RANGE_TEMPLATE, RANGE_RENDERED, values)
    loc = locate(doc["spec"]["containers"][0]["securityContext"].pos_of("privileged"))
    assert (loc.line, loc.column) == (6, 9)  # the toYaml action
    assert [(n.path, n.line) for n, _ in loc.notes] == related
