"""Changed-files runs (``--changed-since``, files named as pre-commit names them) report on those
files only, with the context of the whole repository: Namespace, RuntimeClass and ServiceAccount
objects of the other files, and only the charts and Kustomize roots that hold a changed file are
rendered. Each test builds its own git repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isolint.render import charts, kustomize

from .cli_helpers import run_json, write
from .test_gitchanges import POD, git  # a privileged pod

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

NAMESPACE = """
apiVersion: v1
kind: Namespace
metadata:
  name: tenants
  labels:
    isolint.io/trust: multi-tenant
"""

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: tenants
spec:
  template:
    spec:
      {extra}
      containers:
        - name: app
          image: registry.example/app:1.0
"""


def repository(root: Path, files: dict[str, str]) -> Path:
    """A git repository holding ``files``, committed on ``main``."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for name, text in files.items():
        write(root, name, text)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def change(root: Path, name: str, text: str | None = None) -> None:
    """Commit a change of ``name`` (a comment appended, or ``text``)."""
    path = root / name
    path.write_text(text if text is not None else path.read_text() + "# changed\n")
    git(root, "commit", "-q", "-am", f"change {name}")


def findings(doc: dict) -> list[tuple[str, str, str]]:
    return [(f["path"].removeprefix("./"), f["rule"], f["severity"]) for f in doc["findings"]]


@pytest.fixture
def tenants(tmp_path, monkeypatch) -> Path:
    """A Deployment in a namespace that another file labels multi-tenant, another file with a
    privileged pod; the Deployment changed since ``main``."""
    repo = repository(tmp_path, {"ns/tenants.yaml": NAMESPACE,
                                 "apps/web.yaml": DEPLOYMENT.format(name="web", extra=""),
                                 "debug/pod.yaml": POD.format(name="debug")})
    git(repo, "checkout", "-q", "-b", "feature")
    change(repo, "apps/web.yaml")
    monkeypatch.chdir(repo)
    return repo


def test_full_run_reports_the_multi_tenant_workload(capsys, tenants):
    code, doc = run_json(capsys, "--select", "RI001,RI005,PRV001", ".")
    assert code == 1 and ("apps/web.yaml", "RI001", "high") in findings(doc)
    assert {path for path, _, _ in findings(doc)} == {"apps/web.yaml", "ns/tenants.yaml", "debug/pod.yaml"}


@pytest.mark.parametrize("args", [("--changed-since", "main", "."),  # CI
                                  ("apps/web.yaml",),  # pre-commit: the changed files, by name
                                  ("--changed-since", "main", "apps")])  # a folder of the repository
def test_a_changed_file_gets_the_namespace_of_another_file(capsys, tenants, args):
    code, doc = run_json(capsys, "--select", "RI001,RI005,PRV001", *args)
    # the changed file only: not the Namespace's own finding (RI005), not the privileged pod
    assert findings(doc) == [("apps/web.yaml", "RI001", "high")]
    assert code == 1
    assert doc["summary"]["files"] == 1


def test_without_repository_context_the_namespace_is_unknown(capsys, tenants):
    code, doc = run_json(capsys, "--select", "RI001", "--no-repository-context", "apps/web.yaml")
    assert findings(doc) == [] and code == 0


def test_a_named_file_in_a_subfolder_gets_the_context_of_its_repository(capsys, tenants, monkeypatch):
    monkeypatch.chdir(tenants / "apps")
    _, doc = run_json(capsys, "--select", "RI001", "web.yaml")
    assert findings(doc) == [("web.yaml", "RI001", "high")]


def test_a_runtime_class_of_another_file_still_counts(capsys, tmp_path, monkeypatch):
    """A gVisor RuntimeClass named `secure`: the multi-tenant workload on it is sandboxed (no RI001)
    and its runtime is known (no RI004), as in a full run."""
    runtime_class = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: secure\nhandler: runsc\n"
    repo = repository(tmp_path, {"ns/tenants.yaml": NAMESPACE, "cluster/runtime.yaml": runtime_class,
                                 "apps/web.yaml": DEPLOYMENT.format(name="web", extra="runtimeClassName: secure")})
    change(repo, "apps/web.yaml")
    monkeypatch.chdir(repo)
    for args in (("--changed-since", "HEAD~1", "."), ("apps/web.yaml",), (".",)):
        _, doc = run_json(capsys, "--select", "RI001,RI004", *args)
        assert findings(doc) == [], args
    _, doc = run_json(capsys, "--select", "RI001,RI004", "--no-repository-context", "apps/web.yaml")
    assert findings(doc) == [("apps/web.yaml", "RI004", "info")]  # the class unknown (and the namespace)


def test_a_service_account_of_another_file_still_counts(capsys, tmp_path, monkeypatch):
    """MNT009: a ServiceAccount object that turns the token off answers for the pods that use it."""
    account = ("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: tenants\n"
               "automountServiceAccountToken: false\n")
    repo = repository(tmp_path, {"rbac/account.yaml": account,
                                 "apps/web.yaml": DEPLOYMENT.format(name="web", extra="serviceAccountName: builder")})
    change(repo, "apps/web.yaml")
    monkeypatch.chdir(repo)
    for args in (("--changed-since", "HEAD~1", "."), ("apps/web.yaml",), (".",)):
        _, doc = run_json(capsys, "--select", "MNT009", *args)
        assert findings(doc) == [], args
    _, doc = run_json(capsys, "--select", "MNT009", "--no-repository-context", "apps/web.yaml")
    assert findings(doc) == [("apps/web.yaml", "MNT009", "low")]


def test_the_context_file_itself_changed(capsys, tenants):
    """The Namespace is the changed file: the workloads it affects are not reported (they did not
    change), the Namespace's own finding is."""
    change(tenants, "ns/tenants.yaml")
    _, doc = run_json(capsys, "--select", "RI001,RI005", "--changed-since", "HEAD~1", ".")
    assert findings(doc) == [("ns/tenants.yaml", "RI005", "high")]


