"""Tests for the Compose parser: a service's isolation settings: user, security_opt, namespaces
(``isolint.parsers.compose.security``).
"""

from __future__ import annotations

import pytest

from isolint.model import Location, Value

from .compose_helpers import PATH, at, container, messages, parse, service


# -- security --------------------------------------------------------------------------------
def test_user_forms() -> None:
    model = parse("""
        services:
          a: {user: "1000:1000"}
          b: {user: root}
          c: {user: "app:staff"}
          d: {user: 0}
          e: {user: 33:33}
        """)
    def ids(name: str) -> tuple[object, object]:
        sec = container(model, name).security
        return (sec.run_as_user.value if sec.run_as_user else None,
                sec.run_as_group.value if sec.run_as_group else None)
    assert ids("a") == (1000, 1000)
    assert ids("b") == ("root", None)
    assert ids("c") == ("app", "staff")
    assert ids("d") == (0, None)
    assert ids("e") == (33, 33)  # YAML 1.1 would read 33:33 as 2013; Compose keeps the text
    assert at(container(model, "a").security.run_as_user) == (2, 7)
    # `user: 0` unquoted: Compose refuses the file ("must be a string"); the value is still judged
    assert messages(model) == [(5, 7, "invalid Compose file: services.d.user: expected a string, got 0: "
                                      "Compose refuses the file (quote the value)")]


@pytest.mark.parametrize("spelling", ["0", "1000", "true", "0.5", "0755"])
def test_user_that_is_not_a_string_is_what_compose_refuses(spelling: str) -> None:
    hook = f"[{{command: x, user: {spelling}}}]"
    model = parse(f"services:\n  a:\n    image: x\n    user: {spelling}\n    post_start: {hook}\n")
    assert [(e.line, e.message.split(":")[1].strip()) for e in model.errors] == [(4, "services.a.user"),
                                                                                (5, "services.a.post_start[0].user")]
    assert all("Compose refuses the file" in e.message for e in model.errors)


@pytest.mark.parametrize("spelling", ['"0"', "'1000'", "1000:1000", "root"])
def test_user_that_is_a_string_for_compose_is_no_error(spelling: str) -> None:
    assert parse(f"services:\n  a:\n    image: x\n    user: {spelling}\n").errors == []


def test_group_add_caps_and_sysctls() -> None:
    model = parse("""
        services:
          a:
            group_add: [docker, 999]
            cap_add: [sys_admin, CAP_NET_RAW]
            cap_drop:
              - ALL
            sysctls:
              net.core.somaxconn: 1024
          b:
            sysctls: ["kernel.shm_rmid_forced=1"]
        """)
    sec = container(model, "a").security
    assert [v.value for v in sec.supplemental_groups] == ["docker", 999]
    assert [(v.value, at(v)) for v in sec.capabilities_add] == [("sys_admin", (4, 15)), ("CAP_NET_RAW", (4, 26))]
    assert [(v.value, at(v)) for v in sec.capabilities_drop] == [("ALL", (6, 9))]
    assert [(kv.key.value, kv.value.value, at(kv.key)) for kv in sec.sysctls] == [
        ("net.core.somaxconn", "1024", (8, 7))]
    sysctl = container(model, "b").security.sysctls[0]
    assert (sysctl.key.value, sysctl.value.value, at(sysctl.value)) == ("kernel.shm_rmid_forced", "1", (10, 15))


def sec_opts(*options: str):  # type: ignore[no-untyped-def]
    items = "".join(f"\n      - {o!r}" for o in options)
    model = parse(f"services:\n  a:\n    security_opt:{items}\n")
    return model, service(model, "a"), container(model, "a").security


@pytest.mark.parametrize(("option", "escalation"), [
    ("no-new-privileges", False), ("no-new-privileges:true", False), ("no-new-privileges=true", False),
    ("no-new-privileges:1", False), ("no-new-privileges=false", True), ("no-new-privileges=F", True),
])
def test_no_new_privileges(option: str, escalation: bool) -> None:
    model, workload, sec = sec_opts(option)
    assert model.errors == []
    assert sec.allow_privilege_escalation == Value(escalation, Location(PATH, 4, 9), True, option)
    assert [v.value for v in workload.security_opt] == [option]


def test_no_new_privileges_bad_bool_is_an_error() -> None:
    model, _, sec = sec_opts("no-new-privileges=yes")
    assert sec.allow_privilege_escalation is None
    assert messages(model) == [(4, 9, "invalid Compose file: services.a.security_opt[0]: no-new-privileges expects a "
                                      "boolean (true/false/1/0), got 'yes'")]


@pytest.mark.parametrize(("option", "kind", "localhost"), [
    ("seccomp=unconfined", "Unconfined", None),
    ("seccomp:unconfined", "Unconfined", None),
    ("seccomp=builtin", "RuntimeDefault", None),
    ("seccomp=./profiles/strict.json", "Localhost", "./profiles/strict.json"),
])
def test_seccomp_options(option: str, kind: str, localhost: str | None) -> None:
    model, _, sec = sec_opts(option)
    assert model.errors == []
    assert sec.seccomp is not None
    assert sec.seccomp.type == Value(kind, Location(PATH, 4, 9), True, option)
    assert at(sec.seccomp) == (4, 9)
    assert (sec.seccomp.localhost.value if sec.seccomp.localhost else None) == localhost


@pytest.mark.parametrize(("option", "kind", "localhost"), [
    ("apparmor=unconfined", "Unconfined", None),
    ("apparmor:unconfined", "Unconfined", None),
    ("apparmor=docker-default", "RuntimeDefault", None),
    ("apparmor=my-profile", "Localhost", "my-profile"),
])
def test_apparmor_options(option: str, kind: str, localhost: str | None) -> None:
    _, _, sec = sec_opts(option)
    assert sec.apparmor is not None and sec.apparmor.type.value == kind
    assert (sec.apparmor.localhost.value if sec.apparmor.localhost else None) == localhost


