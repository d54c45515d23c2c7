"""Pod Security Standards profiles judged as Kubernetes' Pod Security admission judges them.

A port, as our own cases, of the pass/fail pods the pod-security-admission library generates for
its checks (every check at both levels, init containers included), plus the version-dependent
behaviour (sysctls 1.27/1.29/1.32/1.37, SELinux container_engine_t 1.31, host probes 1.34,
hostUsers relaxations 1.35, Windows exemptions 1.25) and the catalogue's edge cases E1-E3, E5-E7,
E9 and E17. Each case states which rule must report it, or that the pod must pass.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from isolint.runner import run
from isolint.settings import Settings

Pod = dict[str, Any]


def restricted_base() -> Pod:
    """The minimal pod the Restricted level admits (two containers: one init, one regular)."""
    hardened = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "case"},
        "spec": {
            "initContainers": [{"name": "initcontainer1", "image": "registry.k8s.io/pause",
                                "securityContext": copy.deepcopy(hardened)}],
            "containers": [{"name": "container1", "image": "registry.k8s.io/pause",
                            "securityContext": copy.deepcopy(hardened)}],
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        },
    }


def baseline_base() -> Pod:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "case"},
            "spec": {"initContainers": [{"name": "initcontainer1", "image": "registry.k8s.io/pause"}],
                     "containers": [{"name": "container1", "image": "registry.k8s.io/pause"}]}}


def windows_base() -> Pod:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "case"},
            "spec": {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": True},
                     "initContainers": [{"name": "initcontainer1", "image": "registry.k8s.io/pause"}],
                     "containers": [{"name": "container1", "image": "registry.k8s.io/pause"}]}}


def container(pod: Pod, index: int = 0) -> dict[str, Any]:
    return pod["spec"]["containers"][index]


def init(pod: Pod) -> dict[str, Any]:
    return pod["spec"]["initContainers"][0]


def sc(item: dict[str, Any]) -> dict[str, Any]:
    return item.setdefault("securityContext", {})


def pod_sc(pod: Pod) -> dict[str, Any]:
    return pod["spec"].setdefault("securityContext", {})


def judge(tmp_path: Path, pod: Pod, level: str, version: str = "1.37") -> set[str]:
    """The rule codes a ``--profile pss-<level>`` run reports for the pod."""
    path = tmp_path / "pod.yaml"
    path.write_text(yaml.safe_dump(pod, sort_keys=False), encoding="utf-8")
    settings = Settings(profile=f"pss-{level}")
    settings.kubernetes_version = tuple(int(p) for p in version.split("."))  # type: ignore[assignment]
    result = run([str(path)], settings)
    own_errors = [e.message for e in result.errors if e.path == str(path)]
    assert not own_errors, own_errors
    return {d.rule for d in result.diagnostics}


Case = tuple[str, str, str, Callable[[], Pod], str | None]  # id, level, version, pod, code (None: admitted)


def _with(base: Callable[[], Pod], change: Callable[[Pod], object]) -> Callable[[], Pod]:
    def build() -> Pod:
        pod = base()
        change(pod)
        return pod
    return build


R, B = restricted_base, baseline_base
CASES: list[Case] = [
    ("restricted-base", "restricted", "1.37", R, None),
    ("baseline-base", "baseline", "1.37", B, None),
    # privileged / E3: an init container alone is enough
    ("privileged-init", "baseline", "1.37", _with(B, lambda p: sc(init(p)).update(privileged=True)), "PRV001"),
    ("privileged-false", "baseline", "1.37", _with(B, lambda p: sc(container(p)).update(privileged=False)), None),
    # host namespaces
    ("host-network", "baseline", "1.37", _with(B, lambda p: p["spec"].update(hostNetwork=True)), "NS001"),
    ("host-pid", "baseline", "1.37", _with(B, lambda p: p["spec"].update(hostPID=True)), "NS002"),
    ("host-ipc", "baseline", "1.37", _with(B, lambda p: p["spec"].update(hostIPC=True)), "NS003"),
    # capabilities_baseline / E5: exact strings
    ("caps-net-raw", "baseline", "1.37",
     _with(B, lambda p: sc(init(p)).update(capabilities={"add": ["NET_RAW"]})), "CAP002"),
    ("caps-lowercase", "baseline", "1.37",
     _with(B, lambda p: sc(container(p)).update(capabilities={"add": ["chown"]})), "CAP002"),
    ("caps-prefixed", "baseline", "1.37",
     _with(B, lambda p: sc(container(p)).update(capabilities={"add": ["CAP_CHOWN"]})), "CAP002"),
    ("caps-baseline-set", "baseline", "1.37",
     _with(B, lambda p: sc(container(p)).update(capabilities={"add": ["CHOWN", "SETUID", "NET_BIND_SERVICE"]})),
     None),
    # hostPath volumes / E9: type Socket and trailing slashes are still host paths
    ("hostpath-socket", "baseline", "1.37",
     _with(B, lambda p: p["spec"].update(volumes=[{"name": "sock", "hostPath": {
         "path": "/var/run/docker.sock", "type": "Socket"}}])), "MNT001"),
    ("hostpath-dir", "baseline", "1.37",
     _with(B, lambda p: p["spec"].update(volumes=[{"name": "run", "hostPath": {"path": "/var/run/"}}])), "MNT001"),
    # host ports
    ("host-port", "baseline", "1.37",
     _with(B, lambda p: init(p).update(ports=[{"containerPort": 53, "hostPort": 53}])), "NS009"),
    ("host-port-zero", "baseline", "1.37",
     _with(B, lambda p: container(p).update(ports=[{"containerPort": 80, "hostPort": 0}])), None),
    # AppArmor / E7 / E1
    ("apparmor-ghost-annotation", "baseline", "1.37", _with(B, lambda p: p["metadata"].update(annotations={
        "container.apparmor.security.beta.kubernetes.io/ghost": "unconfined"})), "MAC003"),
    ("apparmor-localhost-annotation", "baseline", "1.37", _with(B, lambda p: p["metadata"].update(annotations={
        "container.apparmor.security.beta.kubernetes.io/container1": "localhost/foo"})), None),
    ("apparmor-pod-field-overridden", "baseline", "1.37", _with(B, lambda p: (
        pod_sc(p).update(appArmorProfile={"type": "Unconfined"}),
        sc(container(p)).update(appArmorProfile={"type": "RuntimeDefault"}),
        sc(init(p)).update(appArmorProfile={"type": "RuntimeDefault"}))), "MAC003"),
    # seccomp baseline / E1 / E6
    ("seccomp-pod-unconfined-overridden", "baseline", "1.37", _with(B, lambda p: (
        pod_sc(p).update(seccompProfile={"type": "Unconfined"}),
        sc(container(p)).update(seccompProfile={"type": "RuntimeDefault"}),
        sc(init(p)).update(seccompProfile={"type": "RuntimeDefault"}))), "MAC001"),
    ("seccomp-init-unconfined", "baseline", "1.37",
     _with(B, lambda p: sc(init(p)).update(seccompProfile={"type": "Unconfined"})), "MAC001"),
    ("seccomp-annotation-ignored-1.19+", "baseline", "1.37", _with(B, lambda p: p["metadata"].update(annotations={
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined"})), None),
    ("seccomp-annotation-judged-1.18", "baseline", "1.18", _with(B, lambda p: p["metadata"].update(annotations={
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined"})), "MAC001"),
    ("seccomp-field-ignored-1.18", "baseline", "1.18",
     _with(B, lambda p: pod_sc(p).update(seccompProfile={"type": "Unconfined"})), None),
    # SELinux / E17
    ("selinux-type", "baseline", "1.37",
     _with(B, lambda p: pod_sc(p).update(seLinuxOptions={"type": "somevalue"})), "MAC004"),
    ("selinux-user", "baseline", "1.37",
     _with(B, lambda p: sc(init(p)).update(seLinuxOptions={"user": "somevalue"})), "MAC004"),
    ("selinux-role", "baseline", "1.37",
     _with(B, lambda p: sc(container(p)).update(seLinuxOptions={"role": "somevalue"})), "MAC004"),
    ("selinux-level-and-allowed-types", "baseline", "1.37", _with(B, lambda p: (
        pod_sc(p).update(seLinuxOptions={"type": "container_t"}),
        sc(container(p)).update(seLinuxOptions={"type": "container_init_t", "level": "somevalue"}),
        sc(init(p)).update(seLinuxOptions={"type": "container_kvm_t"}))), None),
    ("selinux-engine-1.30", "baseline", "1.30",
     _with(B, lambda p: sc(container(p)).update(seLinuxOptions={"type": "container_engine_t"})), "MAC004"),
    ("selinux-engine-1.31", "baseline", "1.31",
     _with(B, lambda p: sc(container(p)).update(seLinuxOptions={"type": "container_engine_t"})), None),
    # procMount / E17 hostUsers relaxation (Baseline only)
    ("procmount-unmasked", "baseline", "1.37",
     _with(B, lambda p: (p["spec"].update(hostUsers=True), sc(init(p)).update(procMount="Unmasked"))), "MAC005"),
    ("procmount-userns-1.35-baseline", "baseline", "1.35",
     _with(B, lambda p: (p["spec"].update(hostUsers=False), sc(container(p)).update(procMount="Unmasked"))), None),
    ("procmount-userns-1.34-baseline", "baseline", "1.34",
     _with(B, lambda p: (p["spec"].update(hostUsers=False), sc(container(p)).update(procMount="Unmasked"))),
     "MAC005"),
    ("procmount-userns-1.35-restricted", "restricted", "1.35",
     _with(R, lambda p: (p["spec"].update(hostUsers=False), sc(container(p)).update(procMount="Unmasked"))),
     "MAC005"),
    ("procmount-default", "restricted", "1.37",
     _with(R, lambda p: (p["spec"].update(hostUsers=False), sc(container(p)).update(procMount="Default"))), None),
    # HostProcess
    ("hostprocess-pod", "baseline", "1.37", _with(B, lambda p: (
        p["spec"].update(hostNetwork=False), pod_sc(p).update(windowsOptions={"hostProcess": True}))), "PRV005"),
    # host probes and lifecycle / E17
    ("probe-host-1.34", "baseline", "1.34", _with(B, lambda p: container(p).update(
        livenessProbe={"httpGet": {"host": "bad.host", "port": 8080}})), "NS012"),
    ("probe-host-1.33", "baseline", "1.33", _with(B, lambda p: container(p).update(
        livenessProbe={"httpGet": {"host": "bad.host", "port": 8080}})), None),
    ("lifecycle-host", "baseline", "1.37", _with(B, lambda p: container(p).update(
        lifecycle={"postStart": {"tcpSocket": {"host": "::1", "port": 8080}}})), "NS012"),
    ("probe-without-host", "baseline", "1.37", _with(B, lambda p: container(p).update(
        readinessProbe={"tcpSocket": {"port": 8080}})), None),
    # allowPrivilegeEscalation
    ("escalation-unset", "restricted", "1.37",
     _with(R, lambda p: sc(container(p)).pop("allowPrivilegeEscalation")), "PRV004"),
    ("escalation-true-init", "restricted", "1.37",
     _with(R, lambda p: sc(init(p)).update(allowPrivilegeEscalation=True)), "PRV004"),
    # capabilities_restricted / E5
    ("drop-individually", "restricted", "1.37",
     _with(R, lambda p: sc(container(p)).update(capabilities={"drop": ["NET_RAW", "SYS_ADMIN", "CHOWN"]})), "CAP004"),
    ("drop-lowercase-all", "restricted", "1.37",
     _with(R, lambda p: sc(init(p)).update(capabilities={"drop": ["all"]})), "CAP004"),
    ("drop-empty-capabilities", "restricted", "1.37",
     _with(R, lambda p: sc(container(p)).update(capabilities={})), "CAP004"),
    ("add-baseline-cap", "restricted", "1.37",
     _with(R, lambda p: sc(container(p)).update(capabilities={"drop": ["ALL"], "add": ["CHOWN"]})), "CAP005"),
    ("add-net-bind-service", "restricted", "1.37",
     _with(R, lambda p: sc(container(p)).update(capabilities={"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})), None),
    ("capabilities-before-1.22", "restricted", "1.21",
     _with(R, lambda p: sc(container(p)).update(capabilities={"add": ["CHOWN"]})), None),
    # runAsNonRoot / E2
    ("nonroot-pod-unset", "restricted", "1.37", _with(R, lambda p: pod_sc(p).pop("runAsNonRoot")), "USR001"),
    ("nonroot-every-container", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).pop("runAsNonRoot"), sc(container(p)).update(runAsNonRoot=True),
        sc(init(p)).update(runAsNonRoot=True))), None),
    ("nonroot-one-container-missing", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).pop("runAsNonRoot"), sc(container(p)).update(runAsNonRoot=True))), "USR001"),
    ("nonroot-pod-false-overridden", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).update(runAsNonRoot=False), sc(container(p)).update(runAsNonRoot=True),
        sc(init(p)).update(runAsNonRoot=True))), "USR001"),
    ("nonroot-uid-is-not-enough", "restricted", "1.37",
     _with(R, lambda p: (pod_sc(p).pop("runAsNonRoot"), pod_sc(p).update(runAsUser=1000))), "USR001"),
    ("nonroot-userns-1.35", "restricted", "1.35",
     _with(R, lambda p: (pod_sc(p).pop("runAsNonRoot"), p["spec"].update(hostUsers=False))), None),
    ("nonroot-userns-1.34", "restricted", "1.34",
     _with(R, lambda p: (pod_sc(p).pop("runAsNonRoot"), p["spec"].update(hostUsers=False))), "USR001"),
    # runAsUser
    ("uid0-pod", "restricted", "1.37", _with(R, lambda p: pod_sc(p).update(runAsUser=0)), "USR002"),
    ("uid0-init", "restricted", "1.37", _with(R, lambda p: sc(init(p)).update(runAsUser=0)), "USR002"),
    ("uid0-userns-1.35", "restricted", "1.35",
     _with(R, lambda p: (pod_sc(p).update(runAsUser=0), p["spec"].update(hostUsers=False))), None),
    ("uid1000", "restricted", "1.37", _with(R, lambda p: sc(container(p)).update(runAsUser=1000)), None),
    # seccompProfile_restricted / E3 / E6
    ("seccomp-init-missing", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).pop("seccompProfile"), sc(container(p)).update(seccompProfile={"type": "RuntimeDefault"}))),
     "MAC002"),
    ("seccomp-every-container", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).pop("seccompProfile"), sc(container(p)).update(seccompProfile={"type": "RuntimeDefault"}),
        sc(init(p)).update(seccompProfile={"type": "Localhost", "localhostProfile": "testing"}))), None),
    ("seccomp-annotation-only", "restricted", "1.37", _with(R, lambda p: (
        pod_sc(p).pop("seccompProfile"),
        p["metadata"].update(annotations={"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}))),
     "MAC002"),
    # restrictedVolumes
    ("volume-nfs", "restricted", "1.37", _with(R, lambda p: p["spec"].update(volumes=[
        {"name": "v", "nfs": {"server": "nfs", "path": "/"}}])), "MNT007"),
    ("volume-gitrepo", "restricted", "1.37", _with(R, lambda p: p["spec"].update(volumes=[
        {"name": "v", "gitRepo": {"repository": "https://example.com/r.git"}}])), "MNT007"),
    ("volume-core-types", "restricted", "1.37", _with(R, lambda p: p["spec"].update(volumes=[
        {"name": "defaulted"}, {"name": "e", "emptyDir": {}}, {"name": "s", "secret": {"secretName": "x"}},
        {"name": "i", "image": {"reference": "registry.example.com/data:1"}},
        {"name": "c", "csi": {"driver": "x"}}])), None),
    # Windows exemptions / E17
    ("windows-1.25", "restricted", "1.25", windows_base, None),
    ("windows-1.24-escalation", "restricted", "1.24", windows_base, "PRV004"),
    ("windows-1.24-capabilities", "restricted", "1.24", windows_base, "CAP004"),
    ("windows-1.24-seccomp", "restricted", "1.24", windows_base, "MAC002"),
    ("windows-still-needs-nonroot", "restricted", "1.37",
     _with(windows_base, lambda p: pod_sc(p).pop("runAsNonRoot")), "USR001"),
]
for _ver, _name in (("1.26", "net.ipv4.ip_local_reserved_ports"), ("1.28", "net.ipv4.tcp_keepalive_time"),
                    ("1.31", "net.ipv4.tcp_rmem"), ("1.36", "net.ipv4.tcp_notsent_lowat")):
    _major, _minor = _ver.split(".")
    _allowed_from = f"{_major}.{int(_minor) + 1}"
    for _version, _code in ((_ver, "NS013"), (_allowed_from, None)):
        CASES.append((f"sysctl-{_name}-{_version}", "baseline", _version, _with(
            B, lambda p, n=_name: pod_sc(p).update(sysctls=[{"name": n, "value": "1"}])), _code))
CASES.append(("sysctl-unknown", "baseline", "1.37",
              _with(B, lambda p: pod_sc(p).update(sysctls=[{"name": "othersysctl", "value": "other"}])), "NS013"))


@pytest.mark.parametrize(("level", "version", "build", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_profile_judges_as_admission(tmp_path: Path, level: str, version: str, build: Callable[[], Pod],
                                     code: str | None) -> None:
    found = judge(tmp_path, build(), level, version)
    if code is None:
        assert found == set(), f"admission allows this pod, but {sorted(found)} reported it"
    else:
        assert code in found, f"admission rejects this pod ({code}), found only {sorted(found)}"


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_baseline_violations_fail_restricted_too(tmp_path: Path, level: str) -> None:
    pod = restricted_base()
    sc(init(pod)).update(privileged=True)
    sc(init(pod)).pop("allowPrivilegeEscalation")  # false with privileged: the API server refuses the pod
    assert "PRV001" in judge(tmp_path, pod, level)


def test_profile_runs_exactly_its_rules(tmp_path: Path) -> None:
    """A plain-run-only finding (the Compose or risk rules) never leaks into a profile run."""
    pod = restricted_base()
    container(pod)["image"] = "nginx:latest"
    container(pod).update(volumeMounts=[{"name": "v", "mountPath": "/v"}])
    pod["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]
    assert judge(tmp_path, pod, "restricted") == set()


def plain_run(tmp_path: Path, name: str, text: str) -> dict[tuple[str, int], str]:
    """``(rule, line) -> severity`` of a plain run (no profile, every rule selected)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run([str(path)], Settings(select=["ALL"]))
    return {(d.rule, d.location.line): d.severity.label for d in result.diagnostics}