def test_of_two_namespaces_of_one_name_the_same_wins_as_in_a_full_run(capsys, tmp_path, monkeypatch):
    """The changed file holds its own `tenants` Namespace (trusted), a later file of the walk another
    (multi-tenant): a full run takes the later one, so does a changed-files run."""
    trusted = NAMESPACE.replace("multi-tenant", "trusted")
    repo = repository(tmp_path, {"apps/web.yaml": trusted + "---\n" + DEPLOYMENT.format(name="web", extra=""),
                                 "zz/tenants.yaml": NAMESPACE})
    change(repo, "apps/web.yaml")
    monkeypatch.chdir(repo)
    runs = [findings(run_json(capsys, "--select", "RI001", *args)[1])
            for args in ((".",), ("--changed-since", "HEAD~1", "."), ("apps/web.yaml",))]
    assert runs == [[("apps/web.yaml", "RI001", "high")]] * 3


OVERLAY = "resources:\n- ../../base\n"
BASE = "resources:\n- deployment.yaml\n"


def test_only_the_kustomize_roots_holding_a_changed_file_are_built(capsys, tmp_path, monkeypatch):
    repo = repository(tmp_path, {
        "base/kustomization.yaml": BASE, "base/deployment.yaml": POD.format(name="base"),
        "overlays/prod/kustomization.yaml": OVERLAY, "overlays/dev/kustomization.yaml": OVERLAY,
        "other/kustomization.yaml": "resources:\n- pod.yaml\n", "other/pod.yaml": POD.format(name="other"),
        "plain/pod.yaml": POD.format(name="plain")})
    built: list[str] = []
    real_build = kustomize.build

    def counting_build(graph, folder, command):
        built.append(Path(folder).relative_to(repo.resolve()).as_posix())
        return real_build(graph, folder, command)

    monkeypatch.setattr(kustomize, "build", counting_build)
    monkeypatch.chdir(repo)
    _, doc = run_json(capsys, "--select", "PRV001", ".")
    assert sorted(built) == ["other", "overlays/dev", "overlays/prod"]  # a full run builds every root
    assert {path for path, _, _ in findings(doc)} == {"base/deployment.yaml", "other/pod.yaml", "plain/pod.yaml"}

    change(repo, "base/deployment.yaml")
    built.clear()
    _, doc = run_json(capsys, "--select", "PRV001", "--changed-since", "HEAD~1", ".")
    assert sorted(built) == ["overlays/dev", "overlays/prod"]  # the roots whose tree holds the base
    assert findings(doc) == [("base/deployment.yaml", "PRV001", "critical")]  # once, both overlays named

    change(repo, "overlays/dev/kustomization.yaml")  # what a build makes is reported at the base ...
    built.clear()
    _, doc = run_json(capsys, "--select", "PRV001", "--changed-since", "HEAD~1", ".")
    assert built == ["overlays/dev"]
    assert findings(doc) == [("base/deployment.yaml", "PRV001", "critical")]  # ... naming the changed root
    assert [r["path"] for r in doc["findings"][0]["related"]] == ["overlays/dev/kustomization.yaml"]

    built.clear()
    _, doc = run_json(capsys, "--select", "PRV001", "plain/pod.yaml")  # no kustomization touched
    assert built == []
    assert findings(doc) == [("plain/pod.yaml", "PRV001", "critical")]


CHART = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"


