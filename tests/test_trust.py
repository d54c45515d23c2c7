"""Trust classification and runtime resolution (lint/trust.py) on real parsed manifests."""

from __future__ import annotations

import textwrap

import pytest

from isolint.context import Trust
from isolint.runner import run
from isolint.settings import Settings
from isolint.trust import RuntimeKind, classify, handler_kind, runtime_isolation, windows_build, windows_image


def _run(tmp_path, text: str, name: str = "manifests.yaml", trust: dict | None = None):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    settings = Settings(select=["RI"])
    settings.trust = trust or {}
    result = run([str(path)], settings)
    assert not result.errors, result.errors
    workloads = {w.resource.name: w for m in result.models for w in m.workloads}
    return result.context, workloads


POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {namespace}
  labels: {labels}
spec:
  {extra}
  containers:
    - name: c
      image: {image}
"""


def pod(name: str, image: str = "nginx:1.27", namespace: str = "default", labels: str = "{}", extra: str = "") -> str:
    return POD.format(name=name, image=image, namespace=namespace, labels=labels, extra=extra)


def test_tenant_namespace_object_classifies_its_workloads(tmp_path):
    text = textwrap.dedent("""
    apiVersion: v1
    kind: Namespace
    metadata:
      name: acme
      labels: {capsule.clastix.io/tenant: acme}
    ---
    """) + pod("app", namespace="acme")
    ctx, workloads = _run(tmp_path, text)
    got = classify(workloads["app"], ctx)
    assert got.trust is Trust.MULTI_TENANT
    assert "capsule.clastix.io/tenant=acme" in got.evidence[0]


def test_untrusted_image_heuristics_and_evidence(tmp_path):
    ctx, workloads = _run(tmp_path, pod("nb", image="quay.io/jupyter/base-notebook:latest"))
    got = classify(workloads["nb"], ctx)
    assert got.trust is Trust.UNTRUSTED
    assert "matches jupyter/*" in got.evidence[0] and "notebook" in got.evidence[0]


@pytest.mark.parametrize("image", ["docker:27-dind", "gitlab/gitlab-runner:v17",
                                   "registry.gitlab.com/x/gitlab-runner-helper:1",
                                   "gcr.io/kaniko-project/executor:v1.23.0", "docker.io/moby/buildkit:latest"])
def test_build_tooling_is_untrusted(tmp_path, image):
    ctx, workloads = _run(tmp_path, pod("b", image=image))
    assert classify(workloads["b"], ctx).trust is Trust.UNTRUSTED


def test_explicit_marker_beats_heuristics_and_tenancy(tmp_path):
    ctx, workloads = _run(tmp_path, pod("k", image="docker:27-dind", labels="{isolint.io/trust: trusted}"))
    got = classify(workloads["k"], ctx)
    assert got.trust is Trust.TRUSTED and "isolint.io/trust=trusted" in got.evidence[0]


def test_unknown_marker_value_decides_nothing(tmp_path):
    ctx, workloads = _run(tmp_path, pod("x", labels="{isolint.io/trust: maybe}"))
    assert classify(workloads["x"], ctx).trust is Trust.UNKNOWN


def test_config_extends_and_overrides_patterns(tmp_path):
    trust = {"extra_untrusted_images": ["registry.example.com/sandbox/*"], "tenant_namespaces": ["team-*"],
             "trusted_images": ["docker:27-dind"]}
    text = pod("a", image="registry.example.com/sandbox/runner:1") + "---" + pod("b", namespace="team-x") \
        + "---" + pod("c", image="docker:27-dind")
    ctx, workloads = _run(tmp_path, text, trust=trust)
    assert classify(workloads["a"], ctx).trust is Trust.UNTRUSTED
    assert classify(workloads["b"], ctx).trust is Trust.MULTI_TENANT
    assert classify(workloads["c"], ctx).trust is Trust.TRUSTED


def test_compose_marker_in_extension_and_label(tmp_path):
    text = """
    x-isolint:
      trust: multi-tenant
    services:
      a:
        image: nginx:1.27
      b:
        image: nginx:1.27
        labels: {isolint.io/trust: untrusted}
    """
    ctx, workloads = _run(tmp_path, text, name="compose.yaml")
    assert classify(workloads["a"], ctx).trust is Trust.MULTI_TENANT
    assert classify(workloads["b"], ctx).trust is Trust.UNTRUSTED


def test_runtime_class_resolved_through_its_handler(tmp_path):
    text = textwrap.dedent("""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: secure}
    handler: kata-clh
    ---
    """) + pod("p", extra="runtimeClassName: secure")
    ctx, workloads = _run(tmp_path, text)
    runtime = runtime_isolation(workloads["p"], ctx)
    assert runtime.kind is RuntimeKind.VM and runtime.handler == "kata-clh"
    assert runtime.resolved_by == "RuntimeClass object"


@pytest.mark.parametrize(("handler", "kind"), [("runsc", RuntimeKind.USERSPACE_KERNEL), ("kata-qemu", RuntimeKind.VM),
                                                ("runc", RuntimeKind.SHARED_KERNEL),
                                                ("sysbox-runc", RuntimeKind.USERNS_HARDENED),
                                                ("wasmtime", RuntimeKind.UNKNOWN)])
def test_handler_kinds(handler, kind):
    assert handler_kind(handler) is kind


def test_windows_images():
    assert windows_image("mcr.microsoft.com/windows/servercore:ltsc2022")
    assert windows_image("mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022")
    assert not windows_image("mcr.microsoft.com/dotnet/aspnet:8.0")
    assert windows_build("mcr.microsoft.com/windows/nanoserver:ltsc2019") == "10.0.17763"
    assert windows_build("nginx:1.27") is None


def test_escalation_raises_findings_of_untrusted_workloads(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  r:\n    image: docker:27-dind\n    privileged: true\n"
                    "  w:\n    image: nginx:1.27\n    privileged: true\n", encoding="utf-8")
    result = run([str(path)], Settings(select=["PRV001", "RI001"]))
    by = {(d.rule, d.resource.name): d for d in result.diagnostics}
    assert by[("PRV001", "r")].escalated_from is None  # already critical, the ceiling
    assert by[("PRV001", "w")].escalated_from is None
    ri001 = by[("RI001", "r")]
    assert ri001.escalated_from is None and ri001.severity.label == "high"  # its trigger is the trust class