@pytest.mark.parametrize("option", ["label=disable", "label:disable", "disable"])
def test_label_disable(option: str) -> None:
    _, _, sec = sec_opts(option)
    assert sec.selinux is not None and sec.selinux.disabled == Value(True, Location(PATH, 4, 9), True, option)


def test_label_fields_combine() -> None:
    model, _, sec = sec_opts("label=type:spc_t", "label:user:system_u", "label=role:r", "label=level:s0:c1")
    assert model.errors == []
    se = sec.selinux
    assert se is not None and at(se) == (4, 9)
    assert (se.type.value, se.user.value, se.role.value, se.level.value) == (  # type: ignore[union-attr]
        "spc_t", "system_u", "r", "s0:c1")
    assert at(se.user) == (5, 9)  # type: ignore[arg-type]


def test_systempaths_and_writable_cgroups() -> None:
    model, _, sec = sec_opts("systempaths=unconfined", "writable-cgroups")
    assert model.errors == []
    assert sec.masked_paths_disabled == Value(True, Location(PATH, 4, 9), True, "systempaths=unconfined")
    assert sec.writable_cgroups == Value(True, Location(PATH, 5, 9), True, "writable-cgroups")
    _, _, sec = sec_opts("writable-cgroups=false")
    assert sec.writable_cgroups is not None and sec.writable_cgroups.value is False


def test_bad_security_options_are_errors_and_kept_raw() -> None:
    model, workload, sec = sec_opts("systempaths:unconfined", "Seccomp=unconfined", "bogus", "label=nope")
    assert sec.masked_paths_disabled is None and sec.seccomp is None and sec.selinux is None
    assert [v.value for v in workload.security_opt] == [
        "systempaths:unconfined", "Seccomp=unconfined", "bogus", "label=nope"]
    assert messages(model) == [
        (4, 9, "invalid Compose file: services.a.security_opt[0]: only the exact spelling "
               "'systempaths=unconfined' is recognised"),
        (5, 9, "invalid Compose file: services.a.security_opt[1]: unknown security_opt key 'Seccomp' "
               "(keys are case-sensitive); the daemon rejects it"),
        (6, 9, "invalid Compose file: services.a.security_opt[2]: unknown security_opt 'bogus'"),
        (7, 9, "invalid Compose file: services.a.security_opt[3]: unknown label option 'nope' "
               "(expected disable, user:, role:, type: or level:)"),
    ]


# -- namespaces --------------------------------------------------------------------------------
def test_host_namespace_modes() -> None:
    model = parse("""
        services:
          a:
            network_mode: host
            pid: host
            ipc: host
            uts: host
            cgroup: host
            userns_mode: host
          b:
            network_mode: bridge
            ipc: shareable
        """)
    a = service(model, "a")
    for field, line in (("host_network", 3), ("host_pid", 4), ("host_ipc", 5), ("host_uts", 6),
                        ("host_cgroup", 7), ("host_users", 8)):
        value = getattr(a, field)
        assert value == Value(True, Location(PATH, line, 5), True, "host"), field
    assert a.userns_mode is not None and a.userns_mode.value == "host"
    b = service(model, "b")
    assert b.host_network is not None and b.host_network.value is False
    assert b.host_ipc is not None and b.host_ipc.value is False
    assert b.host_pid is None and b.namespace_joins == ()


def test_service_joins_resolve_transitively() -> None:
    model = parse("""
        services:
          a:
            network_mode: service:b
            pid: container:other
          b:
            network_mode: "service:c"
            ipc: service:a
          c:
            network_mode: host
          loop1:
            pid: service:loop2
          loop2:
            pid: service:loop1
        """)
    a = service(model, "a")
    assert a.host_network == Value(True, Location(PATH, 3, 5), True, "service:b")
    assert a.host_pid is None
    assert [(j.namespace, j.target.value, at(j.target)) for j in a.namespace_joins] == [
        ("network", "service:b", (3, 5)), ("pid", "container:other", (4, 5))]
    b = service(model, "b")
    assert b.host_network is not None and b.host_network.value is True and at(b.host_network) == (6, 5)
    assert b.host_ipc is None  # a has no ipc setting
    assert service(model, "loop1").host_pid is None


def test_platform_runtime_isolation_and_compose_only_settings() -> None:
    model = parse("""
        services:
          a:
            platform: windows/amd64
            runtime: runsc
            isolation: hyperv
            cgroup_parent: /system.slice
            volumes_from: [db:ro]
            use_api_socket: true
            device_cgroup_rules: ["c 1:3 mr"]
            profiles: [debug]
            labels:
              - "com.example.tier=web"
              - csl.dev/trust=untrusted
        """)
    a = service(model, "a")
    assert a.os == Value("windows", Location(PATH, 3, 5), True, "windows/amd64")
    assert a.runtime is not None and a.runtime.value == "runsc"
    assert a.isolation is not None and a.isolation.value == "hyperv"
    assert a.cgroup_parent is not None and a.cgroup_parent.value == "/system.slice"
    assert [v.value for v in a.volumes_from] == ["db:ro"]
    assert a.use_api_socket is not None and a.use_api_socket.value is True
    assert [v.value for v in a.device_cgroup_rules] == ["c 1:3 mr"]
    assert [v.value for v in a.profiles] == ["debug"]
    assert a.label("csl.dev/trust") == Value("untrusted", Location(PATH, 13, 9))
    assert a.label("com.example.tier") is not None