def test_only_the_charts_holding_a_changed_file_are_rendered(capsys, tmp_path, monkeypatch):
    """A chart is rendered whole when one of its files changed (values.yaml too); another is not.
    (A fresh repository for each change: a chart is rendered once per process.)"""
    rendered: list[str] = []
    real_render = charts.render

    def counting_render(*args, **kwargs):
        outputs = real_render(*args, **kwargs)
        rendered.extend(sorted({name.split("/")[0] for name in outputs}))
        return outputs

    monkeypatch.setattr(charts, "render", counting_render)
    pod = POD.format(name="a").replace("privileged: true", "privileged: {{ .Values.privileged }}")
    for step, (changed, expected, related) in enumerate([
            ("charts/a/templates/pod.yaml", ["a"], ["charts/a/values.yaml"]),
            ("charts/a/values.yaml", ["a"], ["charts/a/values.yaml"]),  # the template's finding points at it
            ("charts/b/templates/pod.yaml", ["b"], [])]):
        repo = repository(tmp_path / str(step), {
            "charts/a/Chart.yaml": CHART.format(name="a"), "charts/a/values.yaml": "privileged: true\n",
            "charts/a/templates/pod.yaml": pod,
            "charts/b/Chart.yaml": CHART.format(name="b"), "charts/b/templates/pod.yaml": POD.format(name="b")})
        change(repo, changed)
        monkeypatch.chdir(repo)
        rendered.clear()
        _, doc = run_json(capsys, "--select", "PRV001", "--changed-since", "HEAD~1", ".")
        assert rendered == expected
        assert findings(doc) == [(f"charts/{expected[0]}/templates/pod.yaml", "PRV001", "critical")]
        assert [r["path"] for r in doc["findings"][0].get("related", ()) if "values" in r["message"]] == related


TRICKY = {
    "json.json": '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j", "labels": {"a": "b"}}}',
    "list.yaml": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ServiceAccount, metadata: {name: s}}\n",
    "quoted.yaml": "apiVersion: v1\n'kind': \"RuntimeClass\"\nmetadata: {name: q}\nhandler: runsc\n",
    "escaped.yaml": 'apiVersion: v1\nkind: "N\\x61mespace"\nmetadata: {name: e}\n',
    "alias.yaml": "apiVersion: v1\nmetadata: {name: &k Namespace}\nkind: *k\n",
    "next-line.yaml": "apiVersion: v1\nkind:\n  ServiceAccount\nmetadata:\n  name: n\n",
    "broken-after.yaml": NAMESPACE + "---\nkey: [unclosed\n---\n" + NAMESPACE.replace("tenants", "late"),
    "broken-before.yaml": "key: [unclosed\n---\n" + NAMESPACE,
    "subjects.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: r}\n"
                     "subjects:\n- kind: ServiceAccount\n  name: s\n---\n" + DEPLOYMENT.format(name="d", extra=""),
    "mixed.yaml": DEPLOYMENT.format(name="d", extra="") + "---\n" + NAMESPACE + "---\napiVersion: v1\n"
                  "kind: ServiceAccount\nmetadata:\n  name: s\n  namespace: tenants\n"
                  "automountServiceAccountToken: no\n",
}


def test_the_facts_only_pass_reads_what_the_loader_reads(tmp_path):
    """The same Namespace, RuntimeClass and ServiceAccount objects (positions included) from the
    facts-only pass as from linting the file: on written cases and every YAML file of the fixtures."""
    from isolint.discovery import Kind
    from isolint.lint_file import FACT_FIELDS, LoadTask, file_facts, load

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    written = [write(tmp_path, name, text) for name, text in TRICKY.items()]
    holding = set()
    for path in [*written, *sorted(fixtures.rglob("*.y*ml"))]:
        if "templates" in path.parts:
            continue  # a chart's templates are rendered, never read raw
        task = LoadTask(str(path), Kind.YAML)
        facts, model = file_facts(task), load(task)
        for name in FACT_FIELDS:
            assert list(getattr(facts, name)) == list(getattr(model, name)), (path, name)
            if getattr(model, name):
                holding.add(path)
    assert set(TRICKY) - {p.name for p in holding} == {"broken-before.yaml", "subjects.yaml"}  # the cases ...
    assert len(holding) >= len(TRICKY) - 2 + 5  # ... and some fixtures hold facts


def test_files_found_by_the_repository_walk_are_spelled_from_the_working_folder(capsys, tmp_path, monkeypatch):
    """pre-commit run from a chart's folder, naming its values file: the template's finding is
    at `templates/pod.yaml`, as a run of that folder spells it (not `../chart/...` nor `./...`)."""
    pod = POD.format(name="a").replace("privileged: true", "privileged: {{ .Values.privileged }}")
    repo = repository(tmp_path, {"chart/Chart.yaml": CHART.format(name="c"), "chart/values.yaml": "privileged: true\n",
                                 "chart/templates/pod.yaml": pod})
    for folder, named, shown in ((repo / "chart", "values.yaml", "templates/pod.yaml"),
                                 (repo, "chart/values.yaml", "chart/templates/pod.yaml")):
        monkeypatch.chdir(folder)
        _, doc = run_json(capsys, "--select", "PRV001", named)
        assert [f["path"] for f in doc["findings"]] == [shown]
