"""The isolation rules' shared judgements, and what a finding says. Which lines are flagged, and how hard,
is pinned in the fixtures (``# expect: CODE severity``)."""

from __future__ import annotations

from isolint.cli import settings_from_argv
from isolint.helpers import exposed_runtime_socket, is_device_path, project_relative, sensitive_host_paths
from isolint.runner import run

from .fixture_harness import FIXTURES


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
    settings = settings_from_argv(["check", "--select", "NS010", str(path)])
    [finding] = [d for d in run([str(path)], settings).diagnostics if "UNSET_BIND" in d.message]
    assert not finding.certain and "random" not in finding.message
    assert finding.message == ("port '$UNSET_BIND:8083/tcp' (unset variables) publishes container port 8083 "
                               "on all interfaces")


def test_mac_profile_unset_checks_every_workload_with_all_workloads(tmp_path):
    from isolint.settings import Settings

    pod = tmp_path / "pod.yaml"
    pod.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n"
                   "    - {name: web, image: 'nginx:1.27'}\n", encoding="utf-8")
    default = run([str(pod)], Settings(select=["MAC009"]))
    assert default.diagnostics == []  # a trusted workload: not checked by default
    everyone = run([str(pod)], Settings(select=["MAC009"], rule_options={"MAC009": {"all_workloads": True}}))
    assert [(d.rule, d.severity.label, d.location.line) for d in everyone.diagnostics] == [("MAC009", "low", 6)]
