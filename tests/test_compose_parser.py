"""Tests for the Compose parser (``isolint.parsers.compose``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

import pytest

from isolint.model import Container, FileModel, Format, Image, Location, Value, Workload
from isolint.parsers import compose
from isolint.parsers.compose import interpolate, looks_like_compose, parse_compose, read_dotenv
from isolint.yamlsource import load_all

PATH = "/nonexistent/project/compose.yaml"  # no .env or Dockerfile next to it


def parse(text: str, env: Mapping[str, str] | None = None, path: str = PATH) -> FileModel:
    return parse_compose(path, dedent(text).lstrip("\n"), {} if env is None else env)


def write(directory: Path, name: str, text: str) -> Path:
    target = directory / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dedent(text).lstrip("\n"))
    return target


def parse_file(path: Path, env: Mapping[str, str] | None = None) -> FileModel:
    return parse_compose(str(path), path.read_text(), {} if env is None else env)


def service(model: FileModel, name: str) -> Workload:
    matches = [w for w in model.workloads if w.resource.name == name]
    assert len(matches) == 1, [w.resource.name for w in model.workloads]
    return matches[0]


def container(model: FileModel, name: str) -> Container:
    return service(model, name).containers[0]


def at(value: object) -> tuple[int, int | None]:
    loc: Location = value.loc  # type: ignore[attr-defined]
    return loc.line, loc.column


def messages(model: FileModel) -> list[tuple[int | None, int | None, str]]:
    return [(e.line, e.column, e.message) for e in model.errors]


# -- basics ----------------------------------------------------------------------------------
def test_service_becomes_workload_with_one_container() -> None:
    model = parse("""
        services:
          web:
            image: nginx:1.25
        """)
    assert model.format is Format.COMPOSE
    assert model.errors == []
    web = service(model, "web")
    assert web.format is Format.COMPOSE
    assert (web.resource.kind, web.resource.name) == ("ComposeService", "web")
    assert at(web) == (2, 3)
    assert web.path == PATH
    (c,) = web.containers
    assert c.name == Value("web", Location(PATH, 2, 3))
    assert c.image is not None and c.image.value == "nginx:1.25" and at(c.image) == (3, 5)
    assert c.security.loc == Location(PATH, 2, 3)


def test_lines_kept_and_source_lines_span_each_service() -> None:
    text = """
        services:
          a:
            image: x
            privileged: true

          # about b
          b:
            image: y
        volumes:
          data: {}
        """
    model = parse(text)
    assert model.lines == tuple(dedent(text).lstrip("\n").splitlines())
    assert service(model, "a").source_lines == (2, 4)
    assert service(model, "b").source_lines == (7, 8)


def test_x_top_level_keys_are_not_services_and_anchor_location_is_kept() -> None:
    model = parse("""
        x-priv: &p {privileged: true}
        x-caps: &caps [SYS_ADMIN]
        services:
          app:
            <<: *p
            image: x
            cap_add: *caps
        """)
    assert [w.resource.name for w in model.workloads] == ["app"]
    sec = container(model, "app").security
    assert sec.privileged is not None and sec.privileged.value is True
    assert at(sec.privileged) == (1, 13)  # the line of privileged: true inside the anchor
    assert [(v.value, at(v)) for v in sec.capabilities_add] == [("SYS_ADMIN", (2, 16))]


def test_explicit_key_wins_over_merged_key() -> None:
    model = parse("""
        x-base: &base
          privileged: true
        services:
          a:
            <<: *base
            privileged: false
        """)
    privileged = container(model, "a").security.privileged
    assert privileged is not None and privileged.value is False and at(privileged) == (6, 5)


# -- structural errors -----------------------------------------------------------------------
def test_services_not_a_mapping_is_an_error() -> None:
    model = parse("services: [a, b]\n")
    assert model.workloads == []
    assert messages(model) == [(1, 1, "invalid Compose file: services: expected a mapping of services, got a list")]


def test_services_null_is_an_error() -> None:
    model = parse("services:\n")
    assert messages(model) == [(1, 1, "invalid Compose file: services: expected a mapping of services, got null")]


def test_bad_service_does_not_drop_the_others() -> None:
    model = parse("""
        services:
          broken: nginx
          empty:
          ok:
            image: x
            privileged: true
        """)
    assert [w.resource.name for w in model.workloads] == ["ok"]
    assert messages(model) == [
        (2, 3, "invalid Compose file: services.broken: expected a mapping, got 'nginx'"),
        (3, 3, "invalid Compose file: services.empty: expected a mapping, got null"),
    ]


def test_top_level_not_a_mapping() -> None:
    model = parse("- a\n- b\n")
    assert messages(model) == [(1, 1, "invalid Compose file: expected a mapping at the top level, got a list")]


def test_yaml_syntax_error_is_reported_with_position() -> None:
    model = parse("services:\n  web:\n    image: [unclosed\n")
    assert model.workloads == []
    assert len(model.errors) == 1
    assert model.errors[0].message.startswith("invalid Compose file: invalid YAML")
    assert model.errors[0].line is not None


def test_duplicate_keys_reported_last_value_used() -> None:
    model = parse("""
        services:
          web:
            privileged: false
            privileged: true
            deploy:
              resources:
                limits: {memory: 1g, memory: 2g}
        """)
    assert messages(model) == [
        (4, 5, "invalid Compose file: services.web.privileged: duplicate key 'privileged' "
               "(Compose rejects duplicate keys)"),
        (7, 30, "invalid Compose file: services.web.deploy.resources.limits.memory: duplicate key 'memory' "
                "(Compose rejects duplicate keys)"),
    ]
    c = container(model, "web")
    assert c.security.privileged is not None and c.security.privileged.value is True
    assert [(kv.key.value, kv.value.value) for kv in c.limits] == [("memory", "2g")]


def test_wrong_types_are_reported_and_the_rest_is_read() -> None:
    model = parse("""
        services:
          web:
            privileged: maybe
            read_only: true
            security_opt: no-new-privileges
        """)
    assert messages(model) == [
        (3, 5, "invalid Compose file: services.web.privileged: expected true or false, got 'maybe'"),
        (5, 5, "invalid Compose file: services.web.security_opt: expected a list, got 'no-new-privileges'"),
    ]
    sec = container(model, "web").security
    assert sec.privileged is None
    assert sec.read_only_root_filesystem is not None and sec.read_only_root_filesystem.value is True
    # what the lone string says is still judged
    assert sec.allow_privilege_escalation is not None and sec.allow_privilege_escalation.value is False


def test_cap_add_as_a_string_is_reported_but_still_judged() -> None:
    model = parse("""
        services:
          web:
            cap_add: SYS_ADMIN
        """)
    assert messages(model) == [(3, 5, "invalid Compose file: services.web.cap_add: expected a list, got 'SYS_ADMIN'")]
    assert [v.value for v in container(model, "web").security.capabilities_add] == ["SYS_ADMIN"]


def test_parse_never_raises_on_garbage() -> None:
    for text in ("", "\x00", ":", "services: {a: {ports: [{}], volumes: [{}], devices: [{}]}}", "[[[",
                 "services: {a: {build: {args: 5}, extends: 7, healthcheck: [], deploy: x}}"):
        model = parse_compose(PATH, text, {})
        assert isinstance(model, FileModel)


# -- booleans and interpolation ----------------------------------------------------------------
@pytest.mark.parametrize(("spelling", "expected"), [
    ("true", True), ("'On'", True), ("'YES'", True), ("y", True), ("'off'", False), ("'N'", False), ("no", False),
])
def test_compose_boolean_spellings(spelling: str, expected: bool) -> None:
    model = parse(f"services:\n  a:\n    read_only: {spelling}\n")
    assert model.errors == []
    value = container(model, "a").security.read_only_root_filesystem
    assert value is not None and value.value is expected and at(value) == (3, 5)


def test_interpolated_boolean_with_default_taken_is_uncertain() -> None:
    model = parse("""
        services:
          a:
            privileged: ${PRIV:-true}
        """)
    assert model.errors == []
    assert container(model, "a").security.privileged == Value(True, Location(PATH, 3, 5), False, "${PRIV:-true}")


def test_interpolated_boolean_from_environment_is_certain() -> None:
    model = parse("services:\n  a:\n    privileged: ${PRIV:-false}\n", env={"PRIV": "yes"})
    assert container(model, "a").security.privileged == Value(True, Location(PATH, 3, 5), True, "${PRIV:-false}")


def test_unset_variable_without_default_is_unknown_not_an_error() -> None:
    model = parse("services:\n  a:\n    read_only: ${RO}\n    image: ${IMG}\n")
    assert model.errors == []
    c = container(model, "a")
    assert c.security.read_only_root_filesystem is None
    assert c.image == Value("", Location(PATH, 4, 5), False, "${IMG}")


def test_user_from_unset_variable_default() -> None:
    model = parse('services:\n  a:\n    user: "${UID:-0}"\n')
    user = container(model, "a").security.run_as_user
    assert user == Value(0, Location(PATH, 3, 5), False, "${UID:-0}")


def test_dollar_dollar_is_a_literal_dollar() -> None:
    model = parse("services:\n  a:\n    command: echo $$HOME\n", env={"HOME": "/root"})
    assert [v.value for v in container(model, "a").args] == ["echo", "$HOME"]


def test_keys_are_not_interpolated() -> None:
    model = parse("services:\n  ${NAME:-web}:\n    image: x\n", env={"NAME": "other"})
    assert [w.resource.name for w in model.workloads] == ["${NAME:-web}"]


@pytest.mark.parametrize(("template", "env", "expected"), [
    ("${A}", {"A": "1"}, ("1", True)),
    ("$A/x", {"A": "1"}, ("1/x", True)),
    ("${A:-d}", {}, ("d", False)),
    ("${A:-d}", {"A": ""}, ("d", True)),
    ("${A-d}", {"A": ""}, ("", True)),
    ("${A-d}", {}, ("d", False)),
    ("${A:?must be set}", {"A": "v"}, ("v", True)),
    ("${A:?must be set}", {}, ("", False)),
    ("${A?err}", {"A": ""}, ("", True)),
    ("${A:+alt}", {"A": "v"}, ("alt", True)),
    ("${A:+alt}", {}, ("", False)),
    ("${A:-${B:-x}}", {}, ("x", False)),
    ("${A:-${B:-x}}", {"B": "b"}, ("b", False)),
    ("${A:-${B}}", {"A": "a"}, ("a", True)),
    ("$$A ${A}", {"A": "1"}, ("$A 1", True)),
    ("cost $ 5", {}, ("cost $ 5", True)),
    ("${A:-{x}}", {}, ("{x}", False)),  # the first "}" ends the default
])
def test_interpolation_forms(template: str, env: dict[str, str], expected: tuple[str, bool]) -> None:
    assert interpolate(template, env.get) == expected


@pytest.mark.parametrize("template", ["${", "${A", "${1A}", "${A:x}", "${A:-unclosed"])
def test_invalid_interpolation_raises(template: str) -> None:
    with pytest.raises(compose.InterpolationError):
        interpolate(template, {}.get)


def test_invalid_interpolation_is_a_parse_error() -> None:
    model = parse("services:\n  a:\n    image: ${A:x}\n")
    assert len(model.errors) == 1
    error = model.errors[0]
    assert (error.line, error.column) == (3, 5)
    assert error.message.startswith("invalid Compose file: services.a.image: invalid interpolation format")


def test_dotenv_next_to_the_file_is_read_and_shell_wins(tmp_path: Path) -> None:
    write(tmp_path, ".env", """
        # comment
        PRIV=true
        export TAG="1.2 # not a comment"
        RO='${NOT_EXPANDED}'
        USER_ID=1000 # trailing comment
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          a:
            image: app:${TAG}
            privileged: ${PRIV:-false}
            user: ${USER_ID}
            labels: {raw: "${RO}"}
        """)
    model = parse_file(path, env={"USER_ID": "0"})
    c = container(model, "a")
    assert c.image is not None and (c.image.value, c.image.certain) == ("app:1.2 # not a comment", True)
    assert c.security.privileged is not None and c.security.privileged.value is True
    assert c.security.run_as_user is not None and c.security.run_as_user.value == 0
    assert service(model, "a").labels[0].value.value == "${NOT_EXPANDED}"


def test_read_dotenv_forms() -> None:
    text = 'A=1\nB="x\\ny"\nC=${A}2\nD="multi\nline"\nE\n  F = spaced  \n'
    assert read_dotenv(text, {}) == {"A": "1", "B": "x\ny", "C": "12", "D": "multi\nline", "F": "spaced"}
    assert read_dotenv("C=${A}\n", {"A": "shell"}) == {"C": "shell"}


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


# -- healthcheck, resources, env, command, extensions ------------------------------------------
def test_healthcheck_forms() -> None:
    model = parse("""
        services:
          a:
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost"]
          b:
            healthcheck:
              disable: true
          c:
            healthcheck:
              test: ["NONE"]
          d:
            healthcheck:
              test: curl -f http://localhost || exit 1
        """)
    a = service(model, "a")
    assert a.healthcheck == Value("CMD curl -f http://localhost", Location(PATH, 4, 7))
    assert a.healthcheck_disabled is None
    assert service(model, "b").healthcheck_disabled == Value(True, Location(PATH, 7, 7))
    assert service(model, "c").healthcheck_disabled == Value(True, Location(PATH, 10, 7), text="NONE")
    d = service(model, "d")
    assert d.healthcheck is not None and d.healthcheck.value == "curl -f http://localhost || exit 1"


def test_limits_and_reservations() -> None:
    model = parse("""
        services:
          legacy:
            mem_limit: 512m
            cpus: 0.5
            pids_limit: 100
            mem_reservation: 128m
          deploy:
            mem_limit: 1g
            deploy:
              resources:
                limits: {cpus: "2", memory: 256M, pids: 50}
                reservations:
                  memory: 64M
        """)
    legacy = container(model, "legacy")
    assert [(kv.key.value, kv.key.text, kv.value.value, at(kv.value)) for kv in legacy.limits] == [
        ("cpu", "cpus", "0.5", (4, 5)), ("memory", "mem_limit", "512m", (3, 5)), ("pids", "pids_limit", "100", (5, 5))]
    assert [(kv.key.value, kv.value.value) for kv in legacy.requests] == [("memory", "128m")]
    deploy = container(model, "deploy")
    assert sorted((kv.key.value, kv.value.value) for kv in deploy.limits) == [
        ("cpu", "2"), ("memory", "256M"), ("pids", "50")]
    assert [(kv.key.value, kv.value.value, at(kv.key)) for kv in deploy.requests] == [("memory", "64M", (13, 11))]


def test_environment_forms() -> None:
    model = parse("""
        services:
          a:
            environment:
              - DEBUG=1
              - HOME
              - UNSET
              - EMPTY=
          b:
            environment:
              MODE: ${MODE:-prod}
              NUMBER: 5
              NOTHING:
        """, env={"HOME": "/home/me"})
    assert [(kv.key.value, kv.value.value, kv.value.certain, at(kv.key)) for kv in container(model, "a").env] == [
        ("DEBUG", "1", True, (4, 9)), ("HOME", "/home/me", True, (5, 9)), ("UNSET", "", False, (6, 9)),
        ("EMPTY", "", True, (7, 9))]
    assert [(kv.key.value, kv.value.value, kv.value.certain) for kv in container(model, "b").env] == [
        ("MODE", "prod", False), ("NUMBER", "5", True), ("NOTHING", "", False)]


def test_command_and_entrypoint() -> None:
    model = parse("""
        services:
          a:
            entrypoint: ["/bin/sh", "-c"]
            command: sh -c 'echo "hi there"'
        """)
    c = container(model, "a")
    assert [(v.value, at(v)) for v in c.command] == [("/bin/sh", (3, 18)), ("-c", (3, 29))]
    assert [v.value for v in c.args] == ["sh", "-c", 'echo "hi there"']
    assert all(at(v) == (4, 5) for v in c.args)


def test_extensions_flattened() -> None:
    model = parse("""
        x-isolint:
          trust: untrusted
        services:
          a:
            x-isolint:
              ignore: [CSL-PRV-001, CSL-NS-001]
              reason: lab box
            x-owner: team-a
        """)
    ext = [(kv.key.value, kv.value.value, at(kv.key)) for kv in service(model, "a").extensions]
    assert ext == [
        ("x-isolint.trust", "untrusted", (2, 3)),
        ("x-isolint.ignore", "CSL-PRV-001, CSL-NS-001", (6, 7)),
        ("x-isolint.reason", "lab box", (7, 7)),
        ("x-owner", "team-a", (8, 5)),
    ]


# -- ports -------------------------------------------------------------------------------------
def port_tuple(port):  # type: ignore[no-untyped-def]
    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    return (v(port.host_ip), v(port.host_port), v(port.host_port_end), v(port.container_port), v(port.protocol))


def test_short_port_syntax() -> None:
    model = parse("""
        services:
          a:
            ports:
              - "80"
              - "8080:80"
              - "127.0.0.1:8080:80"
              - "[::1]:8081:81"
              - "8000-8010:8000-8010"
              - "8080:80/udp"
              - 9000
              - "127.0.0.1::5000"
              - 22:22
            expose: ["3000"]
        """)
    assert model.errors == []
    ports = container(model, "a").ports
    assert [port_tuple(p) for p in ports] == [
        (None, None, None, 80, None),
        (None, 8080, None, 80, None),
        ("127.0.0.1", 8080, None, 80, None),
        ("::1", 8081, None, 81, None),
        (None, 8000, 8010, 8000, None),
        (None, 8080, None, 80, "udp"),
        (None, None, None, 9000, None),
        ("127.0.0.1", None, None, 5000, None),
        (None, 22, None, 22, None),
    ]
    assert at(ports[1]) == (5, 9) and at(ports[1].host_port) == (5, 9)


def test_long_port_syntax() -> None:
    model = parse("""
        services:
          a:
            ports:
              - target: 80
                published: "8080"
                host_ip: 0.0.0.0
                protocol: tcp
                mode: host
              - target: 443
              - {target: 53, published: 5300-5310, protocol: udp}
        """)
    assert model.errors == []
    ports = container(model, "a").ports
    assert [port_tuple(p) for p in ports] == [
        ("0.0.0.0", 8080, None, 80, "tcp"), (None, None, None, 443, None), (None, 5300, 5310, 53, "udp")]
    assert at(ports[0]) == (4, 9)
    assert at(ports[0].container_port) == (4, 9)
    assert at(ports[0].host_port) == (5, 9)


def test_bad_ports_are_errors() -> None:
    model = parse("""
        services:
          a:
            ports: ["80:99999", "x:80", {published: 80}, "8080:80"]
        """)
    assert [p.host_port.value for p in container(model, "a").ports] == [8080]  # type: ignore[union-attr]
    assert [m[:2] for m in messages(model)] == [(3, 13), (3, 25), (3, 33)]
    assert "port out of range '99999'" in model.errors[0].message


# -- volumes -----------------------------------------------------------------------------------
def mount_tuple(mount):  # type: ignore[no-untyped-def]
    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    return (v(mount.type), v(mount.source), v(mount.target), v(mount.read_only), v(mount.propagation))


def test_short_volume_syntax() -> None:
    model = parse(r"""
        services:
          a:
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro
              - ./data:/data:rw,rshared
              - ~/cache:/cache
              - data:/var/lib/data:nocopy
              - /anonymous
              - C:\Users\me:/host
              - C:/Users/me:C:/in
              - \\.\pipe\docker_engine:\\.\pipe\docker_engine
              - ${SRC:-/srv}:/srv:z
            tmpfs:
              - /run:size=64k
        volumes:
          data:
        """)
    assert model.errors == []
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/var/run/docker.sock", "/var/run/docker.sock", True, None),
        ("bind", "./data", "/data", False, "rshared"),
        ("bind", "~/cache", "/cache", None, None),
        ("volume", "data", "/var/lib/data", None, None),
        ("volume", None, "/anonymous", None, None),
        ("bind", "C:\\Users\\me", "/host", None, None),
        ("bind", "C:/Users/me", "C:/in", None, None),
        ("bind", "\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\docker_engine", None, None),
        ("bind", "/srv", "/srv", None, None),
        ("tmpfs", None, "/run", None, None),
    ]
    assert at(mounts[0]) == (4, 9) and at(mounts[0].source) == (4, 9)
    assert mounts[3].volume is not None and mounts[3].volume.name.value == "data"
    assert mounts[8].source is not None and mounts[8].source.certain is False
    assert mounts[8].source.text == "${SRC:-/srv}:/srv:z"
    assert at(mounts[9]) == (14, 9)


def test_single_string_tmpfs() -> None:
    model = parse("services:\n  a:\n    tmpfs: /tmp\n")
    assert model.errors == []
    assert [mount_tuple(m) for m in container(model, "a").mounts] == [("tmpfs", None, "/tmp", None, None)]


def test_long_volume_syntax() -> None:
    model = parse("""
        services:
          a:
            volumes:
              - type: bind
                source: /etc
                target: /host-etc
                read_only: "yes"
                bind:
                  propagation: rslave
              - type: volume
                source: data
                target: /data
              - type: tmpfs
                target: /scratch
              - type: npipe
                source: \\\\.\\pipe\\docker_engine
                target: \\\\.\\pipe\\docker_engine
              - source: /nowhere
        volumes:
          data: {}
        """)
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/etc", "/host-etc", True, "rslave"),
        ("volume", "data", "/data", None, None),
        ("tmpfs", None, "/scratch", None, None),
        ("npipe", "\\\\.\\pipe\\docker_engine", "\\\\.\\pipe\\docker_engine", None, None),
    ]
    assert at(mounts[0]) == (4, 9) and at(mounts[0].source) == (5, 9) and at(mounts[0].propagation) == (9, 11)
    assert messages(model) == [(18, 9, "invalid Compose file: services.a.volumes[4]: a volume needs a type "
                                       "(bind, volume, tmpfs, npipe, image or cluster)")]


def test_disguised_bind_volume() -> None:
    model = parse("""
        services:
          a:
            volumes:
              - sock:/var/run/docker.sock
              - type: volume
                source: sock
                target: /again
              - plain:/plain
        volumes:
          sock:
            driver: local
            driver_opts:
              type: none
              o: bind
              device: /var/run
          plain:
            driver_opts: {type: nfs, o: "addr=1.2.3.4", device: ":/export"}
        """)
    assert model.errors == []
    mounts = container(model, "a").mounts
    assert [mount_tuple(m) for m in mounts] == [
        ("bind", "/var/run", "/var/run/docker.sock", None, None),
        ("bind", "/var/run", "/again", None, None),
        ("volume", "plain", "/plain", None, None),
    ]
    assert at(mounts[0].source) == (15, 7)  # the device key
    assert at(mounts[0].type) == (4, 9)
    volume = mounts[0].volume
    assert volume is not None and volume.name.value == "sock" and at(volume) == (10, 3)
    assert volume.type is not None and volume.type.value == "volume"
    assert volume.host_path == Value("/var/run", Location(PATH, 15, 7))
    assert mounts[2].volume is not None and mounts[2].volume.host_path is None


# -- devices -----------------------------------------------------------------------------------
def test_devices() -> None:
    model = parse("""
        services:
          a:
            devices:
              - /dev/fuse
              - /dev/sda:/dev/xvda:rwm
              - nvidia.com/gpu=all
              - source: /dev/kvm
                target: /dev/kvm
                permissions: rw
        """)
    assert model.errors == []
    devices = container(model, "a").devices

    def v(value):  # type: ignore[no-untyped-def]
        return value.value if value is not None else None
    assert [(d.spec.value, v(d.host), v(d.target), v(d.permissions)) for d in devices] == [
        ("/dev/fuse", "/dev/fuse", "/dev/fuse", None),
        ("/dev/sda:/dev/xvda:rwm", "/dev/sda", "/dev/xvda", "rwm"),
        ("nvidia.com/gpu=all", None, None, None),
        ("/dev/kvm", "/dev/kvm", "/dev/kvm", "rw"),
    ]
    assert at(devices[1]) == (5, 9) and at(devices[3].host) == (7, 9)  # type: ignore[arg-type]


# -- build and Dockerfile linking ----------------------------------------------------------------
def test_build_string_and_mapping() -> None:
    model = parse("""
        services:
          a:
            build: ./app
          b:
            build:
              context: https://github.com/example/repo.git#main
              dockerfile: Dockerfile.prod
              target: runtime
              args: {VERSION: "1.0"}
              privileged: true
              network: host
              entitlements: [network.host, security.insecure]
        """)
    assert model.errors == []
    a = service(model, "a")
    assert a.build is not None and a.build.context == Value("./app", Location(PATH, 3, 5))
    assert a.image is None  # nothing on disk
    b = service(model, "b").build
    assert b is not None and at(b) == (5, 5)
    assert b.dockerfile is not None and b.dockerfile.value == "Dockerfile.prod"
    assert b.target is not None and b.target.value == "runtime"
    assert [(kv.key.value, kv.value.value) for kv in b.args] == [("VERSION", "1.0")]
    assert b.privileged == Value(True, Location(PATH, 10, 7))
    assert b.network is not None and b.network.value == "host"
    assert [v.value for v in b.entitlements] == ["network.host", "security.insecure"]
    assert service(model, "b").image is None  # a URL context is never fetched


def test_build_links_local_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, "app/docker/Dockerfile.prod", """
        ARG BASE=alpine
        FROM ${BASE} AS build
        USER builder
        FROM debian AS runtime
        USER 1000
        FROM scratch
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          a:
            build:
              context: app
              dockerfile: docker/Dockerfile.prod
              target: build
              args:
                BASE: busybox
          b:
            build: app/docker
        """)
    model = parse_file(path)
    a = service(model, "a")
    assert isinstance(a.image, Image)
    assert a.image.path == str(tmp_path / "app/docker/Dockerfile.prod")
    assert a.target_stage is not None and a.target_stage.name is not None and a.target_stage.name.value == "build"
    assert a.target_stage.base.value == "busybox"
    assert service(model, "b").image is None  # app/docker has no file named Dockerfile
    assert model.images == []  # the Dockerfile is linted as its own file


def test_build_links_default_dockerfile_and_final_stage(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM alpine\nUSER 1000\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    build: .\n")
    a = service(parse_file(path), "a")
    assert a.image is not None and a.target_stage is a.image.final_stage
    assert a.target_stage is not None and a.target_stage.base.value == "alpine"


def test_build_uses_the_dockerfile_parser_signature(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "Dockerfile", "FROM alpine\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    build: {context: ., args: [X=1, UNSET]}\n")
    calls: list[tuple[str, str, dict[str, str]]] = []
    real = compose.parse_dockerfile

    def spy(p: str, text: str, build_args: Mapping[str, str] | None = None) -> FileModel:
        calls.append((p, text, dict(build_args or {})))
        return real(p, text, build_args)
    monkeypatch.setattr(compose, "parse_dockerfile", spy)
    parse_file(path)
    assert calls == [(str(tmp_path / "Dockerfile"), "FROM alpine\n", {"X": "1"})]


def test_build_inline_dockerfile() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                FROM alpine
                USER root
        """)
    a = service(model, "a")
    assert a.build is not None and a.build.dockerfile_inline is not None
    assert a.image is not None and a.image.path == PATH
    assert a.target_stage is not None and a.target_stage.base.value == "alpine"


