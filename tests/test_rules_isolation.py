"""Severities of the isolation rules: the fixtures pin which lines are flagged, these pin how hard."""

from __future__ import annotations

import pytest

from isolint.cli import _settings as settings_from_args
from isolint.cli import build_parser
from isolint.helpers import exposed_runtime_socket, is_device_path, project_relative, sensitive_host_paths
from isolint.runner import run

from .fixture_harness import FIXTURES


def severities(relative: str, code: str) -> dict[int, str]:
    path = FIXTURES / "rules" / relative
    parsed = build_parser().parse_args(["check", "--select", code, str(path)])
    result = run([str(path)], settings_from_args(parsed))
    return {d.location.line: d.severity.label for d in result.diagnostics if d.rule == code}


@pytest.mark.parametrize(("fixture", "code", "line", "severity"), [
    ("CAP001/compose.yaml", "CAP001", 6, "critical"),  # cap_sys_admin
    ("CAP001/pods.yaml", "CAP001", 25, "high"),  # NET_ADMIN
    ("CAP001/compose.yaml", "CAP001", 16, "critical"),  # SYS_PTRACE with pid: host
    ("CAP001/pods.yaml", "CAP001", 45, "high"),  # SYS_PTRACE alone
    ("CAP003/pods.yaml", "CAP003", 31, "medium"),  # NET_RAW re-added
    ("CAP003/pods.yaml", "CAP003", 8, "low"),  # kept from the default set
    ("CAP006/pods.yaml", "CAP006", 15, "low"),  # drop CAP_NET_RAW may not drop
    ("CAP006/pods.yaml", "CAP006", 13, "info"),  # drop all
    ("MNT003/compose.yaml", "MNT003", 6, "critical"),  # / (host root)
    ("MNT003/compose.yaml", "MNT003", 8, "high"),  # /etc read-only
    ("MNT003/compose.yaml", "MNT003", 21, "critical"),  # disguised bind of /etc, writable
    ("MNT003/pods.yaml", "MNT003", 67, "high"),  # an application's socket directory under /run
    ("MNT004/compose.yaml", "MNT004", 10, "low"),  # project-relative bind: as host-path-mount grades it
    ("MNT001/compose.yaml", "MNT001", 31, "info"),  # .env read-only is inside the project
    ("MNT004/compose.yaml", "MNT004", 6, "medium"),
    ("MNT005/compose.yaml", "MNT005", 6, "high"),  # rshared
    ("MNT005/compose.yaml", "MNT005", 14, "info"),  # rslave
    ("MNT006/compose.yaml", "MNT006", 6, "critical"),  # /dev/sda
    ("MNT006/compose.yaml", "MNT006", 8, "medium"),  # /dev/dri
    ("MNT006/compose.yaml", "MNT006", 10, "info"),  # CDI name
    ("MNT006/compose.yaml", "MNT006", 19, "critical"),  # b *:* rwm
    ("MNT006/compose.yaml", "MNT006", 21, "high"),  # c 189:* rmw
    ("MNT006/pods.yaml", "MNT006", 21, "medium"),  # hostPath block device: device cgroup still applies
    ("MNT008/compose.yaml", "MNT008", 12, "low"),  # :ro
    ("MNT009/pods.yaml", "MNT009", 2, "info"),  # default service account
    ("MNT009/pods.yaml", "MNT009", 20, "low"),  # named service account
    ("MAC007/pods.yaml", "MAC007", 10, "low"),  # seccomp annotation nothing backs
    ("MAC007/pods.yaml", "MAC007", 26, "info"),  # backed by the field
    ("NS008/compose.yaml", "NS008", 7, "low"),  # pid: service:db
    ("NS008/compose.yaml", "NS008", 15, "info"),  # network sidecar
    ("FS003/pods.yaml", "FS003", 31, "low"),  # memory-backed, writer without memory limit
    ("FS003/pods.yaml", "FS003", 24, "info"),  # disk-backed
    ("PRV002/compose.yaml", "PRV002", 7, "critical"),
    ("PRV002/compose.yaml", "PRV002", 10, "medium"),
    ("USR004/compose.yaml", "USR004", 8, "medium"),  # group_add: docker
    ("USR004/compose.yaml", "USR004", 16, "low"),  # user 1000:0
])
def test_severity(fixture, code, line, severity):
    assert severities(fixture, code).get(line) == severity


def test_seccomp_annotation_is_only_info_before_the_kubelet_ignored_it():
    path = FIXTURES / "rules" / "MAC007" / "pods.yaml"
    parsed = build_parser().parse_args(["check", "--select", "MAC007", "--kubernetes-version", "1.26", str(path)])
    result = run([str(path)], settings_from_args(parsed))
    assert {d.location.line: d.severity.label for d in result.diagnostics}[10] == "info"


def test_runtime_socket_matching_both_directions():
    assert exposed_runtime_socket("/var/run/") == "/run/docker.sock"  # ancestor
    assert exposed_runtime_socket("//run/containerd/./containerd.sock") == "/run/containerd/containerd.sock"
    assert exposed_runtime_socket("/home/bob/.docker/run/docker.sock") is not None  # by name
    assert exposed_runtime_socket("/var/run/app-sockets") is None  # sibling
    assert exposed_runtime_socket("/") is None  # the host root is sensitive-host-path's


def test_sensitive_paths_match_ancestors_but_not_data_below_them():
    assert sensitive_host_paths("/var", writable=True) == (sensitive_host_paths("/var", True)[0], True)
    assert "/var/lib/kubelet" in sensitive_host_paths("/var", writable=False)[0]
    assert sensitive_host_paths("/var/lib/mysql", writable=True) == ((), False)
    assert sensitive_host_paths("/usr/share/appdata/wireguard", writable=True) == ((), False)
    assert sensitive_host_paths("/etc/localtime", writable=True) == ((), False)
    assert sensitive_host_paths("/etc/hosts", writable=False) == ((), False)
    assert sensitive_host_paths("/etc/hosts", writable=True) == (("/etc",), False)
    assert sensitive_host_paths("/run/dbus/system_bus_socket", writable=False)[1] is True


def test_project_relative_bind_sources():
    assert project_relative("./data") and project_relative(".env") and project_relative(".")
    assert project_relative("data/uploads")  # long syntax: relative to the project directory
    assert not project_relative("../shared") and not project_relative("./a/../../b")
    assert not project_relative("/srv/data") and not project_relative("~/x") and not project_relative("C:\\data")


def test_syslog_socket_is_not_a_device():
    assert not is_device_path("/dev/log") and is_device_path("/dev/sda") and is_device_path("/dev")


def test_port_from_an_unset_variable_is_low_confidence_not_a_random_port():
    path = FIXTURES / "rules" / "NS010" / "compose.yaml"
    parsed = build_parser().parse_args(["check", "--select", "NS010", str(path)])
    [finding] = [d for d in run([str(path)], settings_from_args(parsed)).diagnostics if "UNSET_BIND" in d.message]
    assert not finding.certain and "random" not in finding.message
    assert finding.message == ("port '$UNSET_BIND:8083/tcp' (unset variables) publishes container port 8083 "
                               "on all interfaces")