def test_compose_findings_are_graded(tmp_path: Path) -> None:
    found = plain_run(tmp_path, "compose.yaml", """\
services:
  app:
    image: nginx
    sysctls:
      net.core.somaxconn: 1024
    volumes:
      - ./conf:/conf:ro
      - ./data:/data
      - /etc/localtime:/etc/localtime:ro
      - /srv/media:/media:ro
      - /srv/db:/db
""")
    assert found[("NS013", 5)] == "info"
    assert [found.get(("MNT001", line)) for line in range(7, 11)] == ["info", None, "info", "low"]
    # a writable bind is reported once, by the more specific rule, graded as host-path-mount grades it
    assert found[("MNT004", 8)] == "low"
    assert ("MNT001", 11) not in found and found[("MNT004", 11)] == "medium"
    assert found[("CAP004", 2)] == "low"
    assert found[("PRV004", 2)] == "medium"


def test_unmasked_proc_in_own_user_namespace_is_medium_in_a_plain_run(tmp_path: Path) -> None:
    pod = baseline_base()
    pod["spec"]["hostUsers"] = False
    sc(container(pod)).update(procMount="Unmasked")
    text = yaml.safe_dump(pod, sort_keys=False)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "procMount" in row)
    assert plain_run(tmp_path, "pod.yaml", text)[("MAC005", line)] == "medium"