def test_build_inline_dockerfile_errors_are_shifted_to_compose_lines() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                USER root
        """)
    assert [(e.line, e.message.startswith("invalid Compose file: dockerfile_inline: ")) for e in model.errors] == [
        (5, True)]


def test_build_inline_dockerfile_positions_point_into_the_compose_file() -> None:
    model = parse("""
        services:
          a:
            build:
              dockerfile_inline: |
                FROM alpine:3.20

                USER root
        """)
    stage = service(model, "a").target_stage
    assert stage is not None and stage.loc == Location(PATH, 5, 9)
    assert stage.user is not None and at(stage.user) == (7, 9)
    user = stage.instructions[-1]
    assert (user.keyword, user.loc.line, user.end_line) == ("USER", 7, 7)


def test_build_inline_dockerfile_not_in_a_literal_block_points_at_its_key() -> None:
    model = parse("""
        services:
          a:
            build: {dockerfile_inline: "FROM alpine\\nUSER root\\n"}
        """)
    stage = service(model, "a").target_stage
    assert stage is not None and stage.loc == Location(PATH, 3, 13)
    assert stage.user is not None and stage.user.value == "root" and at(stage.user) == (3, 13)


# -- lifecycle hooks -----------------------------------------------------------------------------
def test_lifecycle_hooks() -> None:
    model = parse("""
        services:
          a:
            image: x
            post_start:
              - command: ./init.sh --fast
                privileged: "yes"
                user: "0:0"
              - {command: [chown, -R, app, /data], user: app}
            pre_stop:
              - command: ./drain.sh
                privileged: ${HOOK_PRIVILEGED:-false}
            pre_start:
              - command: ./migrate.sh
                user: 0
        """)
    assert model.errors == []
    hooks = container(model, "a").hooks
    assert [(h.kind, at(h)) for h in hooks] == [
        ("pre_start", (13, 9)), ("post_start", (5, 9)), ("post_start", (8, 9)), ("pre_stop", (10, 9))]
    pre_start, first, second, pre_stop = hooks
    assert pre_start.user is not None and pre_start.user.value == 0
    assert first.privileged is not None and first.privileged.value is True and at(first.privileged) == (6, 9)
    assert first.user is not None and first.user.value == 0 and first.user.text == "0:0"
    assert [w.value for w in first.command] == ["./init.sh", "--fast"]
    assert second.privileged is None and second.user is not None and second.user.value == "app"
    assert [w.value for w in second.command] == ["chown", "-R", "app", "/data"]
    assert pre_stop.privileged is not None and pre_stop.privileged.value is False
    assert pre_stop.privileged.certain is False


def test_lifecycle_hook_that_is_not_a_mapping_is_an_error() -> None:
    model = parse("""
        services:
          a:
            image: x
            post_start: [./init.sh]
            pre_stop: {command: x}
        """)
    assert container(model, "a").hooks == ()
    assert [(line, text.split(": ", 2)[1]) for line, _, text in messages(model)] == [
        (4, "services.a.post_start[0]"), (5, "services.a.pre_stop")]


# -- extends -----------------------------------------------------------------------------------
def test_extends_same_file() -> None:
    model = parse("""
        services:
          base:
            image: base
            privileged: true
            cap_add: [NET_ADMIN]
            environment: [A=1, B=2]
            volumes: ["/a:/data", "/logs:/logs"]
            command: ["base"]
          web:
            extends: base
            image: web
            cap_add: [SYS_ADMIN, NET_ADMIN]
            environment: {B: "3"}
            volumes: ["/b:/data"]
            command: ["web"]
          api:
            extends: {service: web}
        """)
    assert model.errors == []
    web = container(model, "web")
    assert web.image is not None and web.image.value == "web" and at(web.image) == (11, 5)
    assert web.security.privileged is not None and at(web.security.privileged) == (4, 5)
    # merged in first-appearance order; a repeated entry takes the later position
    assert [(v.value, at(v)) for v in web.security.capabilities_add] == [
        ("NET_ADMIN", (12, 26)), ("SYS_ADMIN", (12, 15))]
    assert [(kv.key.value, kv.value.value) for kv in web.env] == [("A", "1"), ("B", "3")]
    assert [(m.source.value, m.target.value) for m in web.mounts] == [  # type: ignore[union-attr]
        ("/b", "/data"), ("/logs", "/logs")]
    assert [v.value for v in web.args] == ["web"]
    api = container(model, "api")
    assert api.security.privileged is not None and api.security.privileged.value is True
    assert api.image is not None and api.image.value == "web"


def test_extends_other_file(tmp_path: Path) -> None:
    common = write(tmp_path, "common.yml", """
        services:
          hardened:
            read_only: true
            cap_drop: [ALL]
            security_opt: [no-new-privileges]
        """)
    path = write(tmp_path, "compose.yaml", """
        services:
          web:
            extends:
              file: common.yml
              service: hardened
            image: nginx
            cap_add: [NET_BIND_SERVICE]
        """)
    model = parse_file(path)
    assert model.errors == []
    sec = container(model, "web").security
    assert sec.read_only_root_filesystem is not None
    assert sec.read_only_root_filesystem.loc == Location(str(common), 3, 5)
    assert [v.value for v in sec.capabilities_drop] == ["ALL"]
    assert sec.allow_privilege_escalation is not None and sec.allow_privilege_escalation.value is False
    assert sec.allow_privilege_escalation.loc.path == str(common)
    assert [v.value for v in sec.capabilities_add] == ["NET_BIND_SERVICE"]


def test_extends_cycles_and_missing_services_are_errors(tmp_path: Path) -> None:
    model = parse("""
        services:
          a:
            extends: b
            privileged: true
          b:
            extends: a
          c:
            extends: nowhere
          d:
            extends: {service: x, file: missing.yml}
        """)
    assert [w.resource.name for w in model.workloads] == ["a", "b", "c", "d"]
    assert container(model, "a").security.privileged is not None
    texts = [m[2] for m in messages(model)]
    assert any("extends cycle through service 'a'" in t for t in texts)
    assert any("service 'nowhere' is not defined" in t for t in texts)
    assert any("cannot read /nonexistent/project/missing.yml" in t for t in texts)


# -- discovery -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("services:\n  a: {image: x}\n", True),
    ("version: '3'\nservices:\n", True),
    ("include: [other.yml]\n", True),
    ("apiVersion: v1\nkind: Service\nservices: {}\n", False),
    ("services: [a]\n", False),
    ("name: x\nvolumes: {}\n", False),
    ("- a\n", False),
])
def test_looks_like_compose(text: str, expected: bool) -> None:
    ((doc, error),) = list(load_all(text))
    assert error is None
    assert looks_like_compose(doc) is expected


def test_linked_files_outside_the_project_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("FROM evil-base\nUSER root\n")
    project = tmp_path / "repo"
    (project / ".git").mkdir(parents=True)
    (project / "deploy").mkdir()
    (project / "Dockerfile").write_text("FROM alpine:3\nUSER 10001\n")
    compose_file = project / "deploy" / "compose.yaml"
    compose_file.write_text(dedent(f"""\
        services:
          inside:
            build: {{context: .., dockerfile: Dockerfile}}
          outside:
            build: {{context: {secret.parent}, dockerfile: secret.txt}}
          escape:
            build: {{context: ../.., dockerfile: outside/secret.txt}}
        """))
    model = parse_compose(str(compose_file), compose_file.read_text(), environ={})
    images = {w.resource.name: w.image for w in model.workloads}
    assert images["inside"] is not None and images["inside"].final_stage.user.value == "10001"
    assert images["outside"] is None and images["escape"] is None


def test_build_of_the_wrong_type_is_reported() -> None:
    model = parse_compose("c.yaml", "services:\n  a:\n    image: x\n    build: 7\n", environ={})
    [error] = model.errors
    assert error.line == 4 and "services.a.build" in error.message and "7" in error.message
    assert model.workloads[0].build is None
